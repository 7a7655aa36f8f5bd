"""Server-side sessions: signing out, or disabling an account, ends them at once.

The cookie holds a random token, signed with SECRET_KEY; the database holds the token's SHA-256.
A session ends after `session_idle_minutes` without a request and `session_absolute_hours`
after sign-in, whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, Signer
from sqlmodel import Session, col, select

from app.core.database import utcnow
from app.core.security import DEVICE_COOKIE, SESSION_COOKIE, new_token, token_hash
from app.core.settings import Settings
from app.identity.models import User, UserSession

TOUCH_EVERY = timedelta(seconds=60)
DEVICE_COOKIE_DAYS = 365
__all__ = [
    "DEVICE_COOKIE",
    "SESSION_COOKIE",
    "end_session",
    "load_session",
    "start_session",
    "touch",
]


def _signer(settings: Settings) -> Signer:
    return Signer(settings.secret_key, salt="roadmap-session")


def start_session(
    db: Session, *, user: User, settings: Settings, ip: str | None, user_agent: str | None
) -> str:
    """A new session for `user`; returns the cookie value (a new id every sign-in)."""
    token = new_token()
    db.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            ip=ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    db.flush()
    return _signer(settings).sign(token).decode()


@dataclass(frozen=True)
class LiveSession:
    session: UserSession
    user: User
    needs_touch: bool


def load_session(db: Session, *, cookie: str | None, settings: Settings) -> LiveSession | None:
    """The live session behind a cookie, or None if it is missing, forged, ended or timed out."""
    if not cookie:
        return None
    try:
        token = _signer(settings).unsign(cookie).decode()
    except BadSignature:
        return None
    row = db.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    session, user = row
    now = utcnow()
    if (
        session.ended_at is not None
        or not user.is_active
        or now - session.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
        or now - session.created_at > timedelta(hours=settings.session_absolute_hours)
    ):
        return None
    return LiveSession(session, user, needs_touch=now - session.last_seen_at > TOUCH_EVERY)


def touch(db: Session, session_id: str) -> None:
    """Record activity, which keeps the session from idling out."""
    found = db.get(UserSession, session_id)
    if found is not None:
        found.last_seen_at = utcnow()


def end_session(db: Session, session_id: str) -> None:
    """Sign out: the session stops working at once."""
    found = db.get(UserSession, session_id)
    if found is not None and found.ended_at is None:
        found.ended_at = utcnow()


def end_all_sessions(db: Session, user_id: str, *, except_id: str | None = None) -> None:
    """End every session of a user (password changed or reset, account disabled)."""
    query = select(UserSession).where(
        UserSession.user_id == user_id, col(UserSession.ended_at).is_(None)
    )
    now = utcnow()
    for session in db.exec(query):
        if session.id != except_id:
            session.ended_at = now


def device_cookie(settings: Settings, user_id: str) -> str:
    """A "known device" cookie: this browser has signed in as `user_id` before, so an attack on
    the account from elsewhere does not make it wait (see `flows._throttle`)."""
    return Signer(settings.secret_key, salt="roadmap-device").sign(user_id).decode()


def device_user(settings: Settings, cookie: str | None) -> str | None:
    """Whom a known-device cookie names, if it is genuine."""
    if not cookie:
        return None
    try:
        return Signer(settings.secret_key, salt="roadmap-device").unsign(cookie).decode()
    except BadSignature:
        return None
