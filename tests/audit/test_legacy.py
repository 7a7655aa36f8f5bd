"""A database from before sealing: its events have no seals, and `roadmap audit seal` gives
each of its chains a sealed head once, after the upgrade."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.audit.chain import event_content
from app.audit.models import SITE_CHAIN, AuditEvent
from app.audit.service import Actor, record
from app.cli import main as cli
from app.core.canonical import content_hash
from app.core.database import make_engine, session_scope
from app.core.migrations import upgrade
from app.core.settings import get_settings
from tests.audit import attacker

BEFORE_SEALING = "da1f540c6264"
OTHER = "f" * 32  # a second chain; its name need not be a partnership's here


def _legacy_events(url: str, chain: str, n: int) -> None:
    """Write `n` events as the code before sealing did: hashed, no seal, no head."""
    engine = make_engine(url)
    prev = "0" * 64
    try:
        with engine.begin() as conn:
            for position in range(1, n + 1):
                event = AuditEvent(
                    chain=chain,
                    position=position,
                    action="sign_in.failed",
                    object_type="user",
                    after={"n": position},
                    at=datetime(2026, 11, 1, 9, position, tzinfo=UTC),
                    prev_hash=prev,
                    hash="",
                )
                event.hash = content_hash(event_content(event))
                prev = event.hash
                columns = event.model_dump(exclude={"seal", "key_id"})
                conn.execute(sa.insert(AuditEvent).values(**columns))
    finally:
        engine.dispose()


@pytest.fixture
def old_database(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Session]]:
    """A database with two chains written before sealing, migrated to sealing."""
    upgrade(empty_database_url, BEFORE_SEALING)
    _legacy_events(empty_database_url, SITE_CHAIN, 4)
    _legacy_events(empty_database_url, OTHER, 2)
    upgrade(empty_database_url)
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    get_settings.cache_clear()
    engine = make_engine(empty_database_url)
    with session_scope(engine, write=True) as db:
        yield empty_database_url, db
    engine.dispose()
    get_settings.cache_clear()


def _append(url: str) -> None:
    """The service, upgraded, records a site event."""
    engine = make_engine(url)
    try:
        with session_scope(engine, write=True) as db:
            record(db, Actor(user_id=None), "test.event", object_type="test")
    finally:
        engine.dispose()


def test_an_old_database_is_sealed_once_and_then_verifies(
    old_database: tuple[str, Session], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = old_database
    assert cli(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN chain {SITE_CHAIN} at position 4: has no sealed head" in out
    assert "run it once, with the service's SECRET_KEY" in out

    _append(url)  # the service writes on before anyone has sealed
    assert cli(["audit", "verify"]) == 1
    assert "has no sealed head" in capsys.readouterr().out

    assert cli(["audit", "seal"]) == 0
    out = capsys.readouterr().out
    assert f"sealed chain {SITE_CHAIN}: 5 event(s) up to its head" in out
    assert f"sealed chain {OTHER}: 2 event(s) up to its head" in out
    assert cli(["audit", "verify"]) == 0
    assert "audit trail intact: 2 chain(s) verified" in capsys.readouterr().out

    _append(url)
    assert cli(["audit", "seal"]) == 0  # twice: nothing more to do
    assert "sealed chain" not in capsys.readouterr().out
    assert cli(["audit", "verify"]) == 0
    rows = attacker.events(db, SITE_CHAIN)
    assert [r.seal is None for r in rows] == [True] * 4 + [False] * 2


def test_a_rewrite_of_the_unsealed_history_is_caught_once_sealed(
    old_database: tuple[str, Session], capsys: pytest.CaptureFixture[str]
) -> None:
    url, db = old_database
    assert cli(["audit", "seal"]) == 0
    _append(url)  # event 5, sealed, covers events 1 to 4 through its prev_hash
    attacker.rewrite(db, SITE_CHAIN, 2, after={"n": 99})
    capsys.readouterr()
    assert cli(["audit", "verify"]) == 1
    assert f"BROKEN chain {SITE_CHAIN}: event 5 (" in capsys.readouterr().out
    attacker.rewrite(db, OTHER, 1, after={"n": 99})  # no sealed event: the head covers it
    assert cli(["audit", "verify", "--partnership", OTHER]) == 1
    assert (
        f"BROKEN chain {OTHER} at position 2: the head record has been altered"
        in capsys.readouterr().out
    )


def test_sealing_refuses_a_broken_chain(
    old_database: tuple[str, Session], capsys: pytest.CaptureFixture[str]
) -> None:
    _, db = old_database
    attacker.edit(db, OTHER, 2, after={"n": 7})
    assert cli(["audit", "seal"]) == 1
    out = capsys.readouterr().out
    assert f"sealed chain {SITE_CHAIN}: 4 event(s)" in out
    assert f"NOT SEALED chain {OTHER}: event 2 (" in out and "has been altered" in out


def test_the_seal_command_has_help() -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(["audit", "seal", "--help"])
    assert exit_.value.code == 0
