"""Security headers on every response, a request id for the logs and the audit trail, and the
CSRF cookie when a page minted one."""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.security import CSRF_COOKIE, cookie_name

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The interactive API docs (/docs) load Swagger UI; they get their own, looser policy.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HSTS = "max-age=63072000; includeSubDomains"
# Pages, API answers and downloads carry people's partnership data: no browser, proxy or shared
# cache may keep them. Only the public static assets (CSS, fonts, scripts) may be cached.
NO_STORE = b"no-store"
PUBLIC_PREFIXES = ("/static/",)


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streamed exports)."""

    def __init__(self, app: ASGIApp, *, production: bool, docs_paths: tuple[str, ...]) -> None:
        self.app = app
        self.production = production
        self.docs_paths = docs_paths

    def _csrf_cookie(self, value: str) -> bytes:
        secure = "; Secure" if self.production else ""
        name = cookie_name(CSRF_COOKIE, production=self.production)
        return f"{name}={value}; HttpOnly; Path=/; SameSite=Lax{secure}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or [])
        request_id = incoming.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = request_id or secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        path: str = scope.get("path", "")
        csp = DOCS_CONTENT_SECURITY_POLICY if path in self.docs_paths else CONTENT_SECURITY_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
                if not path.startswith(PUBLIC_PREFIXES) and not any(
                    name.lower() == b"cache-control" for name, _ in headers
                ):
                    headers.append((b"cache-control", NO_STORE))
                if self.production:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                minted = scope["state"].get("new_csrf_cookie")
                if minted:
                    headers.append((b"set-cookie", self._csrf_cookie(minted)))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
