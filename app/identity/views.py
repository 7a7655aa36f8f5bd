"""Pages: sign in and out, forgotten and reset passwords, the account page, the mail outbox."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from sqlmodel import col, select
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData, safe_next
from app.core.security import CSRF_COOKIE, client_ip, new_token, request_cookie_name
from app.core.templating import render
from app.identity import flows
from app.identity.deps import CurrentPrincipal, OptionalPrincipal, SiteAdmin, actor_of
from app.identity.models import Organisation
from app.identity.passwords import WeakPassword
from app.identity.sessions import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_DAYS,
    SESSION_COOKIE,
    device_cookie,
    device_user,
)
from app.mail.models import OutboxMessage
from app.mail.service import backlog, deliver_due

router = APIRouter(include_in_schema=False)


def _sign_in_page(request: Request, form: Form, *, status: int = 200) -> Response:
    return render(request, "identity/sign-in.html", {"form": form}, status_code=status)


@router.get("/sign-in")
def sign_in_page(request: Request, principal: OptionalPrincipal, next: str = "") -> Response:
    """The sign-in form (signed-in people go straight on)."""
    if principal is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _sign_in_page(request, Form({"next": next}))


@router.post("/sign-in")
def sign_in(request: Request, db: SessionDep, form: FormData) -> Response:
    """Check the email and password; on success a new session (and a new CSRF cookie)."""
    if not form.get("email").strip():
        form.error("email", "Enter your email address")
    if not form.get("password"):
        form.error("password", "Enter your password")
    if not form.ok:
        return _sign_in_page(request, form, status=400)
    settings = request.app.state.settings
    try:
        signed_in = flows.sign_in(
            db,
            actor_of(request, None),
            email=form.get("email"),
            password=form.get("password"),
            settings=settings,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
            device_user_id=device_user(
                settings, request.cookies.get(request_cookie_name(request, DEVICE_COOKIE))
            ),
        )
    except flows.TooManyAttempts as exc:
        form.error(
            "email",
            f"Too many failed attempts to sign in. Wait {_duration(exc.retry_after)} and try "
            "again, or reset your password.",
        )
        response = _sign_in_page(request, form, status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except flows.SignInFailed:
        db.commit()  # the failed attempt counts towards throttling and is audited
        form.error("email", "Enter a correct email address and password")
        form.values["password"] = ""
        return _sign_in_page(request, form, status=400)
    db.commit()
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    secure = settings.is_production
    response.set_cookie(
        request_cookie_name(request, SESSION_COOKIE),
        signed_in.cookie,
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=settings.session_absolute_hours * 3600,
    )
    response.set_cookie(
        request_cookie_name(request, CSRF_COOKIE),
        new_token(),
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.set_cookie(
        request_cookie_name(request, DEVICE_COOKIE),
        device_cookie(settings, signed_in.user.id),
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=DEVICE_COOKIE_DAYS * 86400,
    )
    return response


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minutes"


@router.post("/sign-out")
def sign_out(request: Request, db: SessionDep, principal: OptionalPrincipal) -> Response:
    """End the session and forget the cookie."""
    if principal is not None and principal.session_id is not None:
        flows.sign_out(db, actor_of(request, principal), session_id=principal.session_id)
        db.commit()
    response = RedirectResponse("/signed-out", status_code=303)
    secure = request.app.state.settings.is_production  # a __Host- cookie is only unset Secure
    response.delete_cookie(request_cookie_name(request, SESSION_COOKIE), secure=secure)
    response.delete_cookie(request_cookie_name(request, CSRF_COOKIE), secure=secure)
    return response


@router.get("/signed-out")
def signed_out(request: Request) -> Response:
    return render(request, "identity/signed-out.html")


@router.get("/forgot-password")
def forgot_password_page(request: Request) -> Response:
    return render(request, "identity/forgot-password.html", {"form": Form()})


@router.post("/forgot-password")
def forgot_password(request: Request, db: SessionDep, form: FormData) -> Response:
    """Always the same answer, whether or not the address has an account."""
    email = form.get("email").strip()
    if "@" not in email:
        form.error("email", "Enter an email address in the correct format, like name@example.org")
        return render(request, "identity/forgot-password.html", {"form": form}, status_code=400)
    flows.request_reset(
        db, actor_of(request, None), email=email, base_url=request.app.state.settings.base_url
    )
    db.commit()
    return render(request, "identity/check-email.html", {"email": email})


@router.get("/reset-password")
def reset_password_page(request: Request, db: SessionDep, token: str = "") -> Response:
    if flows.open_reset(db, token) is None:
        return render(request, "identity/reset-link-invalid.html", status_code=400)
    return render(request, "identity/reset-password.html", {"form": Form({"token": token})})


@router.post("/reset-password")
def reset_password(request: Request, db: SessionDep, form: FormData) -> Response:
    if form.get("password") != form.get("confirm"):
        form.error("confirm", "The passwords do not match")
    if form.ok:
        try:
            flows.reset_password(
                db, actor_of(request, None), token=form.get("token"), new=form.get("password")
            )
        except flows.ResetLinkInvalid:
            return render(request, "identity/reset-link-invalid.html", status_code=400)
        except WeakPassword as exc:
            form.error("password", str(exc))
    if not form.ok:
        return render(request, "identity/reset-password.html", {"form": form}, status_code=400)
    db.commit()
    response = RedirectResponse("/sign-in", status_code=303)
    flash(request, response, "Your password has been changed. Sign in with your new password.")
    return response


@router.get("/account")
def account(request: Request, db: SessionDep, principal: CurrentPrincipal) -> Response:
    """Who you are, your organisation, and what you can change."""
    organisation = db.get(Organisation, principal.user.organisation_id)
    return render(
        request,
        "identity/account.html",
        {
            "organisation": organisation,
            "sessions": flows.active_sessions(db, principal.user.id),
            "tokens": flows.personal_tokens(db, principal.user.id),
            "form": Form({"expires_in_days": "90"}),
        },
    )


@router.post("/account/tokens")
def create_token(
    request: Request, db: SessionDep, principal: CurrentPrincipal, form: FormData
) -> Response:
    """Create a personal access token and show it, once."""
    days = form.get("expires_in_days", "90")
    try:
        api_token, token = flows.create_personal_token(
            db,
            actor_of(request, principal),
            user=principal.user,
            name=form.get("name"),
            can_write=form.get("access") == "write",
            days=int(days) if days.isdigit() else 0,
        )
    except ValueError as exc:
        form.error("name" if "name" in str(exc) else "expires_in_days", str(exc))
        return render(
            request,
            "identity/account.html",
            {
                "organisation": db.get(Organisation, principal.user.organisation_id),
                "sessions": flows.active_sessions(db, principal.user.id),
                "tokens": flows.personal_tokens(db, principal.user.id),
                "form": form,
            },
            status_code=400,
        )
    db.commit()
    return render(request, "identity/token-created.html", {"api_token": api_token, "token": token})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: str, db: SessionDep, principal: CurrentPrincipal
) -> Response:
    if flows.revoke_token(db, actor_of(request, principal), user=principal.user, token_id=token_id):
        db.commit()
    response = RedirectResponse("/account#tokens", status_code=303)
    flash(request, response, "The token is revoked: it no longer works")
    return response


@router.get("/account/password")
def change_password_page(request: Request, principal: CurrentPrincipal) -> Response:
    return render(request, "identity/change-password.html", {"form": Form()})


@router.post("/account/password")
def change_password(
    request: Request, db: SessionDep, principal: CurrentPrincipal, form: FormData
) -> Response:
    """Change the password; the account's other sessions end."""
    if form.get("password") != form.get("confirm"):
        form.error("confirm", "The new passwords do not match")
    if form.ok:
        try:
            flows.change_password(
                db,
                actor_of(request, principal),
                user=principal.user,
                current=form.get("current"),
                new=form.get("password"),
                keep_session=principal.session_id,
            )
        except flows.WrongPassword:
            form.error("current", "Your current password is not correct")
        except WeakPassword as exc:
            form.error("password", str(exc))
    if not form.ok:
        return render(request, "identity/change-password.html", {"form": form}, status_code=400)
    db.commit()
    response = RedirectResponse("/account", status_code=303)
    flash(request, response, "Your password has been changed. Your other sessions have ended.")
    return response


@router.get("/admin/outbox")
def outbox(request: Request, db: SessionDep, admin: SiteAdmin) -> Response:
    """The newest mail, sent or waiting, and the backlog (links are never shown)."""
    messages = db.exec(
        select(OutboxMessage).order_by(col(OutboxMessage.created_at).desc()).limit(100)
    ).all()
    return render(request, "identity/outbox.html", {"messages": messages, "backlog": backlog(db)})


@router.post("/admin/outbox/retry")
def retry_outbox(
    request: Request, db: SessionDep, admin: SiteAdmin, tasks: BackgroundTasks
) -> Response:
    """Try every waiting mail now rather than at the end of its back-off."""
    count = flows.retry_outbox(db, actor_of(request, admin))
    db.commit()
    settings = request.app.state.settings
    tasks.add_task(deliver_due, request.app.state.engine, settings)
    response = RedirectResponse("/admin/outbox", status_code=303)
    flash(
        request,
        response,
        f"{count} waiting email{'s' if count != 1 else ''} will be tried now"
        if settings.smtp_host
        else "No SMTP server is configured, so nothing can be sent",
    )
    return response
