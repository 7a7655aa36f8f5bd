"""A request body limit, enforced as the body arrives: nothing larger than `max_bytes` is read.

A declared `Content-Length` over the limit is refused before the app runs (no slot, no session,
no byte of the body read). A body sent without one (chunked) is counted as it streams; the
read that crosses the limit raises a 413 inside the app, so the app's own error handlers answer
it (problem+json for the API, a page for people) and the rest of the body is never read:
uvicorn stops reading from the socket while nobody asks for more (flow control).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.problems import BodyTooLarge, too_large


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length, or None when it sends none (or an unreadable one)."""
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we see it
    return None


class BodyLimit:
    """Pure ASGI middleware: 413 for a body of more than `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            # The unread rest of the body stays on the connection: close it, rather than let
            # the server read (and discard) all of it to reach the next request.
            if message["type"] == "http.response.start" and message["status"] == 413:
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
            await send(message)

        declared = declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            await too_large(Request(scope, receive), self.max_bytes)(scope, receive, closing)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, closing)
