"""Each partner's figures per stage (`PartnerStage`) always equal what its answers say: after
saves through the API, after saves at the same moment, and when rebuilt from scratch."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.database import open_session
from app.wizard.models import Answer, PartnerStage
from app.wizard.progress import WEIGHT_SCALE, figures
from app.wizard.service import rebuild_figures, save_answer
from tests.factories import World, make_world, put_answer


def _stored(db: Session, world: World) -> dict[tuple[str, str], tuple[Any, ...]]:
    db.rollback()
    return {
        (r.stage_key, r.partner_id): (
            r.given,
            r.required_given,
            r.scored,
            r.weighted,
            r.weights,
            r.low,
            r.evidence_until,
            r.drivers,
        )
        for r in db.exec(
            select(PartnerStage).where(PartnerStage.partnership_id == world.partnership.id)
        )
    }


def _from_answers(
    app: FastAPI, db: Session, world: World
) -> dict[tuple[str, str], tuple[Any, ...]]:
    roadmap = app.state.roadmap
    own: dict[tuple[str, str], dict[str, Any]] = {}
    for a in db.exec(select(Answer).where(Answer.partnership_id == world.partnership.id)):
        if a.scope != "shared":
            own.setdefault((a.stage_key, a.scope), {})[a.question_key] = a.value
    out = {}
    for (stage_key, partner_id), values in own.items():
        f = figures(roadmap.stage(stage_key), values, roadmap.readiness.action_below)
        drivers = {k: list(v) for k, v in f.drivers.items()}
        out[(stage_key, partner_id)] = (
            f.given,
            f.required_given,
            f.scored,
            f.weighted,
            f.weights,
            f.low,
            f.evidence_until,
            drivers,
        )
    return out


def test_figures_follow_every_save_and_match_a_rebuild(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    world = make_world(db)
    stage = app.state.roadmap.stage("governance")
    first, second = stage.statements[0], stage.statements[1]
    put_answer(client, world, "officer", stage, first.key, {"score": 1, "evidence": "Minute"})
    put_answer(
        client,
        world,
        "officer",
        stage,
        second.key,
        {"score": 4, "evidence": "Policy", "valid_until": "2030-01-31"},
    )
    put_answer(client, world, "other_officer", stage, first.key, {"score": 3, "evidence": "Plan"})
    put_answer(client, world, "officer", stage, first.key, {"score": 2, "evidence": "Minute 2"})
    stored = _stored(db, world)
    assert stored == _from_answers(app, db, world)
    north = stored[(stage.key, world.lead_partner.id)]
    weight = lambda s: int(s.weight * WEIGHT_SCALE)  # noqa: E731
    assert north[2:5] == (2, weight(first) * 2 + weight(second) * 4, weight(first) + weight(second))
    assert str(north[6]) == "2030-01-31"
    # Rebuilt from nothing, the figures are the same.
    db.exec(select(PartnerStage)).all()
    for row in db.exec(select(PartnerStage)).all():
        db.delete(row)
    db.commit()
    rebuild_figures(db, world.partnership.id)
    db.commit()
    assert _stored(db, world) == stored


def test_two_saves_by_one_partner_at_once_both_count(app: FastAPI, db: Session) -> None:
    """Each save recomputes the partner's figures from its answers; the lock makes the second
    wait for the first, so neither recomputation misses the other's answer."""
    world = make_world(db)
    stage = app.state.roadmap.stage("business-scope")
    user = world.users["officer"].id
    errors: list[Exception] = []

    def save(barrier: threading.Barrier, round_: int, statement: Any, score: int) -> None:
        info = {"roadmap": app.state.roadmap}
        try:
            with open_session(app.state.engine, write=True, info=info) as s:
                current = s.exec(
                    select(Answer).where(
                        Answer.partnership_id == world.partnership.id,
                        Answer.stage_key == stage.key,
                        Answer.question_key == statement.key,
                        Answer.scope == world.lead_partner.id,
                    )
                ).first()
                barrier.wait()
                save_answer(
                    s,
                    partnership_id=world.partnership.id,
                    stage_key=stage.key,
                    key=statement.key,
                    scope=world.lead_partner.id,
                    value={"score": score, "evidence": f"round {round_}"},
                    read_version=current.version if current else 0,
                    user_id=user,
                )
                s.commit()
        except Exception as exc:
            errors.append(exc)

    for round_ in range(8):
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=save, args=(barrier, round_, stage.statements[0], round_ % 5)),
            threading.Thread(
                target=save, args=(barrier, round_, stage.statements[1], (round_ + 2) % 5)
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert _stored(db, world) == _from_answers(app, db, world)
