"""Recording audit events in a sealed hash chain; verifying it lives in `app.audit.chain`.

`record` notes an event in the caller's transaction; the events join their chains just before
that transaction commits (`append_pending`), each chain under its own lock (a transaction-scoped
advisory lock on PostgreSQL, the write lock on SQLite). Appending last keeps that lock for a
moment instead of the whole transaction, so writes to one partnership do not queue behind each
other's work. Under the same lock each chain's sealed head moves to its new last event. The
unique (chain, position) constraint is the last line of defence: a fork can never be
committed. A transaction that rolls back takes its noted events with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.chain import GENESIS_HASH as GENESIS_HASH
from app.audit.chain import Anchor as Anchor
from app.audit.chain import ChainBreak as ChainBreak
from app.audit.chain import anchor as anchor
from app.audit.chain import anchor_at as anchor_at
from app.audit.chain import chains as chains
from app.audit.chain import event_content, latest_event, stored_head, write_head
from app.audit.chain import head_hash as head_hash
from app.audit.chain import seal_chains as seal_chains
from app.audit.chain import verify_anchor as verify_anchor
from app.audit.chain import verify_chain as verify_chain
from app.audit.models import SITE_CHAIN, AuditEvent
from app.audit.sealing import EVENT, current_key, key_id, seal
from app.core.canonical import content_hash
from app.core.database import before_commit, lock, utcnow


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


@dataclass
class _Tip:
    """Where a chain's next event goes, and what becomes of the chain's head record."""

    position: int
    hash: str
    head: Literal["move", "create", "none"]  # the existing record, a new chain's, or none


def _tip(db: Session, chain: str) -> _Tip:
    head = stored_head(db, chain)
    if head is not None:
        # From the head, not the newest row: after a deleted tail the next event would
        # otherwise reuse the deleted positions and hide the gap.
        return _Tip(head.position, head.hash, "move")
    event = latest_event(db, chain)
    if event is None:
        return _Tip(0, GENESIS_HASH, "create")
    # Events but no head: written before sealing began, or the head was deleted. Only
    # `roadmap audit seal` may give such a chain a head (see `seal_chains`).
    return _Tip(event.position, event.hash, "none")


@before_commit(order=100)
def append_pending(db: Session) -> None:
    """Append the events noted in this transaction to their chains (a lock per chain), seal
    them, and move each chain's sealed head."""
    pending: list[_Pending] = db.info.pop(_PENDING, [])
    if not pending:
        return
    key = current_key()
    tips: dict[str, _Tip] = {}
    for event in pending:
        chain = event.partnership_id or SITE_CHAIN
        if chain not in tips:
            lock(db, f"audit:{chain}")
            tips[chain] = _tip(db, chain)
        tip = tips[chain]
        row = AuditEvent(
            chain=chain,
            position=tip.position + 1,
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
            prev_hash=tip.hash,
            hash="",
        )
        row.hash = content_hash(event_content(row))
        row.seal = seal(key, EVENT, chain, row.position, row.hash)
        row.key_id = key_id(key)
        db.add(row)
        tip.position, tip.hash = row.position, row.hash
    db.flush()
    for chain, tip in tips.items():
        if tip.head != "none":
            write_head(db, key, chain, tip.position, tip.hash, new=tip.head == "create")


@sa.event.listens_for(Session, "after_rollback")
def _forget_pending(db: Session) -> None:
    db.info.pop(_PENDING, None)


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
    "agreement.exported": "exported the agreement",
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
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Events of a chain, newest first, older than position `before`, with the actor's name
    and organisation (None for the service's own events)."""
    from app.identity.models import Organisation, User

    query = (
        select(AuditEvent, User.name, Organisation.name)
        .join(User, col(User.id) == AuditEvent.actor_id, isouter=True)
        .join(Organisation, col(Organisation.id) == User.organisation_id, isouter=True)
        .where(AuditEvent.chain == chain)
        .order_by(col(AuditEvent.position).desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(AuditEvent.position < before)
    return [(event, name, org) for event, name, org in db.exec(query).all()]
