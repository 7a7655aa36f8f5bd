"""Password hashing with Argon2id, and the rules a new password must meet.

Parameters: argon2-cffi's RFC 9106 "low memory" profile — Argon2id, 3 passes over 64 MiB with
4 lanes, 16-byte salt, 32-byte hash — about 50 ms here. A stored hash made with other
parameters still verifies, and is replaced at the next sign-in (`needs_rehash`).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

MIN_LENGTH = 12
MAX_LENGTH = 128

_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


class WeakPassword(ValueError):
    """The password does not meet the rules; the message says which."""


def check_strength(password: str) -> None:
    """Raise WeakPassword unless `password` is 12 to 128 characters long."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Password must be {MAX_LENGTH} characters or fewer")


def hash_password(password: str) -> str:
    """The Argon2id hash of `password`, salt and parameters included."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; False for a missing or malformed hash."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with parameters other than today's."""
    return _hasher.check_needs_rehash(password_hash)
