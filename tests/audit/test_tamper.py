"""`roadmap audit verify` against someone with database access but without SECRET_KEY.

Each test tampers through plain SQL (tests/audit/attacker.py) and expects the command to exit
1 naming the chain and the position of the first break.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.audit.service import record, verify_chain
from app.cli import main as cli
from tests.audit import attacker
from tests.factories import TEST_ACTOR, make_world

EXTRA = 6
Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def chain(db: Session) -> str:
    """A partnership's chain of a dozen or so events."""
    world = make_world(db)
    _record(db, world.partnership.id, EXTRA)
    return world.partnership.id


def _record(db: Session, chain: str, n: int) -> None:
    for i in range(n):
        record(
            db,
            TEST_ACTOR,
            "test.event",
            object_type="test",
            object_id=str(i),
            partnership_id=chain,
            after={"i": i},
        )
    db.commit()


def _verify(capsys: Capsys, *args: str) -> tuple[int, str, str]:
    status = cli(["audit", "verify", *args])
    out, err = capsys.readouterr()
    return status, out, err


def _broken(capsys: Capsys, chain: str) -> str:
    """The one BROKEN line for `chain`, from both the chain's verify and the whole trail's."""
    status, out, _ = _verify(capsys, "--partnership", chain)
    assert status == 1, out
    lines = [line for line in out.splitlines() if line.startswith(f"BROKEN chain {chain}")]
    assert len(lines) == 1, out
    status, everything, _ = _verify(capsys)
    assert status == 1 and lines[0] in everything.splitlines()
    return lines[0]


def test_an_untouched_trail_verifies(
    db: Session, chain: str, cli_database: str, capsys: Capsys
) -> None:
    assert _verify(capsys)[:2] == (0, "audit trail intact: 2 chain(s) verified\n")
    assert attacker.head(db, chain).position == len(attacker.events(db, chain))
    assert all(e.seal and e.key_id for e in attacker.events(db, chain))


def test_an_edited_event(db: Session, chain: str, cli_database: str, capsys: Capsys) -> None:
    third = attacker.events(db, chain)[2]
    attacker.edit(db, chain, 3, after={"i": 99})
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain}: event 3 ({third.id}) has been altered "
        "(its content no longer matches its hash)"
    )


def test_an_event_deleted_in_the_middle(
    db: Session, chain: str, cli_database: str, capsys: Capsys
) -> None:
    fourth = attacker.events(db, chain)[3]
    attacker.delete(db, chain, [3])
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain}: event 4 ({fourth.id}) is out of sequence: "
        "event 3 is missing before it (deleted)"
    )


@pytest.mark.parametrize("deleted", [1, 3])
def test_a_deleted_tail(
    db: Session, chain: str, cli_database: str, capsys: Capsys, deleted: int
) -> None:
    length = len(attacker.events(db, chain))
    first = length - deleted + 1
    attacker.delete(db, chain, list(range(first, length + 1)))
    missing = "event" if deleted == 1 else f"events {first} to"
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain} at position {first}: {missing} {length} "
        f"{'is' if deleted == 1 else 'are'} missing from the end (deleted): the chain ends at "
        f"event {first - 1}, but its sealed head is event {length}"
    )


def test_writing_on_after_a_deleted_tail_does_not_hide_it(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    length = len(attacker.events(db, chain))
    attacker.delete(db, chain, [length - 2, length - 1, length])
    _record(db, chain, 1)  # the service carries on from its sealed head, not the last row
    new = attacker.events(db, chain)[-1]
    assert new.position == length + 1
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain}: event {length + 1} ({new.id}) is out of sequence: "
        f"events {length - 2} to {length} are missing before it (deleted)"
    )


def test_a_deleted_tail_and_a_head_moved_back_without_the_key(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    rows = attacker.events(db, chain)
    attacker.delete(db, chain, [r.position for r in rows[-3:]])
    kept = rows[-4]
    attacker.set_head(
        db,
        chain,
        position=kept.position,
        hash=kept.hash,
        seal=attacker.guessed_seal("head", chain, kept.position, kept.hash),
    )
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain} at position {kept.position}: the head record has been altered "
        "(its seal does not match it)"
    )


