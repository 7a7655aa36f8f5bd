"""JSON API: your notifications."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS
from app.identity.deps import CurrentPrincipal
from app.notify.service import unread

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=API_ERRORS)


class NotificationOut(BaseModel):
    id: str
    partnership_id: str
    message: str
    link: str
    created_at: datetime
    read_at: datetime | None


@router.get("/me/notifications", summary="Your newest notifications, unread first")
def my_notifications(db: SessionDep, principal: CurrentPrincipal) -> list[NotificationOut]:
    return [
        NotificationOut(
            id=n.id,
            partnership_id=n.partnership_id,
            message=n.message,
            link=n.link,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in unread(db, principal.user.id)
    ]
