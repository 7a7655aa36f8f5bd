"""Signing in and out, passwords and API tokens: each a whole action with its audit event.

Nothing here says whether an email address has an account: sign-in fails with one message
for both, the reset request answers the same either way, and an unknown address still costs
one Argon2 verification so that timing does not tell either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.core.security import new_token, token_hash
from app.core.settings import Settings
from app.identity.models import ApiToken, PasswordReset, SignInAttempt, User, UserSession
from app.identity.passwords import (
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from app.identity.service import get_user_by_email, normalise_email
from app.identity.sessions import end_all_sessions, end_session, start_session
from app.mail.service import queue, retry_now

# Throttling (ASVS 5.0 6.3.1, OWASP authentication cheat sheet). Failures are counted per
# (account, address) pair and per account, never per address alone: one address is often a
# whole council behind NAT, and an address-wide limit let anyone lock out everyone there.
# A limit answers "wait N seconds" with a back-off that doubles per failure and is capped, so
# it slows guessing but never locks the right password out for long:
# - the pair (account, address) waits 5 s after 5 failures, doubling up to 15 minutes: one
#   address guessing at one account is slowed to a few guesses an hour;
# - the account as a whole (failures from every address, a distributed guess) waits 2 s after
#   10, doubling up to 30 s only, and a browser that has signed in to the account before (a
#   "known device" cookie, after OWASP's device-cookie scheme) is exempt, so an attacker
#   elsewhere can at most make a new device wait half a minute.
# Refused attempts (429) neither check the password nor count.
THROTTLE_WINDOW = timedelta(minutes=15)
PAIR_FREE_FAILURES = 5
PAIR_FIRST_WAIT = timedelta(seconds=5)
PAIR_MAX_WAIT = timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_FIRST_WAIT = timedelta(seconds=2)
ACCOUNT_MAX_WAIT = timedelta(seconds=30)
RESET_LIFETIME = timedelta(hours=1)
API_TOKEN_LIFETIME = timedelta(hours=8)
# Verified against when the email has no account, so both cases take as long.
_DUMMY_HASH = hash_password("no account has this password: timing only")


class SignInFailed(Exception):
    """Wrong email or password (deliberately not saying which)."""


class TooManyAttempts(Exception):
    """Too many failed sign-ins lately; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    user: User
    cookie: str


def _backoff_wait(
    count: int, last: datetime | None, free: int, first: timedelta, cap: timedelta
) -> float:
    """Seconds left to wait after `count` failures, the latest at `last` (0: go ahead)."""
    if count < free or last is None:
        return 0.0
    delay = min(first * 2 ** min(count - free, 20), cap)
    return float((last + delay - utcnow()).total_seconds())


def _throttle(db: Session, *, email: str, ip: str, known_device: bool) -> None:
    since = utcnow() - THROTTLE_WINDOW
    limits: list[tuple[tuple[Any, ...], int, timedelta, timedelta]] = [
        (
            (SignInAttempt.email == email, SignInAttempt.ip == ip),
            PAIR_FREE_FAILURES,
            PAIR_FIRST_WAIT,
            PAIR_MAX_WAIT,
        )
    ]
    if not known_device:
        limits.append(
            (
                (SignInAttempt.email == email,),
                ACCOUNT_FREE_FAILURES,
                ACCOUNT_FIRST_WAIT,
                ACCOUNT_MAX_WAIT,
            )
        )
    for where, free, first, cap in limits:
        count, last = db.exec(
            select(func.count(), func.max(SignInAttempt.at)).where(*where, SignInAttempt.at > since)
        ).one()
        wait = _backoff_wait(count, last, free, first, cap)
        if wait > 0:
            raise TooManyAttempts(max(1, math.ceil(wait)))


