"""One-off messages shown on the page after a redirect ("Invitation sent")."""

from __future__ import annotations

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

FLASH_COOKIE = "roadmap_flash"


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.settings.secret_key, salt="flash")


def flash(request: Request, response: Response, message: str) -> None:
    """Show `message` on the next page this browser sees."""
    response.set_cookie(
        FLASH_COOKIE,
        _serializer(request).dumps(message),
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.is_production,
        max_age=300,
    )


def take_flash(request: Request, response: Response) -> str | None:
    """The waiting message, if any; it is shown once."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    response.delete_cookie(FLASH_COOKIE)
    try:
        return str(_serializer(request).loads(raw))
    except BadSignature:
        return None
