import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from app.core.database import lock, make_engine, session_scope, writer
from app.identity.models import Organisation


def test_sqlite_is_tuned_for_a_web_server(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/nested/dir/x.db")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert (tmp_path / "nested" / "dir" / "x.db").exists()
    engine.dispose()


def _locked_out(other: sqlite3.Connection) -> bool:
    """Whether another connection is refused SQLite's write lock right now."""
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return True
    other.execute("ROLLBACK")
    return False


def test_sqlite_writers_hold_the_write_lock_only_from_their_first_write(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with Session(writer(engine)) as session:
            session.execute(sa.text("SELECT count(*) FROM t"))
            assert not _locked_out(other), "a writer's reads must not hold the write lock"
            session.execute(sa.text("INSERT INTO t VALUES (1)"))
            assert _locked_out(other), "from its first write, a writer holds the lock"
            session.execute(sa.text("SELECT count(*) FROM t"))
            assert _locked_out(other), "...until it commits"
            session.commit()
            assert not _locked_out(other)
        with Session(writer(engine)) as session:
            session.execute(sa.text("SELECT count(*) FROM t"))
            lock(session, "anything")
            assert _locked_out(other), "lock() takes the write lock before a read-then-write"
            session.rollback()
            assert not _locked_out(other)
        with Session(engine) as session:
            session.execute(sa.text("SELECT count(*) FROM t"))  # a read session does not lock
            assert not _locked_out(other)
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)
    finally:
        other.close()
        engine.dispose()


def test_times_come_back_in_utc(app: object, settings: object) -> None:
    engine = make_engine(settings.database_url)  # type: ignore[attr-defined]
    made = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    with session_scope(engine, write=True) as db:
        db.add(Organisation(name="Time Council", created_at=made))
    with session_scope(engine, write=False) as db:
        stored = db.exec(select(Organisation).where(Organisation.name == "Time Council")).one()
    engine.dispose()
    assert stored.created_at == made
    assert stored.created_at.tzinfo == UTC


def test_naive_times_are_refused(app: object, settings: object) -> None:
    engine = make_engine(settings.database_url)  # type: ignore[attr-defined]
    with session_scope(engine, write=False) as db:
        db.add(Organisation(name="Naive Council", created_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="naive"):
            db.flush()
    engine.dispose()


def test_nul_characters_are_dropped_before_they_reach_the_database(
    app: object, settings: object
) -> None:
    # PostgreSQL refuses NUL in text; both databases must behave the same.
    engine = make_engine(settings.database_url)  # type: ignore[attr-defined]
    with session_scope(engine, write=True) as db:
        db.add(Organisation(name="Nul\x00 Council"))
    with session_scope(engine, write=False) as db:
        found = db.exec(select(Organisation).where(Organisation.name == "Nul\x00 Council")).one()
    engine.dispose()
    assert found.name == "Nul Council"
