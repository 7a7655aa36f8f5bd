"""Shared fixtures: a real database per backend, the app, a client, and the page checker.

Every test that touches the database runs on SQLite, and also on PostgreSQL when
TEST_DATABASE_URL is set (CI sets it). Each backend gets a database of its own, migrated once;
tables are emptied after each test, so tests are isolated and may run a live server.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.database import open_session
from app.core.migrations import upgrade
from app.core.settings import Environment, Settings
from app.main import create_app
from app.models import metadata
from tests.databases import create_database, drop_database

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Settings for tests: nothing read from the environment or a .env file."""
    values: dict[str, object] = {
        "environment": Environment.TEST,
        "database_url": database_url,
        "secret_key": secrets.token_urlsafe(48),
        "base_url": "http://testserver",
        # No delivery loop unless a test asks for one: on SQLite its write lock would race
        # with the test's own writes. Tests read mail from the outbox table instead.
        "mail_poll_seconds": 0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this test session on `backend`."""
    url = create_database(backend, tmp_path_factory.mktemp("db"))
    upgrade(url)
    yield url
    drop_database(url)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, for migration tests."""
    url = create_database(backend, tmp_path)
    yield url
    drop_database(url)


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row, children first (the schema stays).

    On PostgreSQL the audit trail's append-only trigger is bypassed for this cleanup only, as
    the database owner could (replica mode skips ordinary triggers).
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    empty_tables(application.state.engine)
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def db(app: FastAPI) -> Iterator[Session]:
    """A session as the service opens one (its info carries the roadmap and the base URL)."""
    info = {"base_url": app.state.settings.base_url, "roadmap": app.state.roadmap}
    with open_session(app.state.engine, write=True, info=info) as session:
        yield session