def test_an_event_seal_cannot_stand_in_for_the_head(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    rows = attacker.events(db, chain)
    attacker.delete(db, chain, [r.position for r in rows[-3:]])
    kept = rows[-4]
    attacker.set_head(db, chain, position=kept.position, hash=kept.hash, seal=kept.seal)
    assert "the head record has been altered" in _broken(capsys, chain)


def test_a_deleted_tail_with_its_head_record(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    rows = attacker.events(db, chain)
    attacker.delete(db, chain, [r.position for r in rows[-3:]])
    attacker.delete_head(db, chain)
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain} at position {len(rows) - 3}: has no head record, though its "
        "events are sealed: the record was deleted"
    )
    assert cli(["audit", "seal"]) == 1  # and sealing it again is refused
    assert "it was deleted, and sealing now would hide that" in capsys.readouterr().out


def test_every_event_deleted(db: Session, chain: str, cli_database: str, capsys: Capsys) -> None:
    length = len(attacker.events(db, chain))
    attacker.delete(db, chain, list(range(1, length + 1)))
    assert _broken(capsys, chain).startswith(
        f"BROKEN chain {chain} at position 1: events 1 to {length} are missing from the end"
    )


@pytest.mark.parametrize("reseal", [False, True], ids=["hashes", "hashes and guessed seals"])
def test_a_rewrite_with_recomputed_hashes(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
    reseal: bool,
) -> None:
    third = attacker.events(db, chain)[2]
    attacker.rewrite(db, chain, 3, reseal=reseal, action="partner.withdrawn")
    rows = attacker.events(db, chain)
    assert verify_chain(db, chain) is not None
    assert rows[2].action == "partner.withdrawn" and rows[-1].hash == attacker.head(db, chain).hash
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain}: event 3 ({third.id}) has been rewritten: its hash matches its "
        "content but its seal does not (the hashes were recomputed by someone without the "
        "SECRET_KEY)"
    )


def test_a_rewrite_that_strips_every_seal(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    attacker.rewrite(db, chain, 3, strip_seals=True, action="partner.withdrawn")
    length = len(attacker.events(db, chain))
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain} at position {length}: the head record has been altered "
        "(its seal does not match it)"
    )


def test_an_unsealed_event_added_at_the_end(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
) -> None:
    rows = attacker.events(db, chain)
    attacker.edit(db, chain, len(rows), seal=None)
    assert _broken(capsys, chain) == (
        f"BROKEN chain {chain}: event {len(rows)} ({rows[-1].id}) is not sealed, though an "
        "event before it is (added without the key)"
    )


def test_another_secret_key_is_named_as_such(
    db: Session,
    chain: str,
    cli_database: str,
    capsys: Capsys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.core.settings import get_settings

    monkeypatch.setenv("SECRET_KEY", "a different secret key, of more than 32 characters")
    get_settings.cache_clear()
    status, out, err = _verify(capsys)
    assert status == 1
    assert f"BROKEN chain {chain}: event 1 (" in out
    assert "was sealed with a different SECRET_KEY (key id " in out
    assert "roadmap: SECRET_KEY is not the key that sealed the audit trail" in err


def test_a_head_moved_back_to_an_old_sealed_value_needs_the_exported_anchor(
    db: Session, chain: str
) -> None:
    """The limit of what the database alone can show: a head record copied earlier is a
    genuine seal. An anchor exported in between (`app.audit.chain.anchor`) catches it."""
    from app.audit.service import anchor, verify_anchor

    head = attacker.head(db, chain)
    old, old_head = head.position, {"position": head.position, "hash": head.hash, "seal": head.seal}
    _record(db, chain, 3)
    exported = anchor(db, chain)
    attacker.delete(db, chain, [old + 1, old + 2, old + 3])
    attacker.set_head(db, chain, **old_head)
    assert verify_chain(db, chain) is None
    broken = verify_anchor(db, exported)
    assert broken is not None and broken.position == old + 1
    assert str(broken) == (
        f"chain {chain} at position {old + 1}: events {old + 1} to {old + 3} are missing "
        f"(deleted): the chain ends at event {old}, but the exported head is event {old + 3}"
    )
