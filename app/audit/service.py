"""Recording audit events in a hash chain, and verifying the chain later.

`record` notes an event in the caller's transaction; the events join their chains just before
that transaction commits (`append_pending`), each chain under its own lock (a transaction-scoped
advisory lock on PostgreSQL, the write lock on SQLite). Appending last keeps that lock for a
moment instead of the whole transaction, so writes to one partnership do not queue behind each
other's work. The unique (chain, position) constraint is the last line of defence: a fork can
never be committed. A transaction that rolls back takes its noted events with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.models import SITE_CHAIN, AuditEvent
from app.core.canonical import content_hash
from app.core.database import before_commit, lock, utcnow

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who did something, and the request it came in on."""

    user_id: str | None
    request_id: str | None = None
    ip: str | None = None

    def with_user(self, user_id: str) -> Actor:
        """The same request, now known to be this user's (an invitation just accepted)."""
        return Actor(user_id=user_id, request_id=self.request_id, ip=self.ip)


SYSTEM = Actor(user_id=None, request_id="system")


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers: everything but its own id and hash."""
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


def _head(db: Session, chain: str) -> AuditEvent | None:
    # LIMIT 1: without it the ORM would load the whole chain to return its first row.
    return db.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.position).desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class _Pending:
    """An event noted in a transaction that has not committed yet."""

    actor: Actor
    action: str
    object_type: str
    object_id: str | None
    partnership_id: str | None
    before: Any
    after: Any
    at: datetime


_PENDING = "audit.pending"


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: str | None = None,
    partnership_id: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Note an event for the partnership's chain (or the site chain); it is appended, in the
    order noted, when this transaction commits."""
    content_hash(before), content_hash(after)  # refuse what canonical JSON cannot hold, now
    db.info.setdefault(_PENDING, []).append(
        _Pending(actor, action, object_type, object_id, partnership_id, before, after, utcnow())
    )


def transaction_actor(db: Session) -> Actor | None:
    """Who acts in this transaction: the actor of the first event it noted."""
    pending: list[_Pending] = db.info.get(_PENDING, [])
    return pending[0].actor if pending else None


@before_commit(order=100)
def append_pending(db: Session) -> None:
    """Append the events noted in this transaction to their chains (a lock per chain)."""
    pending: list[_Pending] = db.info.pop(_PENDING, [])
    heads: dict[str, AuditEvent | None] = {}
    for event in pending:
        chain = event.partnership_id or SITE_CHAIN
        if chain not in heads:
            lock(db, f"audit:{chain}")
            heads[chain] = _head(db, chain)
        head = heads[chain]
        row = AuditEvent(
            chain=chain,
            position=head.position + 1 if head else 1,
            partnership_id=event.partnership_id,
            actor_id=event.actor.user_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            before=event.before,
            after=event.after,
            at=event.at,
            request_id=event.actor.request_id,
            ip=event.actor.ip,
            prev_hash=head.hash if head else GENESIS_HASH,
            hash="",
        )
        row.hash = content_hash(event_content(row))
        db.add(row)
        heads[chain] = row
    if pending:
        db.flush()


@sa.event.listens_for(Session, "after_rollback")
def _forget_pending(db: Session) -> None:
    db.info.pop(_PENDING, None)


def head_hash(db: Session, chain: str) -> str:
    """The hash of the newest event in `chain` (the genesis hash for an empty chain)."""
    head = _head(db, chain)
    return head.hash if head else GENESIS_HASH


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which a chain no longer verifies, and why."""

    chain: str
    position: int
    event_id: str
    reason: str

    def __str__(self) -> str:
        return f"chain {self.chain}: event {self.position} ({self.event_id}) {self.reason}"


def _events(db: Session, chain: str) -> Iterator[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.position))
    yield from db.exec(query.execution_options(yield_per=500))


def verify_chain(db: Session, chain: str) -> ChainBreak | None:
    """Recompute `chain` from its first event; None when intact, else the first break."""
    expected_prev, expected_position = GENESIS_HASH, 1
    for event in _events(db, chain):
        problem = None
        if event.position != expected_position:
            problem = f"is out of sequence (expected position {expected_position})"
        elif event.prev_hash != expected_prev:
            problem = "does not follow the event before it (prev_hash differs)"
        elif content_hash(event_content(event)) != event.hash:
            problem = "has been altered (its content no longer matches its hash)"
        if problem:
            return ChainBreak(chain, event.position, event.id, problem)
        expected_prev, expected_position = event.hash, expected_position + 1
    return None


def chains(db: Session, partnership_id: str | None = None) -> list[str]:
    """Every chain in the database, or just one partnership's."""
    if partnership_id is not None:
        return [partnership_id]
    return sorted(db.exec(select(AuditEvent.chain).distinct()).all())


ACTION_LABELS = {
    "partnership.created": "started the partnership",
    "partner.invited": "invited a partner organisation",
    "partner.joined": "joined the partnership",
    "partner.withdrawn": "withdrew a partner",
    "invitation.sent": "sent an invitation",
    "invitation.resent": "sent an invitation again",
    "invitation.revoked": "withdrew an invitation",
    "invitation.accepted": "accepted an invitation",
    "user.created": "created an account",
    "roles.changed": "changed someone's roles",
    "answer.saved": "saved an answer",
    "scores.submitted": "submitted readiness scores",
    "comment.added": "commented",
    "comment.resolved": "resolved a comment",
    "signoff.signed": "signed a stage",
    "signoff.declined": "declined to sign a stage",
    "signoff.revoked": "revoked a sign-off",
    "signoff.superseded": "a sign-off stopped counting: its content changed",
    "stage.agreed": "a stage was agreed by every partner",
    "risk.created": "added a risk",
    "risk.updated": "changed a risk",
    "risk.deleted": "deleted a risk",
    "funding.proposed": "proposed the funding formula",
    "funding.inputs": "entered funding figures",
    "funding.signed": "signed the funding formula",
    "funding.superseded": "a funding signature stopped counting: the formula changed",
}


def page_of_events(
    db: Session, chain: str, *, before: int | None, limit: int
) -> list[tuple[AuditEvent, str | None]]:
    """Events of a chain, newest first, older than position `before`, with the actor's name."""
    from app.identity.models import User

    query = (
        select(AuditEvent, User.name)
        .join(User, col(User.id) == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.position).desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(AuditEvent.position < before)
    return [(event, name) for event, name in db.exec(query).all()]
