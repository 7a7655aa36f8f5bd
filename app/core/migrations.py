"""Applying migrations, and refusing to serve a database that has not had them."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from app.core.paths import MIGRATIONS_DIR, PROJECT_DIR


class DatabaseNotMigrated(Exception):
    """The database is not at the newest migration."""


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the database at `url`."""
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`; doing it twice changes nothing."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Undo migrations down to `revision` ("base" for an empty database)."""
    command.downgrade(alembic_config(url), revision)


def head_revisions() -> set[str]:
    """The newest migration(s) in `migrations/`."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def check_migrated(engine: Engine) -> None:
    """Raise DatabaseNotMigrated, saying what to run, unless the database is at the head."""
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    expected = head_revisions()
    if current != expected:
        state = ", ".join(sorted(current)) or "no migrations applied"
        raise DatabaseNotMigrated(
            f"the database is not up to date ({state}; the code expects "
            f"{', '.join(sorted(expected))}). Run `roadmap db upgrade` first."
        )
