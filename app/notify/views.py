"""The notifications page: what the service has told you, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import col, update
from starlette.responses import Response

from app.core.database import utcnow, write_apart
from app.core.deps import SessionDep
from app.core.templating import render
from app.identity.deps import CurrentPrincipal
from app.notify.models import Notification
from app.notify.service import unread

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
def notifications(request: Request, db: SessionDep, principal: CurrentPrincipal) -> Response:
    """Your notifications; seeing them marks them read."""
    items = unread(db, principal.user.id)
    response = render(request, "notify/notifications.html", {"items": items})
    if any(n.read_at is None for n in items):
        # A GET that writes: only this harmless flag, in its own short write transaction.
        with write_apart(db):
            db.execute(
                update(Notification)
                .where(
                    col(Notification.user_id) == principal.user.id,
                    col(Notification.read_at).is_(None),
                )
                .values(read_at=utcnow())
            )
    return response
