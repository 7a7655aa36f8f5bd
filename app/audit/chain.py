"""The chains themselves: what an event's hash covers, where a chain ends, and checking it.

Three things make a chain tamper-evident, each catching what the one before cannot:
- each event's `hash` covers its content and the hash before it, so an edited or removed
  event breaks the links;
- each event's `seal` is an HMAC under a key the database does not hold
  (`app.audit.sealing`), so someone who rewrites events and recomputes the hashes is caught;
- each chain's sealed head (`audit_head`) says how long the chain is, so deleting the newest
  events, which leaves a shorter chain that links perfectly, is caught too. An exported
  anchor (`anchor`) carries the head outside the database, so that even a head moved back
  to an old sealed value is caught by `verify_anchor`.

Events written before sealing began have no seal: they are an unsealed prefix, covered by the
first sealed event after them (its hash commits to theirs) or by the head that `roadmap audit
seal` gives their chain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent, AuditHead
from app.audit.sealing import EVENT, HEAD, current_key, key_id, seal, seal_matches
from app.core.canonical import content_hash
from app.core.database import lock

GENESIS_HASH = "0" * 64


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers: everything but its own id, hash and seal."""
    return {
        "chain": event.chain,
        "position": event.position,
        "partnership_id": event.partnership_id,
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "at": event.at.isoformat(),
        "request_id": event.request_id,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }


def latest_event(db: Session, chain: str) -> AuditEvent | None:
    """The newest event row of `chain` (not necessarily its head, if rows were deleted)."""
    # LIMIT 1: without it the ORM would load the whole chain to return its first row.
    return db.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.position).desc())
        .limit(1)
    ).first()


def stored_head(db: Session, chain: str) -> AuditHead | None:
    """The chain's head record as the database holds it now."""
    # populate_existing: sessions keep objects across commits (expire_on_commit is off), and
    # another transaction may have moved the head since this session last read it.
    return db.exec(
        select(AuditHead).where(AuditHead.chain == chain).execution_options(populate_existing=True)
    ).first()


def write_head(
    db: Session, key: bytes, chain: str, position: int, hash_: str, *, new: bool
) -> None:
    """Seal and store `chain`'s head at (position, hash); the caller holds the chain's lock."""
    values = {
        "position": position,
        "hash": hash_,
        "seal": seal(key, HEAD, chain, position, hash_),
        "key_id": key_id(key),
    }
    # Plain statements, not ORM objects: the head row changes in other sessions all the time.
    if new:
        db.execute(sa.insert(AuditHead).values(chain=chain, **values))
    else:
        db.execute(sa.update(AuditHead).where(col(AuditHead.chain) == chain).values(**values))


def head_hash(db: Session, chain: str) -> str:
    """The hash of the newest event in `chain` (the genesis hash for an empty chain)."""
    head = stored_head(db, chain)
    if head is not None:
        return head.hash
    event = latest_event(db, chain)
    return event.hash if event else GENESIS_HASH


class Anchor(TypedDict):
    """A chain's head as exported: enough to check later that the chain still reaches it."""

    chain: str
    position: int
    hash: str
    seal: str


def anchor(db: Session, chain: str) -> Anchor:
    """The chain's current head, sealed, for an export or a notification to carry."""
    head = stored_head(db, chain)
    if head is not None:
        return {"chain": chain, "position": head.position, "hash": head.hash, "seal": head.seal}
    # A chain not sealed yet (or empty): seal its newest event now, with the key in use.
    event = latest_event(db, chain)
    position, hash_ = (event.position, event.hash) if event else (0, GENESIS_HASH)
    return {
        "chain": chain,
        "position": position,
        "hash": hash_,
        "seal": seal(current_key(), HEAD, chain, position, hash_),
    }


def anchor_at(chain: str, position: int, hash_: str) -> Anchor:
    """An anchor for an event that need not be the chain's head (an export anchors the last
    change before it, not its own record), sealed with the key in use."""
    return {
        "chain": chain,
        "position": position,
        "hash": hash_,
        "seal": seal(current_key(), HEAD, chain, position, hash_),
    }