def _check_credentials(
    db: Session,
    actor: Actor,
    *,
    email: str,
    password: str,
    ip: str,
    via: str,
    device_user_id: str | None = None,
) -> User:
    email = normalise_email(email)
    user = get_user_by_email(db, email=email)
    known_device = user is not None and device_user_id == user.id
    _throttle(db, email=email, ip=ip, known_device=known_device)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.is_active:
        db.add(SignInAttempt(email=email, ip=ip))
        record(
            db,
            actor,
            "sign_in.failed",
            object_type="user",
            object_id=user.id if user else None,
            after={"email": email, "via": via},
        )
        raise SignInFailed
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(
    db: Session,
    actor: Actor,
    *,
    email: str,
    password: str,
    settings: Settings,
    ip: str,
    user_agent: str | None,
    device_user_id: str | None = None,
) -> SignedIn:
    """Check the password and start a session; record the attempt either way.

    `device_user_id` is whom this browser's known-device cookie names, if it has a valid one.
    On SignInFailed the caller commits anyway, so that the failure counts.
    """
    user = _check_credentials(
        db,
        actor,
        email=email,
        password=password,
        ip=ip,
        via="page",
        device_user_id=device_user_id,
    )
    cookie = start_session(db, user=user, settings=settings, ip=ip, user_agent=user_agent)
    record(db, actor.with_user(user.id), "sign_in", object_type="user", object_id=user.id)
    return SignedIn(user, cookie)


def sign_out(db: Session, actor: Actor, *, session_id: str) -> None:
    """End this browser's session."""
    end_session(db, session_id)
    record(db, actor, "sign_out", object_type="user", object_id=actor.user_id)


class WrongPassword(Exception):
    """The current password given to change it was wrong."""


def end_credentials(
    db: Session, user_id: str, *, keep_session: str | None = None, keep_token: str | None = None
) -> None:
    """End every way in to an account (sessions, API tokens, open reset links), except the
    session or token making the change: after a password change or reset, or on disabling."""
    now = utcnow()
    end_all_sessions(db, user_id, except_id=keep_session)
    for api_token in db.exec(
        select(ApiToken).where(ApiToken.user_id == user_id, col(ApiToken.revoked_at).is_(None))
    ):
        if api_token.id != keep_token:
            api_token.revoked_at = now
    _void_resets(db, user_id)


def _void_resets(db: Session, user_id: str) -> None:
    """Open reset links of this account stop working (marked used, though nobody used them)."""
    now = utcnow()
    for reset in db.exec(
        select(PasswordReset).where(
            PasswordReset.user_id == user_id,
            col(PasswordReset.used_at).is_(None),
            PasswordReset.expires_at > now,
        )
    ):
        reset.used_at = now


