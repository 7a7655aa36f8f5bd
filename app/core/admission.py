"""Admission control: at most N requests of one worker use the database at once.

A request holds one pooled connection from its first query until its session closes, but it
gives its thread back between dependencies; without a limit, more requests than connections
start, each holding a connection while it waits for a thread, and the pool times out. Letting
in no more requests than the pool has connections makes that impossible: the rest wait here,
in order, holding nothing. Static files are served without waiting.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send


class Admission:
    """Pure ASGI middleware: `slots` requests at a time; the others queue (FIFO)."""

    def __init__(self, app: ASGIApp, *, slots: int, exempt: tuple[str, ...] = ("/static/",)):
        self.app = app
        self.exempt = exempt
        self._slots = slots
        self._limiter: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.exempt):
            await self.app(scope, receive, send)
            return
        if self._limiter is None:  # created on the event loop that serves the requests
            self._limiter = anyio.CapacityLimiter(self._slots)
        async with self._limiter:
            await self.app(scope, receive, send)
