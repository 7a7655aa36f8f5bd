"""The audit trail: one unbroken hash chain per partnership, append-only, tamper-evident."""

import itertools
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from app.audit.models import SITE_CHAIN, AuditEvent, AuditHead
from app.audit.sealing import EVENT, HEAD, current_key, derive_key, key_id, seal_matches
from app.audit.service import GENESIS_HASH, Actor, head_hash, record, verify_chain
from app.core.canonical import canonical_json
from app.core.database import make_engine, session_scope
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
    key = current_key()
    assert all(
        seal_matches(key, EVENT, e.chain, e.position, e.hash, e.seal) and e.key_id == key_id(key)
        for e in events
    )
    head = db.get(AuditHead, world.partnership.id)
    assert head is not None and (head.position, head.hash) == (len(events), events[-1].hash)
    assert seal_matches(key, HEAD, head.chain, head.position, head.hash, head.seal)
    assert head_hash(db, world.partnership.id) == events[-1].hash
    assert verify_chain(db, world.partnership.id) is None


def test_the_key_is_derived_from_the_secret_and_never_stored(db: Session, secret_key: str) -> None:
    world = make_world(db)
    assert current_key() == derive_key(secret_key) != secret_key.encode()
    assert derive_key(secret_key) != derive_key(secret_key + "x")
    conn = db.connection()
    text = repr(conn.exec_driver_sql("SELECT * FROM audit_head").all())
    text += repr(conn.exec_driver_sql("SELECT * FROM audit_event").all())
    assert world.partnership.id in text
    assert secret_key not in text and current_key().hex() not in text


def test_canonical_json_is_stable_and_refuses_floats() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    with pytest.raises(TypeError):
        canonical_json(1.5)


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


def test_postgresql_moves_heads_only_forward(db: Session, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on `roadmap audit verify`")
    world = make_world(db)
    head = col(AuditHead.chain) == world.partnership.id
    for statement in (
        sa.update(AuditHead).where(head).values(position=AuditHead.position - 1),
        sa.update(AuditHead).where(head).values(hash="0" * 64),
        sa.delete(AuditHead).where(head),
        sa.text("TRUNCATE audit_head"),
    ):
        with pytest.raises(DBAPIError, match="only move forward"):
            db.execute(statement)
        db.rollback()
    _more_events(db, world, 1)  # the service's own move is forward
    assert verify_chain(db, world.partnership.id) is None


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
    head = db.exec(
        select(AuditHead)
        .where(AuditHead.chain == world.partnership.id)
        .execution_options(populate_existing=True)
    ).one()
    assert head.position == max(e.position for e in written)
    assert verify_chain(db, world.partnership.id) is None


def test_sign_ins_go_to_the_site_chain(db: Session) -> None:
    record(db, Actor(user_id=None), "sign_in.failed", object_type="user")
    db.commit()
    assert verify_chain(db, SITE_CHAIN) is None


def test_a_long_lived_session_appends_after_the_head_that_others_moved(
    db: Session, database_url: str
) -> None:
    world = make_world(db)
    _more_events(db, world, 1)
    seen = db.get(AuditHead, world.partnership.id)  # this session holds the head it read
    engine = make_engine(database_url)
    try:
        with session_scope(engine, write=True) as other:
            record(
                other,
                TEST_ACTOR,
                "test.other",
                object_type="test",
                partnership_id=world.partnership.id,
            )
    finally:
        engine.dispose()
    _more_events(db, world, 1)  # the copy it holds must not stand for the stored head
    assert verify_chain(db, world.partnership.id) is None
    assert seen is not None  # (held to the end)
