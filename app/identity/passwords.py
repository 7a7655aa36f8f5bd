"""Password hashing with Argon2id, and the rules a new password must meet.

Parameters: argon2-cffi's RFC 9106 "low memory" profile — Argon2id, 3 passes over 64 MiB with
4 lanes, 16-byte salt, 32-byte hash — about 50 ms here. A stored hash made with other
parameters still verifies, and is replaced at the next sign-in (`needs_rehash`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

MIN_LENGTH = 12
MAX_LENGTH = 128

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"

_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords (see the file's header for where they come from)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


class WeakPassword(ValueError):
    """The password does not meet the rules; the message says which."""


def check_strength(password: str) -> None:
    """Raise WeakPassword unless `password` is 12 to 128 characters and not a common one."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"Password must be {MIN_LENGTH} characters or more")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"Password must be {MAX_LENGTH} characters or fewer")
    if password.lower() in common_passwords():
        raise WeakPassword(
            "Password is one of the most common passwords and easy to guess: choose another"
        )


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
