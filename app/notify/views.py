"""The notifications page, and how often you want news by email."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import col, update
from starlette.responses import Response

from app.core.database import utcnow, write_apart
from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.identity.deps import CurrentPrincipal, actor_of
from app.notify.models import MailChoice, Notification
from app.notify.service import choice, choose, unread

router = APIRouter(include_in_schema=False)

CHOICE_WORDS = {
    MailChoice.IMMEDIATE: "Straight away, one email for each",
    MailChoice.DAILY: "Once a day, in one summary",
    MailChoice.OFF: "Never: I will read them in the service",
}


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


def _page(request: Request, form: Form, status_code: int = 200) -> Response:
    return render(
        request,
        "notify/mail-preference.html",
        {"form": form, "choices": CHOICE_WORDS},
        status_code=status_code,
    )


@router.get("/account/notifications")
def mail_preference(request: Request, db: SessionDep, principal: CurrentPrincipal) -> Response:
    """How often you want news by email; mail that asks you to act always comes at once."""
    return _page(request, Form({"news": choice(db, principal.user.id).value}))


@router.post("/account/notifications")
def choose_mail_preference(
    request: Request, db: SessionDep, principal: CurrentPrincipal, form: FormData
) -> Response:
    try:
        news = MailChoice(form.get("news"))
    except ValueError:
        form.error("news", "Select how often you want emails about news")
        return _page(request, form, status_code=400)
    choose(db, actor_of(request, principal), user_id=principal.user.id, news=news)
    db.commit()
    response = RedirectResponse("/account", status_code=303)
    flash(request, response, f"Emails about news: {CHOICE_WORDS[news].lower()}.")
    return response
