"""Seals: HMACs that anchor the audit chains to a key the database does not hold.

A plain hash chain shows that a row changed, but anyone who can write the table can recompute
every hash after the change. A seal is an HMAC-SHA256 over an event's (or a chain head's) chain,
position and hash, under a key derived from SECRET_KEY for this purpose alone; the key is
derived when needed and never stored. Event seals and head seals use different labels, so that
one can never stand in for the other (an event's seal copied into the head record, to make a
cut-off chain look whole, does not verify).
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from app.core.canonical import canonical_json
from app.core.settings import get_settings

# Changing this label re-keys every chain: a version, so a future scheme can live beside it.
_PURPOSE = b"roadmap audit-chain-v1"
EVENT = "event"
HEAD = "head"


@lru_cache(maxsize=8)
def derive_key(secret: str) -> bytes:
    """The audit-chain key for `secret`: HMAC(SECRET_KEY, purpose), unusable for anything else."""
    return hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()


def current_key() -> bytes:
    """The key derived from the SECRET_KEY this process runs with."""
    return derive_key(get_settings().secret_key)


def key_id(key: bytes) -> str:
    """A short name for `key` that reveals nothing of it: says which key sealed a chain."""
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:16]


def seal(key: bytes, kind: str, chain: str, position: int, hash_: str) -> str:
    """The HMAC of one event or head (`kind`), as 64 hex digits."""
    message = canonical_json({"kind": kind, "chain": chain, "position": position, "hash": hash_})
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_matches(
    key: bytes, kind: str, chain: str, position: int, hash_: str, value: str | None
) -> bool:
    """Whether `value` is the seal of that event or head under `key` (in constant time)."""
    if value is None:
        return False
    return hmac.compare_digest(seal(key, kind, chain, position, hash_), value)
