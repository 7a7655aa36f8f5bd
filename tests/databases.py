"""Creating and dropping throw-away test databases on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import sqlalchemy as sa


def _server_url() -> sa.engine.URL:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        raise RuntimeError("TEST_DATABASE_URL is not set")
    return sa.engine.make_url(url)


def create_database(backend: str, folder: Path) -> str:
    """A new, empty database; a missing PostgreSQL server fails loudly, never skips."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'test-{secrets.token_hex(4)}.db'}"
    server = _server_url()
    name = f"roadmap_test_{secrets.token_hex(6)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Remove a database made by create_database."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    engine = sa.create_engine(_server_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    finally:
        engine.dispose()
