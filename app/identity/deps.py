"""Who is calling: a browser session or a bearer token. Pages redirect to sign in; the API 401s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, HTTPException, Request
from sqlmodel import Session, col, select

from app.audit.service import Actor
from app.core.database import utcnow, write_apart
from app.core.deps import SessionDep
from app.core.permissions import permission
from app.core.problems import SignInRequired
from app.core.security import SAFE_METHODS, client_ip, request_cookie_name, token_hash
from app.identity.models import ApiToken, ApiWrite, User
from app.identity.sessions import SESSION_COOKIE, load_session, touch


@dataclass(frozen=True)
class Principal:
    """The signed-in caller."""

    user: User
    session_id: str | None = None
    token_id: str | None = None

    @property
    def via_token(self) -> bool:
        return self.token_id is not None


def _from_bearer(db: Session, header: str) -> tuple[User, ApiToken] | None:
    token = header.split(" ", 1)[1].strip() if " " in header else ""
    if not token:
        return None
    row = db.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token), col(ApiToken.revoked_at).is_(None))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if not user.is_active or (api_token.expires_at and api_token.expires_at <= utcnow()):
        return None
    return user, api_token


WRITE_WINDOW = timedelta(minutes=1)


def _throttle_writes(request: Request, db: Session, token_id: str) -> None:
    """At most `api_writes_per_minute` writes a minute per token; then 429 with Retry-After.

    Counted in the request's own (write) transaction: a write that fails does not count.
    """
    limit = request.app.state.settings.api_writes_per_minute
    now = utcnow()
    db.execute(
        sa.delete(ApiWrite).where(
            col(ApiWrite.token_id) == token_id, col(ApiWrite.at) <= now - WRITE_WINDOW
        )
    )
    recent = db.exec(
        select(ApiWrite.at).where(ApiWrite.token_id == token_id).order_by(col(ApiWrite.at))
    ).all()
    if len(recent) >= limit:
        wait = int((recent[0] + WRITE_WINDOW - now).total_seconds()) + 1
        raise HTTPException(
            429,
            "Too many changes through this token; slow down.",
            headers={"Retry-After": str(max(wait, 1))},
        )
    db.add(ApiWrite(token_id=token_id, at=now))


def optional_principal(request: Request, db: SessionDep) -> Principal | None:
    """The caller if signed in, else None. Bearer tokens come only from the header."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = _from_bearer(db, header)
        if found is None:
            raise SignInRequired
        user, api_token = found
        if request.method not in SAFE_METHODS:
            if not api_token.can_write:
                raise HTTPException(403, "This token can only read.")
            _throttle_writes(request, db, api_token.id)
        principal = Principal(user=user, token_id=api_token.id)
    else:
        live = load_session(
            db,
            cookie=request.cookies.get(request_cookie_name(request, SESSION_COOKIE)),
            settings=request.app.state.settings,
        )
        if live is not None:
            if live.needs_touch:
                with write_apart(db):
                    touch(db, live.session.id)
            principal = Principal(user=live.user, session_id=live.session.id)
    request.state.principal = principal
    return principal


def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The signed-in caller; anyone else is sent to sign in."""
    if principal is None:
        raise SignInRequired
    return principal


def actor_of(request: Request, principal: Principal | None) -> Actor:
    """Who to record in the audit trail for this request."""
    return Actor(
        user_id=principal.user.id if principal else None,
        request_id=getattr(request.state, "request_id", None),
        ip=client_ip(request),
    )


@permission
def require_admin(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Site administrators only (they run the service; they see no partnership by right)."""
    if not principal.user.is_admin:
        raise HTTPException(403)
    return principal


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
SiteAdmin = Annotated[Principal, Depends(require_admin)]
