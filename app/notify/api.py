"""JSON API: your notifications."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS
from app.identity.deps import CurrentPrincipal, actor_of
from app.notify.models import MailChoice
from app.notify.service import choice, choose, unread

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=API_ERRORS)


class NotificationOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "d8b2e6f04a1c4593b7e0c5a2f9d14e86",
                    "partnership_id": "a41d6e2f9c0b4873b5e1d8c2f6a09e37",
                    "message": "The funding formula changed after you signed it, so your "
                    "signature no longer counts. Review it and sign again.",
                    "link": "/partnerships/a41d6e2f9c0b4873b5e1d8c2f6a09e37/funding",
                    "created_at": "2026-11-22T10:15:00Z",
                    "read_at": "2026-11-22T11:02:00Z",
                }
            ]
        }
    )
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


class MailPreferenceIO(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"news": "daily"}]})
    news: MailChoice = Field(
        description="How often news comes by email: `immediate` (one email each), `daily` (one "
        "summary a day, the default) or `off`. Mail that asks you to act (sign, score, accept "
        "an invitation) always comes at once, whatever this says."
    )


@router.get("/me/mail-preference", summary="How often you get news by email")
def my_mail_preference(db: SessionDep, principal: CurrentPrincipal) -> MailPreferenceIO:
    return MailPreferenceIO(news=choice(db, principal.user.id))


@router.put("/me/mail-preference", summary="Choose how often you get news by email")
def set_my_mail_preference(
    body: MailPreferenceIO, request: Request, db: SessionDep, principal: CurrentPrincipal
) -> MailPreferenceIO:
    choose(db, actor_of(request, principal), user_id=principal.user.id, news=body.news)
    db.commit()
    return MailPreferenceIO(news=choice(db, principal.user.id))
