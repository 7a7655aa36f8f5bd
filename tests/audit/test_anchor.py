"""Anchors: a chain's sealed head carried outside the database (in an export, a notification),
and checked against the database later."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app.audit.models import SITE_CHAIN
from app.audit.service import anchor, head_hash, record, verify_anchor
from app.core.settings import get_settings
from tests.audit import attacker
from tests.factories import TEST_ACTOR, make_world


def _record(db: Session, chain: str, n: int) -> None:
    for i in range(n):
        record(
            db, TEST_ACTOR, "test.event", object_type="test", partnership_id=chain, after={"i": i}
        )
    db.commit()


@pytest.fixture
def chain(db: Session) -> str:
    world = make_world(db)
    _record(db, world.partnership.id, 5)
    return world.partnership.id


def test_an_anchor_is_the_sealed_head_and_holds_as_the_chain_grows(db: Session, chain: str) -> None:
    exported = anchor(db, chain)
    head = attacker.head(db, chain)
    assert exported == {
        "chain": chain,
        "position": head.position,
        "hash": head.hash,
        "seal": head.seal,
    }
    assert exported["hash"] == head_hash(db, chain)
    assert verify_anchor(db, exported) is None
    _record(db, chain, 3)
    assert verify_anchor(db, exported) is None
    assert verify_anchor(db, anchor(db, chain)) is None


def test_an_empty_chain_has_an_anchor_too(db: Session) -> None:
    exported = anchor(db, SITE_CHAIN)
    assert (exported["position"], exported["hash"]) == (0, "0" * 64)
    assert verify_anchor(db, exported) is None


def test_a_rewrite_before_the_anchor_is_named(db: Session, chain: str) -> None:
    exported = anchor(db, chain)
    second = attacker.events(db, chain)[1]
    attacker.rewrite(db, chain, 2, after={"i": 42})
    broken = verify_anchor(db, exported)
    assert broken is not None
    assert (broken.chain, broken.position, broken.event_id) == (chain, 2, second.id)
    assert "has been rewritten" in broken.reason


def test_a_deleted_tail_below_the_anchor_is_named(db: Session, chain: str) -> None:
    exported = anchor(db, chain)
    last = exported["position"]
    attacker.delete(db, chain, [last - 1, last])
    broken = verify_anchor(db, exported)
    assert broken is not None and (broken.position, broken.event_id) == (last - 1, None)
    assert f"the exported head is event {last}" in broken.reason


def test_an_anchor_that_was_changed_does_not_verify(db: Session, chain: str) -> None:
    exported = anchor(db, chain)
    _record(db, chain, 2)
    later = attacker.events(db, chain)[-1]
    moved = {**exported, "position": later.position, "hash": later.hash}
    broken = verify_anchor(db, moved)
    assert broken is not None and "the anchor's seal does not match it" in broken.reason
    assert not broken.wrong_key


def test_an_anchor_under_another_secret_key_says_so(
    db: Session, chain: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    exported = anchor(db, chain)
    monkeypatch.setenv("SECRET_KEY", "a different secret key, of more than 32 characters")
    get_settings.cache_clear()
    broken = verify_anchor(db, exported)
    assert broken is not None and broken.wrong_key
    assert "was sealed with a different SECRET_KEY" in broken.reason


def test_a_malformed_anchor_is_refused(db: Session, chain: str) -> None:
    with pytest.raises(ValueError, match="an anchor is"):
        verify_anchor(db, {**anchor(db, chain), "position": "7"})
    with pytest.raises(ValueError, match="an anchor is"):
        verify_anchor(db, {"chain": chain, "position": 1, "hash": "0" * 64})
