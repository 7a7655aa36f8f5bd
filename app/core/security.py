"""Tokens and CSRF.

Secret tokens (sessions, API tokens, invitation and reset links) are 256 random bits; only their
SHA-256 is stored, so a copy of the database lets nobody sign in or accept an invitation.

CSRF: every browser gets a random `csrf` cookie (HttpOnly, SameSite=Lax). Forms carry, and htmx
sends in the X-CSRF-Token header, an HMAC of that cookie under SECRET_KEY. One global dependency
checks every unsafe request. API requests with a bearer token, or with no session cookie at
all, are exempt: a forged cross-site request can only ride on a browser's session cookie.

Sealing: a secret that must wait in the database for a while (a reset or invitation link in a
mail not yet delivered) is kept encrypted and authenticated under a key derived from SECRET_KEY,
so a copy of the database alone does not reveal it: AES-256-GCM (`cryptography`), a random
96-bit nonce per value, the version and purpose bound in as associated data, and a key per
purpose (HMAC-SHA256 of SECRET_KEY with the purpose as label). The `v2.` prefix names the
scheme, so a later one can sit beside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import HTTPException, Request

# The names in development. In production each gets the `__Host-` prefix (`cookie_name`): the
# browser then refuses the cookie unless it is Secure, Path=/ and has no Domain, so neither a
# sibling subdomain nor a plain-http page can plant or overwrite it (session fixation, CSRF
# cookie tossing). Over http in development a browser would refuse such a cookie, so the plain
# names stay there; which applies follows ENVIRONMENT, as `Secure` already did.
SESSION_COOKIE = "roadmap_session"
CSRF_COOKIE = "roadmap_csrf"
DEVICE_COOKIE = "roadmap_device"
HOST_PREFIX = "__Host-"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cookie_name(name: str, *, production: bool) -> str:
    """A cookie's name as this deployment sets and reads it."""
    return f"{HOST_PREFIX}{name}" if production else name


def request_cookie_name(request: Request, name: str) -> str:
    """`cookie_name` for the app serving `request`."""
    return cookie_name(name, production=request.app.state.settings.is_production)


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
    value = request.cookies.get(request_cookie_name(request, CSRF_COOKIE)) or getattr(
        request.state, "new_csrf_cookie", None
    )
    if not value:
        value = new_token()
        request.state.new_csrf_cookie = value
    return str(value)


def csrf_token(request: Request) -> str:
    """The token to put in this page's forms."""
    return csrf_token_for(request.app.state.settings.secret_key, csrf_cookie(request))


def client_ip(request: Request) -> str:
    """The caller's address, for throttling and the audit trail.

    The peer's address, unless the peer is a proxy named in TRUSTED_PROXIES: then the
    right-most X-Forwarded-For hop that is not itself a trusted proxy (the address the nearest
    trusted proxy saw). Hops left of that are whatever the client chose to send, so a client
    that rotates them changes nothing.
    """
    peer = request.client.host if request.client else "unknown"
    networks = request.app.state.settings.trusted_proxy_networks
    if not networks or not _within(peer, networks):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop if _is_address(hop) else peer
    return hops[0] if hops else peer


def _is_address(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True


def _within(value: str, networks: Sequence[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(value)
    except ValueError:
        return False
    return any(address in network for network in networks)


def has_bearer_token(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith("bearer ")


async def verify_csrf(request: Request) -> None:
    """The global check: an unsafe request from a browser must carry the right token."""
    if request.method in SAFE_METHODS or has_bearer_token(request):
        return
    session_cookie = request_cookie_name(request, SESSION_COOKIE)
    if request.url.path.startswith("/api/") and session_cookie not in request.cookies:
        return  # no session cookie, so no signed-in browser for a forged request to ride on
    cookie = request.cookies.get(request_cookie_name(request, CSRF_COOKIE))
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "") or None
    expected = csrf_token_for(request.app.state.settings.secret_key, cookie) if cookie else None
    if not (sent and expected and hmac.compare_digest(sent, expected)):
        raise HTTPException(403, "The form has expired or did not come from this service.")


_SEAL_VERSION = b"v2"  # AES-256-GCM; v1 (an HMAC keystream) was never released
_NONCE_BYTES = 12
_TAG_BYTES = 16


def _derived(secret_key: str, label: str) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), f"roadmap {label}".encode(), "sha256").digest()


def seal(secret_key: str, purpose: str, plaintext: str) -> str:
    """`plaintext` encrypted and authenticated under a key for `purpose` derived from SECRET_KEY."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    cipher = AESGCM(_derived(secret_key, f"seal:{purpose}"))
    ciphertext = cipher.encrypt(nonce, plaintext.encode("utf-8"), _SEAL_VERSION + purpose.encode())
    packed = base64.urlsafe_b64encode(nonce + ciphertext).decode("ascii")
    return f"{_SEAL_VERSION.decode()}.{packed}"


class SealBroken(ValueError):
    """A sealed value was altered, or sealed under another SECRET_KEY or purpose."""


def unseal(secret_key: str, purpose: str, sealed: str) -> str:
    """The plaintext of `seal(...)`; raises SealBroken unless key, purpose and value all match."""
    version, _, packed = sealed.partition(".")
    try:
        raw = base64.urlsafe_b64decode(packed.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise SealBroken("not a sealed value") from None
    if version.encode() != _SEAL_VERSION or len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealBroken("not a sealed value")
    cipher = AESGCM(_derived(secret_key, f"seal:{purpose}"))
    try:
        plain = cipher.decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _SEAL_VERSION + purpose.encode()
        )
    except InvalidTag:
        raise SealBroken("the seal does not match this SECRET_KEY") from None
    return plain.decode("utf-8")
