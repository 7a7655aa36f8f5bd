"""Telling people: a notification in the service and an email through the outbox, together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from app.identity.models import User
from app.mail.service import queue
from app.notify.models import Notification
from app.partnerships.models import Partner, PartnerRole, PartnerStatus, Role


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


def tell(
    db: Session,
    users: Iterable[User],
    *,
    partnership_id: str,
    message: str,
    link: str,
    base_url: str,
    context: dict[str, Any] | None = None,
) -> None:
    """A notification for each person, and the same by email (sent after the commit)."""
    for user in users:
        db.add(
            Notification(user_id=user.id, partnership_id=partnership_id, message=message, link=link)
        )
        queue(
            db,
            to=user.email,
            template="notification",
            partnership_id=partnership_id,
            context={
                "user": user,
                "message": message,
                "link": f"{base_url}{link}",
                **(context or {}),
            },
        )
    db.flush()


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
