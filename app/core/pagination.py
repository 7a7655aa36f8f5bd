"""Cursor pagination for API lists: `?limit=&cursor=` in, a page of the list out.

The body stays a plain JSON list; the next page's cursor is in the `X-Next-Cursor` header and
in a `Link: <…>; rel="next"` header (RFC 8288), absent on the last page. A cursor is the id of
the last item of the previous page: stable while items are added, opaque to clients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
Cursor = Annotated[
    str | None, Query(max_length=64, description="X-Next-Cursor of the previous page")
]
# A position in an audit chain is the database's 32-bit integer. A larger cursor could match
# nothing, and PostgreSQL refuses to compare an integer column with it (a 500): it is invalid.
MAX_POSITION = 2**31 - 1
PositionCursor = Annotated[
    int | None,
    Query(ge=1, le=MAX_POSITION, description="The position to continue from (exclusive)"),
]


def next_page(following: str | None, *, limit: int, request: Request, response: Response) -> None:
    """Point at the page after this one (when there is one), for lists paged by the database."""
    if following is not None:
        response.headers["X-Next-Cursor"] = following
        url = request.url.include_query_params(cursor=following, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'


def page(
    items: Sequence[T],
    *,
    key: Callable[[T], str],
    limit: int,
    cursor: str | None,
    request: Request,
    response: Response,
) -> list[T]:
    """The page after `cursor`, setting the headers that point at the next one."""
    start = 0
    if cursor is not None:
        ids = [key(item) for item in items]
        # A cursor this list did not give out (or whose item is gone) is the end of the list.
        start = ids.index(cursor) + 1 if cursor in ids else len(ids)
    chunk = list(items[start : start + limit])
    if start + limit < len(items) and chunk:
        following = key(chunk[-1])
        response.headers["X-Next-Cursor"] = following
        url = request.url.include_query_params(cursor=following, limit=limit)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return chunk
