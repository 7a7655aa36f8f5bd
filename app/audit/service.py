"""Recording audit events in a hash chain, and verifying the chain later.

Each chain (one per partnership, plus "site") is appended under a lock: on PostgreSQL a
transaction-scoped advisory lock per chain; on SQLite the write transaction already holds the
database's single write lock. The unique (chain, position) constraint is the last line of
defence: a fork can never be committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.models import SITE_CHAIN, AuditEvent
from app.core.canonical import content_hash
from app.core.database import utcnow

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


def _lock_chain(db: Session, chain: str) -> None:
    if db.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(chain.encode()).digest()[:8], "big", signed=True)
        db.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _head(db: Session, chain: str) -> AuditEvent | None:
    return db.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.position).desc())
    ).first()


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
) -> AuditEvent:
    """Append an event to the partnership's chain (or the site chain) in this transaction."""
    chain = partnership_id or SITE_CHAIN
    _lock_chain(db, chain)
    head = _head(db, chain)
    event = AuditEvent(
        chain=chain,
        position=head.position + 1 if head else 1,
        partnership_id=partnership_id,
        actor_id=actor.user_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        at=utcnow(),
        request_id=actor.request_id,
        ip=actor.ip,
        prev_hash=head.hash if head else GENESIS_HASH,
        hash="",
    )
    event.hash = content_hash(event_content(event))
    db.add(event)
    db.flush()
    return event


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
