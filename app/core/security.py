"""Tokens and CSRF.

Secret tokens (sessions, API tokens, invitation and reset links) are 256 random bits; only their
SHA-256 is stored, so a copy of the database lets nobody sign in or accept an invitation.

CSRF: every browser gets a random `csrf` cookie (HttpOnly, SameSite=Lax). Forms carry, and htmx
sends in the X-CSRF-Token header, an HMAC of that cookie under SECRET_KEY. One global dependency
checks every unsafe request. API requests with a bearer token, or with no session cookie at
all, are exempt: a forged cross-site request can only ride on a browser's session cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request

SESSION_COOKIE = "roadmap_session"
CSRF_COOKIE = "roadmap_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    """A fresh secret token for a link, a cookie or an API client."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored in place of a secret token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token_for(secret_key: str, cookie_value: str) -> str:
    """The form token that matches a browser's CSRF cookie."""
    return hmac.new(secret_key.encode(), f"csrf:{cookie_value}".encode(), "sha256").hexdigest()


def csrf_cookie(request: Request) -> str:
    """This browser's CSRF cookie value, minting one (set on the response by middleware)."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_cookie", None)
    if not value:
        value = new_token()
        request.state.new_csrf_cookie = value
    return str(value)


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms."""
    return csrf_token_for(request.app.state.settings.secret_key, csrf_cookie(request))


def has_bearer_token(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


async def verify_csrf(request: Request) -> None:
    """The global check: an unsafe request from a browser must carry the right token."""
    if request.method in SAFE_METHODS or has_bearer_token(request):
        return
    if request.url.path.startswith("/api/") and SESSION_COOKIE not in request.cookies:
        return  # no session cookie, so no signed-in browser for a forged request to ride on
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "") or None
    expected = csrf_token_for(request.app.state.settings.secret_key, cookie) if cookie else None
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        raise HTTPException(403, "The form has expired or did not come from this service.")