def change_password(
    db: Session,
    actor: Actor,
    *,
    user: User,
    current: str,
    new: str,
    keep_session: str | None,
    keep_token: str | None = None,
) -> None:
    """Change a password; every other session and token of the account ends."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword
    check_strength(new)
    user.password_hash = hash_password(new)
    end_credentials(db, user.id, keep_session=keep_session, keep_token=keep_token)
    record(db, actor, "password.changed", object_type="user", object_id=user.id)


def request_reset(db: Session, actor: Actor, *, email: str, base_url: str) -> None:
    """Email a one-time reset link if the account exists; the same outcome to the caller if not."""
    user = get_user_by_email(db, email=email)
    if user is None or not user.is_active:
        return
    _void_resets(db, user.id)  # only the newest link works
    token = new_token()
    reset = PasswordReset(
        token_hash=token_hash(token), user_id=user.id, expires_at=utcnow() + RESET_LIFETIME
    )
    db.add(reset)
    record(db, actor, "password.reset_requested", object_type="user", object_id=user.id)
    queue(
        db,
        to=user.email,
        template="password-reset",
        context={"user": user, "expires_at": reset.expires_at},
        secret_link=f"{base_url}/reset-password?token={token}",
    )


def open_reset(db: Session, token: str) -> PasswordReset | None:
    """The reset behind a link, if it is unused and unexpired."""
    reset = db.exec(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))
    ).first()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset


class ResetLinkInvalid(Exception):
    """The link has expired or was already used."""


def reset_password(db: Session, actor: Actor, *, token: str, new: str) -> User:
    """Set a new password through a reset link; it and every other way in (sessions, tokens,
    other links) stop working."""
    reset = open_reset(db, token)
    user = db.get(User, reset.user_id) if reset else None
    if reset is None or user is None or not user.is_active:
        raise ResetLinkInvalid
    check_strength(new)
    user.password_hash = hash_password(new)
    reset.used_at = utcnow()
    end_credentials(db, user.id)
    record(db, actor.with_user(user.id), "password.reset", object_type="user", object_id=user.id)
    return user


def issue_api_token(
    db: Session, actor: Actor, *, email: str, password: str, ip: str
) -> tuple[ApiToken, str]:
    """`POST /api/v1/auth/token`: a bearer token for the API, after the same checks as sign-in."""
    user = _check_credentials(db, actor, email=email, password=password, ip=ip, via="api")
    token = new_token()
    api_token = ApiToken(
        token_hash=token_hash(token),
        user_id=user.id,
        name="sign-in",
        expires_at=utcnow() + API_TOKEN_LIFETIME,
    )
    db.add(api_token)
    record(
        db,
        actor.with_user(user.id),
        "api_token.issued",
        object_type="api_token",
        object_id=api_token.id,
    )
    return api_token, token


def active_sessions(db: Session, user_id: str) -> int:
    """How many sessions of this user have not ended (for the account page)."""
    return db.exec(
        select(func.count()).where(
            UserSession.user_id == user_id, col(UserSession.ended_at).is_(None)
        )
    ).one()


def set_active(db: Session, actor: Actor, *, user: User, active: bool) -> None:
    """Disable an account (its sessions, tokens and reset links end at once, and stay ended if
    it is enabled again) or enable it again."""
    if user.is_active == active:
        return
    user.is_active = active
    if not active:
        end_credentials(db, user.id)
    record(
        db,
        actor,
        "user.enabled" if active else "user.disabled",
        object_type="user",
        object_id=user.id,
    )


MAX_TOKEN_DAYS = 365


def create_personal_token(
    db: Session, actor: Actor, *, user: User, name: str, can_write: bool, days: int
) -> tuple[ApiToken, str]:
    """A personal access token for the API; the caller shows the token once, then only its name."""
    name = name.strip() or name
    if not name.strip(" "):
        raise ValueError("Enter a name for the token, such as the system that will use it")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"Choose an expiry from 1 to {MAX_TOKEN_DAYS} days")
    token = new_token()
    api_token = ApiToken(
        token_hash=token_hash(token),
        user_id=user.id,
        name=name[:100],
        personal=True,
        can_write=can_write,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.add(api_token)
    db.flush()
    record(
        db,
        actor,
        "api_token.created",
        object_type="api_token",
        object_id=api_token.id,
        after={"name": api_token.name, "can_write": can_write, "days": days},
    )
    return api_token, token


def personal_tokens(db: Session, user_id: str) -> list[ApiToken]:
    """A person's personal access tokens that have not been revoked, newest first."""
    return list(
        db.exec(
            select(ApiToken)
            .where(
                ApiToken.user_id == user_id,
                col(ApiToken.personal),
                col(ApiToken.revoked_at).is_(None),
            )
            .order_by(col(ApiToken.created_at).desc())
        ).all()
    )


def revoke_token(db: Session, actor: Actor, *, user: User, token_id: str) -> bool:
    """Revoke one of the person's own tokens; False if it is not theirs."""
    found = db.get(ApiToken, token_id)
    if found is None or found.user_id != user.id or found.revoked_at is not None:
        return False
    found.revoked_at = utcnow()
    record(db, actor, "api_token.revoked", object_type="api_token", object_id=found.id)
    return True


def retry_outbox(db: Session, actor: Actor) -> int:
    """A site administrator's "retry now" after an SMTP outage: waiting mail is due at once."""
    count = retry_now(db)
    record(db, actor, "outbox.retried", object_type="outbox", after={"messages": count})
    return count
