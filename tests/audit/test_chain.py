"""The audit trail: one unbroken hash chain per partnership, append-only, tamper-evident."""

import itertools
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.audit.models import SITE_CHAIN, AuditEvent
from app.audit.service import GENESIS_HASH, Actor, record, verify_chain
from app.cli import main as cli
from app.core.canonical import canonical_json
from app.core.database import make_engine, session_scope
from app.core.settings import get_settings
from tests.factories import TEST_ACTOR, World, make_world


def _more_events(db: Session, world: World, n: int = 4) -> None:
    for i in range(n):
        record(
            db,
            TEST_ACTOR,
            "test.event",
            object_type="test",
            object_id=str(i),
            partnership_id=world.partnership.id,
            after={"i": i},
        )
    db.commit()


def test_every_change_is_chained(db: Session) -> None:
    world = make_world(db)
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == world.partnership.id)
        .order_by(col(AuditEvent.position))
    ).all()
    assert [e.position for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert events[0].action == "partnership.created"
    assert verify_chain(db, world.partnership.id) is None


def test_canonical_json_is_stable_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(TypeError):
        canonical_json(1.5)


def _tamper(db: Session, event_id: str, **values: object) -> None:
    """Change a row behind the app's back, as someone with database access might."""
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    conn.execute(sa.update(AuditEvent).where(col(AuditEvent.id) == event_id).values(**values))
    db.commit()


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_roadmap_audit_verify_finds_a_changed_row(
    db: Session, cli_database: None, capsys: pytest.CaptureFixture[str]
) -> None:
    world = make_world(db)
    _more_events(db, world)
    assert cli(["audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    third = db.exec(
        select(AuditEvent).where(AuditEvent.chain == world.partnership.id, AuditEvent.position == 3)
    ).one()
    _tamper(db, third.id, after={"i": 99})
    assert cli(["audit", "verify", "--partnership", world.partnership.id]) == 1
    out = capsys.readouterr().out
    assert f"event 3 ({third.id}) has been altered" in out
    assert cli(["audit", "verify"]) == 1  # all chains: still caught


def test_a_deleted_event_breaks_the_chain(db: Session) -> None:
    world = make_world(db)
    _more_events(db, world)
    second = db.exec(
        select(AuditEvent).where(AuditEvent.chain == world.partnership.id, AuditEvent.position == 2)
    ).one()
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    conn.execute(sa.delete(AuditEvent).where(col(AuditEvent.id) == second.id))
    db.commit()
    broken = verify_chain(db, world.partnership.id)
    assert broken is not None and broken.position == 3 and "out of sequence" in broken.reason


def test_postgresql_refuses_updates_and_deletes(db: Session, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on `roadmap audit verify`")
    world = make_world(db)
    event = db.exec(select(AuditEvent).where(AuditEvent.chain == world.partnership.id)).first()
    assert event is not None
    for statement in (
        sa.update(AuditEvent).where(col(AuditEvent.id) == event.id).values(action="x"),
        sa.delete(AuditEvent).where(col(AuditEvent.id) == event.id),
        sa.text("TRUNCATE audit_event"),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.execute(statement)
        db.rollback()


def test_concurrent_writers_make_one_unbroken_chain(db: Session, database_url: str) -> None:
    world = make_world(db)
    engine = make_engine(database_url)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with session_scope(engine, write=True) as session:
                    record(
                        session,
                        Actor(user_id=None, request_id=f"t{n}"),
                        "test.concurrent",
                        object_type="test",
                        object_id=f"{n}-{i}",
                        partnership_id=world.partnership.id,
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    db.rollback()
    written = db.exec(select(AuditEvent).where(AuditEvent.action == "test.concurrent")).all()
    assert len(written) == 40
    assert verify_chain(db, world.partnership.id) is None


def test_sign_ins_go_to_the_site_chain(db: Session) -> None:
    record(db, Actor(user_id=None), "sign_in.failed", object_type="user")
    db.commit()
    assert verify_chain(db, SITE_CHAIN) is None
