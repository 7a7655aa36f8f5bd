"""Telling people: a notification in the service and an email through the outbox.

Mail that asks someone to act (`Ask`: sign, score, accept) goes at once and says what, by
when and who has done it already. Everything else is news: it goes at once, in the person's
daily digest, or not by email at all, as each person chooses (`MailPreference`; daily when they
have not chosen). The in-app notification is made either way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit.service import Actor, anchor, record
from app.core.database import before_commit, fetch, lock, session_scope, utcnow
from app.core.templating import environment
from app.identity.models import Organisation, User
from app.mail.models import OutboxMessage
from app.mail.service import queue
from app.notify.models import MailChoice, MailPreference, MailState, Notification
from app.partnerships.models import Partner, PartnerRole, Partnership, PartnerStatus, Role

# Past this many partners an action mail counts who has done it instead of naming them.
LIST_AT_MOST = 12


def people(
    db: Session,
    partnership_id: str,
    *,
    roles: Iterable[Role] | None = None,
    partner_ids: Iterable[str] | None = None,
) -> list[User]:
    """Active people of the partnership's active partners, with any of `roles` (or any role)."""
    query = (
        select(User)
        .join(PartnerRole, col(PartnerRole.user_id) == User.id)
        .join(Partner, col(Partner.id) == PartnerRole.partner_id)
        .where(
            Partner.partnership_id == partnership_id,
            Partner.status == PartnerStatus.ACTIVE,
            col(User.is_active),
        )
        .distinct()
        .order_by(col(User.email))
    )
    if roles is not None:
        query = query.where(col(PartnerRole.role).in_(list(roles)))
    if partner_ids is not None:
        query = query.where(col(Partner.id).in_(list(partner_ids)))
    return list(db.exec(query).all())


def named(db: Session, user_ids: Collection[str]) -> list[str]:
    """ "Name (Organisation)" for each of these people, in name order."""
    if not user_ids:
        return []
    rows = db.exec(
        select(User.name, Organisation.name)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(col(User.id).in_(list(user_ids)))
    ).all()
    return sorted(f"{name} ({organisation})" for name, organisation in rows)


@dataclass(frozen=True)
class Ask:
    """What an action mail asks of its reader: the task, by when, and who has done it."""

    what: str
    due: date | None = None
    done: Sequence[str] = field(default_factory=tuple)  # "Name (Organisation)" per partner
    partners: int = 0  # how many partners are asked in all

    @property
    def counted(self) -> bool:
        """Too many partners to name them all in a mail."""
        return max(self.partners, len(self.done)) > LIST_AT_MOST


def choices(db: Session, user_ids: Collection[str]) -> dict[str, MailChoice]:
    """Each person's choice for news by email (daily unless they chose otherwise)."""
    chosen: dict[str, MailChoice] = {}
    if user_ids:
        rows = db.exec(
            select(MailPreference.user_id, MailPreference.news).where(
                col(MailPreference.user_id).in_(list(user_ids))
            )
        ).all()
        chosen = {user_id: MailChoice(news) for user_id, news in rows}
    return {uid: chosen.get(uid, MailChoice.DAILY) for uid in user_ids}


def choice(db: Session, user_id: str) -> MailChoice:
    """One person's choice for news by email."""
    return choices(db, [user_id])[user_id]


def choose(db: Session, actor: Actor, *, user_id: str, news: MailChoice) -> None:
    """Record a person's choice for news by email (an audit event on the site's chain)."""
    preference = db.get(MailPreference, user_id)
    before = preference.news.value if preference else None
    if preference is None:
        db.add(MailPreference(user_id=user_id, news=news))
    else:
        preference.news, preference.updated_at = news, utcnow()
    if before != news.value:
        record(
            db,
            actor,
            "mail.preference",
            object_type="user",
            object_id=user_id,
            before={"news": before},
            after={"news": news.value},
        )
    db.flush()


_STATE_OF = {
    MailChoice.IMMEDIATE: MailState.SENT,
    MailChoice.DAILY: MailState.WAITING,
    MailChoice.OFF: MailState.NONE,
}


@dataclass
class _Sealed:
    """A notification whose audit head is known only once the chain is appended."""

    notification: Notification
    user: User
    context: dict[str, Any]


_SEALED = "notify.sealed"


def tell(
    db: Session,
    users: Iterable[User],
    *,
    partnership_id: str,
    message: str,
    link: str,
    base_url: str,
    ask: Ask | None = None,
    sealed: bool = False,
    context: dict[str, Any] | None = None,
) -> None:
    """A notification for each person, and an email (sent after the commit): at once when
    it asks them to act (`ask`), otherwise as they chose for news.

    `sealed` (a sign-off or an agreement) puts the partnership's sealed audit head, as it is
    once this transaction's events are in the chain, in the notification and its email.
    """
    users = list(users)
    chosen = choices(db, [u.id for u in users]) if ask is None else {}
    partnership = fetch(db, Partnership, partnership_id)
    for user in users:
        state = MailState.SENT if ask is not None else _STATE_OF[chosen[user.id]]
        notification = Notification(
            user_id=user.id,
            partnership_id=partnership_id,
            message=message,
            link=link,
            action=ask is not None,
            mail_state=state,
        )
        db.add(notification)
        mail = {
            "user": user,
            "partnership": partnership,
            "message": message,
            "link": f"{base_url}{link}",
            "ask": ask,
            "base_url": base_url,
            **(context or {}),
        }
        if sealed:
            db.info.setdefault(_SEALED, []).append(_Sealed(notification, user, mail))
        elif state is MailState.SENT:
            _send_now(db, user, mail)
    db.flush()


