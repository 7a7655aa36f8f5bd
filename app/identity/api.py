"""JSON API: tokens, the signed-in user, passwords."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from app.core.database import fetch, utcnow
from app.core.deps import SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, page
from app.core.problems import API_ERRORS, Problem
from app.core.security import client_ip
from app.identity import flows
from app.identity.deps import CurrentPrincipal, SiteAdmin, actor_of
from app.identity.models import ApiToken, Organisation, User
from app.identity.passwords import WeakPassword
from app.identity.schemas import (
    MembershipOut,
    MeOut,
    OrganisationOut,
    PasswordChange,
    PersonalTokenCreated,
    PersonalTokenIn,
    PersonalTokenOut,
    ResetConfirm,
    ResetRequest,
    TokenRequest,
    TokenResponse,
)
from app.mail.models import OutboxMessage
from app.mail.service import deliver_due
from app.partnerships.service import partnerships_of

router = APIRouter(prefix="/api/v1", tags=["identity"], responses=API_ERRORS)


def _weak(exc: WeakPassword) -> Problem:
    return Problem(422, str(exc), errors=[{"field": "new_password", "message": str(exc)}])


@router.post(
    "/auth/token",
    summary="Sign in for a bearer token",
    responses={
        401: {"description": "Wrong email or password"},
        429: {"description": "Too many failed attempts"},
    },
)
def create_token(body: TokenRequest, request: Request, db: SessionDep) -> TokenResponse:
    """Exchange an email and password for a bearer token that lasts eight hours."""
    try:
        api_token, token = flows.issue_api_token(
            db,
            actor_of(request, None),
            email=body.email,
            password=body.password,
            ip=client_ip(request),
        )
    except flows.TooManyAttempts as exc:
        raise Problem(
            429,
            "Too many failed attempts to sign in; try again later.",
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except flows.SignInFailed:
        db.commit()
        raise Problem(401, "Wrong email address or password.") from None
    db.commit()
    return TokenResponse(access_token=token, expires_at=api_token.expires_at)


@router.delete("/auth/token", status_code=204, summary="Revoke the bearer token in use")
def revoke_token(request: Request, db: SessionDep, principal: CurrentPrincipal) -> None:
    """Sign the API client out: the token stops working at once."""
    if principal.token_id is None:
        raise HTTPException(400, "This request did not use a bearer token.")
    fetch(db, ApiToken, principal.token_id).revoked_at = utcnow()
    db.commit()


@router.get("/me", summary="The signed-in user, their organisation, partnerships and roles")
def me(
    request: Request,
    response: Response,
    db: SessionDep,
    principal: CurrentPrincipal,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> MeOut:
    """`partnerships` is paged like every list (`limit`, `cursor`; the next page's cursor in
    `X-Next-Cursor` and `Link`); the rest of the answer is the same on every page."""
    user = principal.user
    organisation = fetch(db, Organisation, user.organisation_id)
    memberships = [
        MembershipOut(
            partnership_id=p.id,
            name=p.name,
            partner_id=partner.id,
            partner_status=partner.status.value,
            roles=[r.value for r in roles],
        )
        for p, partner, roles in partnerships_of(db, user)
    ]
    return MeOut(
        id=user.id,
        email=user.email,
        name=user.name,
        is_admin=user.is_admin,
        organisation=OrganisationOut(
            id=organisation.id, name=organisation.name, kind=organisation.kind.value
        ),
        partnerships=page(
            memberships,
            key=lambda m: m.partnership_id,
            limit=limit,
            cursor=cursor,
            request=request,
            response=response,
        ),
    )


@router.post(
    "/me/password",
    status_code=204,
    summary="Change your password",
    responses={422: {"description": "Wrong current password or a weak new one"}},
)
def change_password(
    body: PasswordChange, request: Request, db: SessionDep, principal: CurrentPrincipal
) -> None:
    try:
        flows.change_password(
            db,
            actor_of(request, principal),
            user=principal.user,
            current=body.current_password,
            new=body.new_password,
            keep_session=principal.session_id,
            keep_token=principal.token_id,
        )
    except flows.WrongPassword:
        raise Problem(
            403,
            "The current password is not correct.",
            errors=[{"field": "current_password", "message": "Not correct"}],
        ) from None
    except WeakPassword as exc:
        raise Problem(
            422, str(exc), errors=[{"field": "new_password", "message": str(exc)}]
        ) from None
    db.commit()


@router.post("/auth/password-reset", status_code=202, summary="Email a password reset link")
def request_reset(body: ResetRequest, request: Request, db: SessionDep) -> dict[str, str]:
    """Always 202, whether or not the address has an account."""
    flows.request_reset(
        db, actor_of(request, None), email=body.email, base_url=request.app.state.settings.base_url
    )
    db.commit()
    return {"status": "If the address has an account, a link is on its way."}


@router.post(
    "/auth/password-reset/confirm",
    status_code=204,
    summary="Set a new password with a reset link's token",
    responses={
        400: {"description": "The link has expired or been used"},
        422: {"description": "The new password is too weak"},
    },
)
def confirm_reset(body: ResetConfirm, request: Request, db: SessionDep) -> None:
    try:
        flows.reset_password(db, actor_of(request, None), token=body.token, new=body.new_password)
    except flows.ResetLinkInvalid:
        raise Problem(404, "This reset link has expired or has already been used.") from None
    except WeakPassword as exc:
        raise Problem(
            422, str(exc), errors=[{"field": "new_password", "message": str(exc)}]
        ) from None
    db.commit()


@router.post(
    "/admin/users/{user_id}/disable",
    status_code=204,
    tags=["admin"],
    summary="Disable an account (site administrators)",
    responses={403: {"description": "Not a site administrator"}},
)
def disable_user(user_id: str, request: Request, db: SessionDep, admin: SiteAdmin) -> None:
    """Its sessions end and its tokens stop working at once; everything it did stays."""
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(404)
    flows.set_active(db, actor_of(request, admin), user=user, active=False)
    db.commit()


@router.post(
    "/admin/users/{user_id}/enable",
    status_code=204,
    tags=["admin"],
    summary="Enable a disabled account (site administrators)",
    responses={403: {"description": "Not a site administrator"}},
)
def enable_user(user_id: str, request: Request, db: SessionDep, admin: SiteAdmin) -> None:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(404)
    flows.set_active(db, actor_of(request, admin), user=user, active=True)
    db.commit()


def _token_out(t: ApiToken) -> PersonalTokenOut:
    return PersonalTokenOut(
        id=t.id,
        name=t.name,
        can_write=t.can_write,
        created_at=t.created_at,
        expires_at=t.expires_at,
        last_used_at=t.last_used_at,
    )


@router.post("/me/tokens", status_code=201, summary="Create a personal access token (shown once)")
def create_personal_token(
    body: PersonalTokenIn, request: Request, db: SessionDep, principal: CurrentPrincipal
) -> PersonalTokenCreated:
    """A read-only token (the default) can only GET; a read-write token acts as you."""
    try:
        api_token, token = flows.create_personal_token(
            db,
            actor_of(request, principal),
            user=principal.user,
            name=body.name,
            can_write=body.can_write,
            days=body.expires_in_days,
        )
    except ValueError as exc:
        raise Problem(422, str(exc), errors=[{"field": "name", "message": str(exc)}]) from None
    db.commit()
    return PersonalTokenCreated(**_token_out(api_token).model_dump(), token=token)


@router.get("/me/tokens", summary="Your personal access tokens (never the tokens themselves)")
def list_personal_tokens(
    request: Request,
    response: Response,
    db: SessionDep,
    principal: CurrentPrincipal,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[PersonalTokenOut]:
    tokens = flows.personal_tokens(db, principal.user.id)
    chosen = page(
        tokens, key=lambda t: t.id, limit=limit, cursor=cursor, request=request, response=response
    )
    return [_token_out(t) for t in chosen]


@router.delete(
    "/me/tokens/{token_id}",
    status_code=204,
    summary="Revoke a personal access token",
    responses={404: {"description": "No such token of yours"}},
)
def revoke_personal_token(
    token_id: str, request: Request, db: SessionDep, principal: CurrentPrincipal
) -> None:
    if not flows.revoke_token(
        db, actor_of(request, principal), user=principal.user, token_id=token_id
    ):
        raise HTTPException(404)
    db.commit()


class OutboxOut(BaseModel):
    """A mail as the administrator may see it: a secret link is only ever a placeholder."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f4c8a2e6b1d4395a7e3c9b5d0f28a61",
                    "to": "signatory@eastbrook.example.org",
                    "subject": "You are invited to the Northdale and Eastbrook shared revenues "
                    "and benefits partnership",
                    "body": "Alex Morgan has invited you to join the shared-service partnership "
                    '"Northdale and Eastbrook shared revenues and benefits" for Eastbrook '
                    "Borough Council.\n\nThe partnership is forming a shared Revenues and "
                    "benefits service. You have been invited as: Signatory.\n\nTo accept, "
                    "open this link and choose a password:\n\n(link sent to the recipient only)\n\n"
                    "The link works once and expires on 7 December 2026 at 10:05 UTC. If you "
                    "were not expecting this email, you can ignore it.\n",
                    "created_at": "2026-11-23T10:05:00Z",
                    "sent_at": "2026-11-23T10:05:02Z",
                    "attempts": 1,
                    "last_error": None,
                }
            ]
        }
    )
    id: str
    to: str
    subject: str
    body: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None


@router.get("/admin/outbox", tags=["admin"], summary="The newest 100 emails, sent or waiting")
def outbox(db: SessionDep, admin: SiteAdmin) -> list[OutboxOut]:
    """Without an SMTP server configured, this is the only copy of the mail."""
    rows = db.exec(select(OutboxMessage).order_by(col(OutboxMessage.created_at).desc()).limit(100))
    return [OutboxOut.model_validate(m, from_attributes=True) for m in rows]


class OutboxRetried(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"rescheduled": 22}]})
    rescheduled: int


@router.post(
    "/admin/outbox/retry",
    tags=["admin"],
    summary="Try every waiting email now (site administrators)",
    responses={403: {"description": "Not a site administrator"}},
)
def retry_outbox(
    request: Request, db: SessionDep, admin: SiteAdmin, tasks: BackgroundTasks
) -> OutboxRetried:
    """After an SMTP outage: mails waiting out a back-off are tried at once, never twice."""
    count = flows.retry_outbox(db, actor_of(request, admin))
    db.commit()
    tasks.add_task(deliver_due, request.app.state.engine, request.app.state.settings)
    return OutboxRetried(rescheduled=count)
