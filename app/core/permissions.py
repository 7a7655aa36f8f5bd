"""The mark that says a dependency is a permission check.

Every domain declares its checks as dependencies decorated with @permission; a test walks every
route and fails when one that names a partnership, partner or other scoped object has none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def permission(func: F) -> F:
    """Mark `func` as a permission dependency."""
    func.__roadmap_permission__ = True  # type: ignore[attr-defined]
    return func
