"""Mail that asks someone to score (issue 12, point 11): the partnership's first submitted
readiness scores ask every other partner's officers, at once, to score theirs; once only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.mail.models import OutboxMessage
from tests.factories import World, three_councils


def _submit(client: TestClient, world: World, who: str, stage_key: str) -> None:
    stage = client.app.state.roadmap.stage(stage_key)  # type: ignore[attr-defined]
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}"
    for statement in stage.statements:
        saved = client.put(
            f"{base}/answers/{statement.key}",
            headers=world.auth(who),
            json={"value": {"score": 3, "evidence": "Minute 4/2026"}, "version": 0},
        )
        assert saved.status_code == 200, saved.text
    assert client.post(f"{base}/scores/submit", headers=world.auth(who)).status_code < 300


def _asks(db: Session, email: str) -> list[OutboxMessage]:
    db.expire_all()
    return [
        m
        for m in db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to == email)
            .order_by(col(OutboxMessage.created_at))
        )
        if "readiness" in m.body and "What to do:" in m.body
    ]


def test_the_first_scores_ask_the_other_partners_once(client: TestClient, db: Session) -> None:
    world = three_councils(db)
    _submit(client, world, "officer", "governance")  # Northdale submits first
    for who in ("other_officer", "third_officer"):
        [ask] = _asks(db, world.users[who].email)
        assert world.partnership.name in ask.subject
        assert "Score your organisation's readiness statements" in ask.body
        assert "Northdale District Council" in ask.body  # who has already done it
        assert "By when:" in ask.body
    assert _asks(db, world.users["officer"].email) == []  # not the partner that scored
    _submit(client, world, "other_officer", "governance")
    _submit(client, world, "officer", "legal-issues")
    for who in ("other_officer", "third_officer"):
        assert len(_asks(db, world.users[who].email)) == 1  # asked once, not per stage