@dataclass(frozen=True)
class ChainBreak:
    """The first place at which a chain no longer verifies, and why.

    `event_id` is None when the break is not an event that is there (a missing tail, the head
    record); `wrong_key` is true when the seals name another key than the configured one.
    """

    chain: str
    position: int
    event_id: str | None
    reason: str
    wrong_key: bool = False

    def __str__(self) -> str:
        if self.event_id is None:
            return f"chain {self.chain} at position {self.position}: {self.reason}"
        return f"chain {self.chain}: event {self.position} ({self.event_id}) {self.reason}"


def _wrong_key(found: str | None, configured: str) -> str:
    return (
        f"was sealed with a different SECRET_KEY (key id {found}; the configured key's id is "
        f"{configured}): verify with the SECRET_KEY that sealed it"
    )


def _missing(first: int, last: int) -> str:
    return f"event {first} is" if first == last else f"events {first} to {last} are"


@dataclass
class _Walk:
    """Where a walk along a chain's events got to."""

    position: int = 0
    hash: str = GENESIS_HASH
    event_id: str | None = None
    sealed: bool = False  # some event so far carries a seal: no unsealed event may follow
    first_sealed: bool = False  # the chain's first event carries one


def _events(db: Session, chain: str, upto: int | None) -> Iterator[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.chain == chain)
    if upto is not None:
        query = query.where(AuditEvent.position <= upto)
    # populate_existing: check the rows as stored, not copies this session loaded earlier.
    query = query.order_by(col(AuditEvent.position)).execution_options(
        yield_per=500, populate_existing=True
    )
    yield from db.exec(query)


def _walk(db: Session, chain: str, key: bytes, walk: _Walk, upto: int | None) -> ChainBreak | None:
    """Check the events of `chain` in order, up to position `upto`; None when they all hold."""
    configured = key_id(key)
    for event in _events(db, chain, upto):
        expected = walk.position + 1
        problem, wrong_key = None, False
        if event.position > expected:
            missing = _missing(expected, event.position - 1)
            problem = f"is out of sequence: {missing} missing before it (deleted)"
        elif event.position != expected:
            problem = f"is out of sequence (expected position {expected})"
        elif event.prev_hash != walk.hash:
            problem = "does not follow the event before it (prev_hash differs)"
        elif content_hash(event_content(event)) != event.hash:
            problem = "has been altered (its content no longer matches its hash)"
        elif event.seal is None:
            if walk.sealed:
                problem = "is not sealed, though an event before it is (added without the key)"
        elif event.key_id != configured:
            problem, wrong_key = _wrong_key(event.key_id, configured), True
        elif not seal_matches(key, EVENT, chain, event.position, event.hash, event.seal):
            problem = (
                "has been rewritten: its hash matches its content but its seal does not (the "
                "hashes were recomputed by someone without the SECRET_KEY)"
            )
        if problem:
            return ChainBreak(chain, event.position, event.id, problem, wrong_key)
        if event.seal is not None:
            walk.sealed = True
            walk.first_sealed = walk.first_sealed or event.position == 1
        walk.position, walk.hash, walk.event_id = event.position, event.hash, event.id
    return None


def _check_head(db: Session, chain: str, key: bytes, walk: _Walk) -> ChainBreak | None:
    """Whether the chain ends where its sealed head says it does."""
    head = stored_head(db, chain)
    last = walk.position
    if head is None:
        if last == 0:
            return None
        if walk.first_sealed:
            reason = "has no head record, though its events are sealed: the record was deleted"
        else:
            # Either history from before sealing, or a chain stripped of its seals and head:
            # only the one who upgraded the database knows which.
            reason = (
                "has no sealed head: its first events were written before sealing began. If "
                "this database was upgraded and `roadmap audit seal` has not been run since, "
                "run it once, with the service's SECRET_KEY; if it has, the chain's seals and "
                "head were removed"
            )
        return ChainBreak(chain, last, None, reason)
    configured = key_id(key)
    if head.key_id != configured:
        return ChainBreak(chain, head.position, None, _wrong_key(head.key_id, configured), True)
    if not seal_matches(key, HEAD, chain, head.position, head.hash, head.seal):
        reason = "the head record has been altered (its seal does not match it)"
        return ChainBreak(chain, head.position, None, reason)
    if head.position > last:
        reason = (
            f"{_missing(last + 1, head.position)} missing from the end (deleted): the chain "
            f"ends at event {last}, but its sealed head is event {head.position}"
        )
        return ChainBreak(chain, last + 1, None, reason)
    if head.position < last:
        reason = (
            f"the chain goes on to event {last} past its sealed head, event {head.position}: "
            "events were added without the key, or the head was moved back"
        )
        return ChainBreak(chain, head.position + 1, None, reason)
    if head.hash != walk.hash:
        return ChainBreak(
            chain, last, walk.event_id, "is not the event its sealed head names (hash differs)"
        )
    return None


