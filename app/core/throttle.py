"""A per-person budget for expensive requests (exports, answer history): each costs some units,
and a person may spend `budget` units a minute; beyond that, 429 with Retry-After.

Kept in the worker's memory, not the database: what it protects is the worker's own CPU and
threads (a PDF can take seconds), and counting a read in the database would make every
expensive GET a write. With N workers a person can spend at most N budgets a minute, still a
bound. (The per-token write limit, API_WRITES_PER_MINUTE, counts in the database because a
write must not count when it fails.)
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

WINDOW_SECONDS = 60.0


class Throttled(Exception):
    """The person has spent their budget: answered 429 with Retry-After (see problems.py)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class Budget:
    """At most `per_minute` units per person in any sliding minute (thread-safe)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._spent: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def spend(self, who: str, cost: int) -> None:
        """Count `cost` units for `who`, or raise Throttled (counting nothing) if over budget."""
        now = self._clock()
        with self._lock:
            spent = self._spent.setdefault(who, deque())
            while spent and spent[0][0] <= now - WINDOW_SECONDS:
                spent.popleft()
            total = sum(units for _, units in spent)
            if total + cost > self.per_minute:
                # Wait until enough of the oldest spending leaves the window.
                freed, wait = 0, WINDOW_SECONDS
                for at, units in spent:
                    freed += units
                    if total - freed + cost <= self.per_minute:
                        wait = at + WINDOW_SECONDS - now
                        break
                raise Throttled(max(1, int(wait) + 1))
            spent.append((now, cost))
            if len(self._spent) > 10_000:  # forget people with nothing left in the window
                for key in [k for k, v in self._spent.items() if not v]:
                    del self._spent[key]


def spend(request: Request, who: str, cost: int) -> None:
    """Charge `cost` units of the app's expensive-request budget to the person `who`."""
    budget: Budget = request.app.state.expensive
    budget.spend(who, cost)
