"""Canonical JSON and hashes over it: equal content always gives equal bytes.

Used wherever a hash must be recomputed later (the audit chain, sign-offs, exports): keys
sorted, no insignificant white space, UTF-8, and no floats (money and numbers are decimal
strings), so another program can recompute the same hash from the same data.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not allowed in canonical JSON")


def _no_floats(data: Any) -> None:
    """Refuse a float anywhere in `data`: json.dumps writes floats without asking `default`."""
    if isinstance(data, float):
        raise TypeError("floats are not allowed in canonical JSON")
    if isinstance(data, dict):
        for value in data.values():
            _no_floats(value)
    elif isinstance(data, list | tuple):
        for value in data:
            _no_floats(value)


def canonical_json(data: Any) -> bytes:
    """`data` as canonical JSON bytes (floats refused at every depth)."""
    _no_floats(data)
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=_default,
        allow_nan=False,
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def content_hash(data: Any) -> str:
    """The SHA-256 of `data`'s canonical JSON."""
    return sha256_hex(canonical_json(data))