def _send_now(db: Session, user: User, context: dict[str, Any]) -> None:
    queue(
        db,
        to=user.email,
        template="action" if context.get("ask") else "notification",
        partnership_id=context["partnership"].id,
        context={"audit_head": None, **context},
    )


@before_commit(order=200)  # after the audit events are appended (order 100)
def send_sealed(db: Session) -> None:
    """Give this transaction's sealed notifications the head their change left the chain at,
    and send those that go at once."""
    pending: list[_Sealed] = db.info.pop(_SEALED, [])
    heads: dict[str, Any] = {}
    for item in pending:
        chain = item.notification.partnership_id
        if chain not in heads:
            heads[chain] = dict(anchor(db, chain))
        item.notification.audit_head = heads[chain]
        if item.notification.mail_state is MailState.SENT:
            _send_now(db, item.user, {**item.context, "audit_head": heads[chain]})


@sa.event.listens_for(Session, "after_rollback")
def _forget_sealed(db: Session) -> None:
    db.info.pop(_SEALED, None)


def unread(db: Session, user_id: str, limit: int = 50) -> list[Notification]:
    """A person's newest notifications, unread first."""
    return list(
        db.exec(
            select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(col(Notification.read_at).is_not(None), col(Notification.created_at).desc())
            .limit(limit)
        ).all()
    )


# --- The daily digest ---------------------------------------------------------------------


def waiting_for_digest(db: Session) -> list[str]:
    """The people with news waiting for their digest."""
    return list(
        db.exec(
            select(Notification.user_id)
            .where(Notification.mail_state == MailState.WAITING)
            .distinct()
            .order_by(col(Notification.user_id))
        ).all()
    )


def digest_subject(names: Sequence[str], count: int) -> str:
    """A digest's subject: every partnership it covers, by name."""
    updates = f"{count} update{'' if count == 1 else 's'}"
    if len(names) == 1:
        return f"{names[0]}: your daily summary, {updates}"
    return f"{', '.join(names[:-1])} and {names[-1]}: your daily summary, {updates}"


def send_digest(db: Session, *, user_id: str, base_url: str) -> bool:
    """Put one person's waiting news in one email, grouped by partnership, and mark it sent.

    Under a lock per person, and marked in the same transaction as the email is queued: a
    second run (or a second worker at the same moment) finds nothing waiting.
    """
    lock(db, f"notify.digest:{user_id}")
    waiting = list(
        db.exec(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.mail_state == MailState.WAITING)
            .order_by(col(Notification.created_at), col(Notification.id))
        ).all()
    )
    if not waiting:
        return False
    user = fetch(db, User, user_id)
    wanted = user.is_active and choice(db, user_id) is not MailChoice.OFF
    for notification in waiting:
        notification.mail_state = MailState.DIGESTED if wanted else MailState.NONE
    if not wanted:
        db.flush()
        return False
    context = _digest(db, user, waiting, base_url)
    queue(
        db,
        to=user.email,
        template="digest",
        partnership_id=context["partnership_id"],
        context=context,
    )
    db.flush()
    return True


# What an outbox message can hold; a digest over it lists the newest news and counts the rest.
BODY_LIMIT = int(OutboxMessage.__table__.c.body.type.length)  # type: ignore[attr-defined]


def _digest(db: Session, user: User, waiting: list[Notification], base_url: str) -> dict[str, Any]:
    """The digest's template context: the news grouped by partnership, as much as fits."""
    partnerships = {
        p.id: p
        for p in db.exec(
            select(Partnership).where(col(Partnership.id).in_({n.partnership_id for n in waiting}))
        )
    }
    names = sorted(p.name for p in partnerships.values())
    shown = waiting
    while True:
        groups = sorted(
            (
                (partnership, [n for n in shown if n.partnership_id == pid])
                for pid, partnership in partnerships.items()
                if any(n.partnership_id == pid for n in shown)
            ),
            key=lambda group: group[0].name,
        )
        context = {
            "subject": digest_subject(names, len(waiting)),
            "user": user,
            "groups": groups,
            "more": len(waiting) - len(shown),
            "sealed": any(n.audit_head for n in shown),
            "base_url": base_url,
            "partnership_id": next(iter(partnerships)) if len(partnerships) == 1 else None,
        }
        text = environment().get_template("mail/digest.txt").render(**context)
        if len(text) <= BODY_LIMIT or len(shown) == 1:
            return context
        shown = shown[len(shown) // 2 :]  # the newer half


def send_digests(engine: Engine, *, base_url: str) -> int:
    """Send every person's digest, each in its own transaction; returns how many were sent."""
    with session_scope(engine, write=False) as db:
        user_ids = waiting_for_digest(db)
    sent = 0
    for user_id in user_ids:
        with session_scope(engine, write=True) as db:
            sent += send_digest(db, user_id=user_id, base_url=base_url)
    return sent