def verify_chain(db: Session, chain: str) -> ChainBreak | None:
    """Check `chain` from its first event to its sealed head; None when intact, else the first
    break."""
    key = current_key()
    walk = _Walk()
    return _walk(db, chain, key, walk, None) or _check_head(db, chain, key, walk)


def verify_anchor(db: Session, exported: Mapping[str, Any]) -> ChainBreak | None:
    """Check that the chain still holds an exported `anchor`, unchanged up to it.

    The anchor's seal proves it came from this service; the chain must still reach its
    position with the same hash, every event up to it intact. Events after it are the chain's
    own business (`verify_chain`).
    """
    chain, position = exported.get("chain"), exported.get("position")
    hash_, seal_value = exported.get("hash"), exported.get("seal")
    if not (
        isinstance(chain, str)
        and isinstance(position, int)
        and position >= 0
        and isinstance(hash_, str)
        and isinstance(seal_value, str)
    ):
        raise ValueError("an anchor is {chain, position, hash, seal}")
    key = current_key()
    if not seal_matches(key, HEAD, chain, position, hash_, seal_value):
        head = stored_head(db, chain)
        configured = key_id(key)
        if head is not None and head.key_id != configured:
            return ChainBreak(
                chain, position, None, "the anchor " + _wrong_key(head.key_id, configured), True
            )
        reason = (
            "the anchor's seal does not match it: the anchor was altered, or sealed with "
            "another SECRET_KEY"
        )
        return ChainBreak(chain, position, None, reason)
    walk = _Walk()
    broken = _walk(db, chain, key, walk, position)
    if broken is not None:
        return broken
    if walk.position < position:
        reason = (
            f"{_missing(walk.position + 1, position)} missing (deleted): the chain ends at "
            f"event {walk.position}, but the exported head is event {position}"
        )
        return ChainBreak(chain, walk.position + 1, None, reason)
    if walk.hash != hash_:
        return ChainBreak(
            chain, position, walk.event_id, "is not the exported head (its hash differs)"
        )
    return None


def chains(db: Session, partnership_id: str | None = None) -> list[str]:
    """Every chain in the database (with events or a head), or just one partnership's."""
    if partnership_id is not None:
        return [partnership_id]
    with_events = db.exec(select(AuditEvent.chain).distinct()).all()
    # A head without events is a chain whose every event was deleted.
    return sorted({*with_events, *db.exec(select(AuditHead.chain)).all()})


def seal_chains(db: Session) -> list[str]:
    """Give a sealed head to every chain written before sealing began; say what was done.

    Only a chain that starts with an unsealed event and verifies as it stands is sealed: a
    chain whose events are sealed already had a head, so a missing one was deleted, and
    sealing it now would bless the deletion. Safe to run twice.
    """
    key = current_key()
    done = []
    for chain in chains(db):
        lock(db, f"audit:{chain}")
        if stored_head(db, chain) is not None:
            continue
        walk = _Walk()
        broken = _walk(db, chain, key, walk, None)
        if broken is not None:
            done.append(f"NOT SEALED {broken}")
        elif walk.first_sealed:
            done.append(
                f"NOT SEALED chain {chain}: its events are sealed but its head record is "
                "missing; it was deleted, and sealing now would hide that"
            )
        else:
            write_head(db, key, chain, walk.position, walk.hash, new=True)
            done.append(f"sealed chain {chain}: {walk.position} event(s) up to its head")
    return done
