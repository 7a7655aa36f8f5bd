"""The audit tests seal with a SECRET_KEY of their own, set as an operator would set it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from app.core.settings import get_settings


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The SECRET_KEY in force for this test (the chains are sealed with a key derived from it)."""
    secret = secrets.token_urlsafe(48)
    monkeypatch.setenv("SECRET_KEY", secret)
    get_settings.cache_clear()
    yield secret
    get_settings.cache_clear()


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point `roadmap` at the test database through DATABASE_URL, as an operator would."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
