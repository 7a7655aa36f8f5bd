"""Migrations give exactly the models' schema, both ways, on every backend."""

import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.core.database import make_engine
from app.core.migrations import DatabaseNotMigrated, downgrade, head_revisions, upgrade
from app.core.paths import MIGRATIONS_DIR
from app.main import create_app
from app.models import metadata
from tests.conftest import make_settings


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrading_an_empty_database_gives_exactly_the_models_schema(
    empty_database_url: str,
) -> None:
    upgrade(empty_database_url)
    assert _differences(empty_database_url) == []
    assert _tables(empty_database_url) == set(metadata.tables)


def test_upgrade_is_safe_to_run_twice(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    assert _differences(empty_database_url) == []


def test_downgrade_then_upgrade(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    assert _tables(empty_database_url) == set()
    upgrade(empty_database_url)
    assert _differences(empty_database_url) == []


def test_the_service_refuses_an_unmigrated_database(empty_database_url: str) -> None:
    with pytest.raises(DatabaseNotMigrated, match="roadmap db upgrade"):
        create_app(make_settings(empty_database_url))


def test_migration_files_are_named_by_date() -> None:
    names = [p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")]
    assert names
    for name in names:
        assert re.match(r"^\d{4}_\d{2}_\d{2}_\d{4}-[0-9a-f]+_\w+\.py$", name), name
    assert len(head_revisions()) == 1, "migrations must form a single line"
