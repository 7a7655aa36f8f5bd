"""The roadmap API: stages, versioned answers, history, blind scoring, comments, hints."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.wizard.loader import load_roadmap
from tests.factories import World, make_world

ROADMAP = load_roadmap(ROADMAP_DIR)
STAGE = "business-scope"


def _put(
    client: TestClient,
    world: World,
    who: str,
    key: str,
    value: object,
    version: int,
    stage: str = STAGE,
):  # type: ignore[no-untyped-def]
    return client.put(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{stage}/answers/{key}",
        headers=world.auth(who),
        json={"value": value, "version": version},
    )


def _stage(client: TestClient, world: World, who: str, stage: str = STAGE) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{stage}", headers=world.auth(who)
    )
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_put_answer_with_versions_and_a_stale_409(client: TestClient, db: Session) -> None:
    world = make_world(db)
    first = _put(client, world, "officer", "business-need", "Faster decisions", 0)
    assert first.status_code == 200 and first.json()["version"] == 1
    second = _put(client, world, "other_officer", "business-need", "Cheaper service", 1)
    assert second.json()["version"] == 2
    stale = _put(client, world, "officer", "business-need", "Overwrite?", 1)
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["value"] == "Cheaper service" and body["current"]["version"] == 2
    detail = _stage(client, world, "viewer")
    [answer] = [a for a in detail["shared_answers"] if a["key"] == "business-need"]
    assert answer["value"] == "Cheaper service"
    history = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/answers/business-need/history",
        headers=world.auth("viewer"),
    ).json()
    assert [(h["version"], h["old_value"], h["new_value"]) for h in history] == [
        (2, "Faster decisions", "Cheaper service"),
        (1, None, "Faster decisions"),
    ]


def test_invalid_values_and_unknown_questions(client: TestClient, db: Session) -> None:
    world = make_world(db)
    bad = _put(client, world, "officer", "business-case-status", "nonsense", 0)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "value"
    assert _put(client, world, "officer", "no-such-question", "x", 0).status_code == 404
    money = _put(
        client, world, "officer", "partner-contribution-ceiling", "250000", 0, stage="day1-funding"
    )
    assert money.json()["value"] == "250000.00"
    assert money.json()["scope"] == world.lead_partner.id


def test_viewers_and_signatories_cannot_answer(client: TestClient, db: Session) -> None:
    world = make_world(db)
    for who in ("viewer", "signatory", "outsider"):
        status = _put(client, world, who, "business-need", "x", 0).status_code
        assert status == (404 if who == "outsider" else 403)


def _score_all(client: TestClient, world: World, who: str, score: int) -> None:
    stage = ROADMAP.stage(STAGE)
    assert stage is not None
    for statement in stage.statements:
        response = _put(
            client,
            world,
            who,
            statement.key,
            {"score": score, "evidence": f"Evidence for {score}"},
            0,
        )
        assert response.status_code == 200, response.text


def test_partners_score_blind_until_they_submit(client: TestClient, db: Session) -> None:
    world = make_world(db)
    submit = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/scores/submit"
    _score_all(client, world, "officer", 3)
    incomplete = client.post(submit, headers=world.auth("other_officer"))
    assert incomplete.status_code == 409
    assert client.post(submit, headers=world.auth("officer")).status_code == 204

    theirs = _stage(client, world, "other_officer")
    [lead] = theirs["other_partners"]
    assert lead["scores_submitted"] is True
    assert lead["answers"] == []  # blind: Eastbrook has not submitted its own yet
    history = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/answers/"
        f"{ROADMAP.stage(STAGE).statements[0].key}/history",  # type: ignore[union-attr]
        headers=world.auth("other_officer"),
    ).json()
    assert history == []

    _score_all(client, world, "other_officer", 1)
    assert client.post(submit, headers=world.auth("other_officer")).status_code == 204
    [lead] = _stage(client, world, "other_officer")["other_partners"]
    assert {a["value"]["score"] for a in lead["answers"]} == {3}


def test_scores_need_evidence_above_zero(client: TestClient, db: Session) -> None:
    world = make_world(db)
    key = ROADMAP.stage(STAGE).statements[0].key  # type: ignore[union-attr]
    no_evidence = _put(client, world, "officer", key, {"score": 2}, 0)
    assert no_evidence.status_code == 422 and "evidence" in no_evidence.json()["detail"]
    zero = _put(client, world, "officer", key, {"score": 0}, 0)
    assert zero.status_code == 200
    assert zero.json()["value"] == {
        "score": 0,
        "evidence": "",
        "evidence_url": None,
        "valid_until": None,
    }


def test_comments(client: TestClient, db: Session) -> None:
    world = make_world(db)
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}"
    created = client.post(
        f"{base}/answers/business-need/comments",
        headers=world.auth("other_officer"),
        json={"body": "Should this include council tax?"},
    )
    assert created.status_code == 201
    assert (
        client.post(
            f"/api/v1/comments/{created.json()['id']}/resolve", headers=world.auth("viewer")
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/comments/{created.json()['id']}/resolve", headers=world.auth("officer")
        ).status_code
        == 204
    )
    [comment] = client.get(f"{base}/comments", headers=world.auth("viewer")).json()
    assert comment["organisation"] == "Eastbrook Borough Council"
    assert comment["resolved_at"] is not None


def test_consistency_hints(client: TestClient, db: Session) -> None:
    world = make_world(db)
    response = _put(
        client,
        world,
        "officer",
        "data-categories",
        ["special-category"],
        0,
        stage="information-sharing",
    )
    assert response.status_code == 200, response.text
    stages = {
        s["key"]: s
        for s in client.get(
            f"/api/v1/partnerships/{world.partnership.id}/stages", headers=world.auth("viewer")
        ).json()
    }
    legal_hints = stages["legal-issues"]["hints"]
    assert legal_hints and legal_hints == stages["information-sharing"]["hints"][: len(legal_hints)]
    assert _stage(client, world, "viewer", "legal-issues")["hints"] == legal_hints
    _put(client, world, "officer", "lawful-basis", ["public-task"], 0, stage="legal-issues")
    after = {
        s["key"]: s
        for s in client.get(
            f"/api/v1/partnerships/{world.partnership.id}/stages", headers=world.auth("viewer")
        ).json()
    }
    assert len(after["legal-issues"]["hints"]) < len(legal_hints)


def test_stage_states(client: TestClient, db: Session) -> None:
    world = make_world(db)
    stages = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages", headers=world.auth("viewer")
    ).json()
    assert [s["key"] for s in stages] == [s.key for s in ROADMAP.stages]
    assert {s["state"] for s in stages} == {"not_started"}
    _put(client, world, "officer", "business-need", "x", 0)
    states = {
        s["key"]: s["state"]
        for s in client.get(
            f"/api/v1/partnerships/{world.partnership.id}/stages", headers=world.auth("viewer")
        ).json()
    }
    assert states["business-scope"] == "in_progress"


def test_draft_scores_stay_hidden_even_from_a_partner_that_has_submitted(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    submit = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/scores/submit"
    _score_all(client, world, "officer", 3)
    assert client.post(submit, headers=world.auth("officer")).status_code == 204
    _score_all(client, world, "other_officer", 1)  # drafts, not submitted
    [eastbrook] = _stage(client, world, "officer")["other_partners"]
    assert eastbrook["scores_submitted"] is False
    statements = {s.key for s in ROADMAP.stage(STAGE).statements}  # type: ignore[union-attr]
    assert not statements & {a["key"] for a in eastbrook["answers"]}


def test_a_cleared_score_does_not_count_as_scored(client: TestClient, db: Session) -> None:
    world = make_world(db)
    _score_all(client, world, "officer", 2)
    key = ROADMAP.stage(STAGE).statements[0].key  # type: ignore[union-attr]
    assert _put(client, world, "officer", key, None, 1).status_code == 200
    submit = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/scores/submit"
    assert client.post(submit, headers=world.auth("officer")).status_code == 409
