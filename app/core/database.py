"""The database engine and sessions: SQLite by default, PostgreSQL in production.

SQLite is tuned for a web server with several threads: WAL so that readers do not block the
writer, foreign keys enforced, and a busy timeout. A write session holds SQLite's single write
lock only for the writing itself: its reads run outside any transaction (each sees the latest
commit, as PostgreSQL's READ COMMITTED does), and `BEGIN IMMEDIATE` is issued just before its
first write, so the lock is taken at that statement and held until the commit. (A deferred
transaction that reads and then writes would get SQLITE_BUSY at once, whatever the timeout,
whenever another writer committed in between.) Code that must read and write under the lock,
such as a signature bound to the content it read, calls `lock` first: that is a transaction-
scoped advisory lock on PostgreSQL and the write lock on SQLite.

Work that must happen inside every transaction just before it commits (superseding the
signatures whose content changed, appending the audit chain) registers with `before_commit`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Engine
from sqlmodel import Session

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 15_000
_WRITER = "roadmap_writer"
# Statements that write, or that open a savepoint (which exists only to write).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, in UTC, to the microsecond."""
    return datetime.now(UTC)


def _sqlite_file(url: sa.engine.URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _tune_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, start transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # A reader gets one snapshot for all its queries. A writer's BEGIN waits for its
        # first write (below), so that it holds the write lock only while it writes.
        if not connection.get_execution_options().get(_WRITER, False):
            connection.exec_driver_sql("BEGIN")

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection: sa.Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:9].upper().startswith(_WRITES):
            _begin_immediate(connection)


def _begin_immediate(connection: sa.Connection) -> None:
    """Take SQLite's write lock now, unless this writer's transaction already holds it."""
    if not connection.get_execution_options().get(_WRITER, False):
        return  # a reader: its deferred transaction takes the lock at its first write
    raw = connection.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(item) for item in value)
    return value


def _drop_nul_characters(engine: Engine) -> None:
    """Drop NUL (U+0000) from every text parameter before it reaches the database.

    PostgreSQL cannot store NUL in text, so a NUL typed or sent in any field would be a 500
    there; SQLite would keep it. A NUL is never meaningful in what people write, and refusing it
    would mean a pattern on every string field of the API, so it is dropped here, once, on both
    databases alike. JSON columns are unaffected: their parameters are serialised JSON, where NUL
    is the escape `\\u0000`, which both databases store.
    """

    @sa.event.listens_for(engine, "before_cursor_execute", retval=True)
    def _strip(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool
    ) -> tuple[str, Any]:
        return statement, _without_nul(parameters)


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """An engine for `url`, with SQLite's pragmas and its folder created when needed."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=pool_size,
            max_overflow=0,
        )
        _tune_sqlite(engine)
    else:
        # Each request uses one connection at a time, and at most `pool_size` requests run
        # at once (the thread limiter is set to the same number in `app.main`), so the pool
        # never makes a request wait for a connection.
        engine = sa.create_engine(
            parsed, pool_pre_ping=True, pool_size=pool_size, max_overflow=0, pool_timeout=30
        )
    _drop_nul_characters(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, for sessions that write (see the module's docstring)."""
    return engine.execution_options(**{_WRITER: True})


def open_session(engine: Engine, *, write: bool, info: Mapping[str, Any] | None = None) -> Session:
    """A session on `engine`; `info` is what commit-time work needs to know (base URL, roadmap)."""
    return Session(
        writer(engine) if write else engine, expire_on_commit=False, info=dict(info or {})
    )


@contextmanager
def session_scope(
    engine: Engine, *, write: bool, info: Mapping[str, Any] | None = None
) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with open_session(engine, write=write, info=info) as session:
        try:
            yield session
            if write:
                session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_apart(db: Session) -> Iterator[Session]:
    """A short write in a transaction of its own on this session, such as a GET's bookkeeping.

    The read in progress ends first, so that the write never upgrades a stale SQLite snapshot
    (SQLITE_BUSY); the write commits at once. One session, so one connection at a time.
    """
    db.commit()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise


def lock(db: Session, key: str) -> None:
    """Hold `key` until this transaction ends: whoever else locks it waits.

    On PostgreSQL a transaction-scoped advisory lock; on SQLite the database's write lock,
    which serialises every writer anyway. Call it before reading what a write depends on.
    """
    connection = db.connection()
    if connection.dialect.name == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": number})
    else:
        _begin_immediate(connection)


CommitStep = Callable[[Session], None]
_commit_steps: list[tuple[int, str, CommitStep]] = []


def before_commit(order: int) -> Callable[[CommitStep], CommitStep]:
    """Register `step` to run inside every session's transaction just before it commits.

    Steps run in ascending `order` (a step that records audit events comes before the one
    that appends them to the chain). A step must do nothing when it has nothing to do.
    """

    def register(step: CommitStep) -> CommitStep:
        name = f"{step.__module__}.{step.__qualname__}"
        if all(existing != name for _, existing, _ in _commit_steps):
            _commit_steps.append((order, name, step))
            _commit_steps.sort(key=lambda entry: entry[0])
        return step

    return register


@sa.event.listens_for(Session, "before_commit")
def _run_commit_steps(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint being released: the steps run once, when the transaction commits
    for _, _, step in _commit_steps:
        session.flush()
        step(session)


def fetch(db: Session, model: type[T], ident: str) -> T:
    """A row that must exist, such as the target of a foreign key."""
    row = db.get(model, ident)
    if row is None:
        raise LookupError(f"{model.__name__} {ident} does not exist")
    return row
