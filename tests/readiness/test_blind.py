"""Blind scoring without leaks: a partner that has not submitted its scores sees nobody else's,
nor anything made from them, on any page, API answer, snapshot or export.

Northdale and Eastbrook score every dimension and submit; the lead (Northdale) collects a
snapshot. Westmoor has scored some statements as drafts and submitted nothing. Then every GET
route of the service that takes a partnership is walked as Westmoor, as a browser and as an API
client, and nothing of Eastbrook's scoring may show: not its evidence, not its scores, not its
actions. The same walk as Northdale, which has submitted, is the control: it does see them.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.core.throttle import Budget
from app.main import all_routes
from app.wizard.loader import load_roadmap
from tests.factories import World, post_form, sign_in, three_councils

ROADMAP = load_roadmap(ROADMAP_DIR)
DIMENSIONS = [s for s in ROADMAP.stages if s.kind == "dimension"]
SECRET = "EASTBROOK-PRIVATE-EVIDENCE"


def _score(client: TestClient, world: World, who: str, score_of: Any, evidence: str) -> None:
    for stage in DIMENSIONS:
        base = f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}"
        for i, statement in enumerate(stage.statements):
            response = client.put(
                f"{base}/answers/{statement.key}",
                headers=world.auth(who),
                json={"value": {"score": score_of(i), "evidence": evidence}, "version": 0},
            )
            assert response.status_code == 200, response.text


def _submit(client: TestClient, world: World, who: str) -> None:
    for stage in DIMENSIONS:
        url = f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}/scores/submit"
        assert client.post(url, headers=world.auth(who)).status_code == 204


def _get_routes(world: World) -> list[str]:
    """Every GET route that takes a partnership, with its other path parts filled in: each
    dimension, each of its statements where a route takes a key, Eastbrook as the partner."""
    pid = world.partnership.id
    paths = []
    for route in all_routes():
        path = route.path
        if "GET" not in route.methods or "{pid}" not in path:
            continue
        path = path.replace("{question}", "{key}")
        names = set(re.findall(r"{(\w+)(?::\w+)?}", path)) - {"pid"}
        path = path.replace("{partner_id}", world.other_partner.id)  # Eastbrook
        names.discard("partner_id")
        if not names <= {"stage", "key", "fmt"}:
            raise AssertionError(f"a new GET route needs a value for {names}: {path}")
        for stage in DIMENSIONS if "stage" in names else [None]:
            for key in [s.key for s in stage.statements] if stage and "key" in names else [None]:
                for fmt in ("json", "pdf", "docx", "odt") if "fmt" in names else [None]:
                    filled = path.replace("{pid}", pid)
                    if stage:
                        filled = filled.replace("{stage}", stage.key)
                    if key:
                        filled = filled.replace("{key}", key)
                    if fmt:
                        filled = filled.replace("{fmt}", fmt)
                    paths.append(filled)
    return paths


def _text(response: Any) -> str:
    """What a response shows: its text, or for a document the text inside it."""
    kind = response.headers.get("content-type", "")
    if "pdf" in kind:
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    if "officedocument" in kind or "opendocument" in kind:
        with zipfile.ZipFile(io.BytesIO(response.content)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return str(response.text)


def test_a_partner_that_has_not_submitted_sees_no_one_elses_scores(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    # The walk below renders every export and history page at once: more than one person's
    # budget of expensive work a minute, which is not what this test is about.
    app.state.expensive = Budget(10_000)
    world = three_councils(db)
    pid = world.partnership.id
    east = world.other_partner.id
    # Eastbrook: a 1 (an action) then 3s, so its scores are its own; Northdale: all 2.
    _score(client, world, "other_officer", lambda i: 1 if i == 0 else 3, SECRET)
    _score(client, world, "officer", lambda i: 2, "Northdale evidence")
    _submit(client, world, "other_officer")
    _submit(client, world, "officer")
    third = DIMENSIONS[0]
    westmoor_draft = client.put(
        f"/api/v1/partnerships/{pid}/stages/{third.key}/answers/{third.statements[0].key}",
        headers=world.auth("third_officer"),
        json={"value": {"score": 4, "evidence": "Westmoor draft"}, "version": 0},
    )
    assert westmoor_draft.status_code == 200
    collected = client.post(
        f"/api/v1/partnerships/{pid}/readiness/snapshots", headers=world.auth("lead")
    )
    assert collected.status_code == 201

    # The control: Northdale, which has submitted, sees Eastbrook's scores and actions.
    seen = client.get(
        f"/api/v1/partnerships/{pid}/readiness?partner_id={east}", headers=world.auth("officer")
    ).json()
    east_scores = {s["partners"][east]["score"] for s in seen["stages"] if s["partners"]}
    east_scores.discard(None)
    assert east_scores and not east_scores & {"50.0", "100.0"}  # Northdale's, Westmoor's
    assert any(a["partner_id"] == east for a in seen["actions"])
    [snapshot] = client.get(
        f"/api/v1/partnerships/{pid}/readiness/snapshots", headers=world.auth("officer")
    ).json()
    assert any(a["partner_id"] == east for a in snapshot["data"]["actions"])
    audit = client.get(f"/api/v1/partnerships/{pid}/audit?limit=200", headers=world.auth("officer"))
    assert SECRET in audit.text

    # Westmoor, through the API: Eastbrook is there, its scores are not.
    mine = client.get(
        f"/api/v1/partnerships/{pid}/readiness?partner_id={east}",
        headers=world.auth("third_officer"),
    ).json()
    for stage in mine["stages"]:
        theirs = stage["partners"][east]
        assert theirs["hidden"] is True and theirs["score"] is None and theirs["scored"] == 0
        assert stage["score"] is None and stage["mean"] is None and stage["spread"] is None
    assert mine["actions"] == []
    own = next(s for s in mine["stages"] if s["key"] == third.key)
    assert world.third_partner is not None
    assert own["partners"][world.third_partner.id]["score"] == "100.0"  # its own draft
    [snapshot] = client.get(
        f"/api/v1/partnerships/{pid}/readiness/snapshots", headers=world.auth("third_officer")
    ).json()
    assert all(a["partner_id"] != east for a in snapshot["data"]["actions"])
    assert all(s["partners"][east]["hidden"] for s in snapshot["data"]["stages"])
    trail = client.get(
        f"/api/v1/partnerships/{pid}/audit?limit=200", headers=world.auth("third_officer")
    )
    assert SECRET not in trail.text
    withheld = [e for e in trail.json()["items"] if (e["after"] or {}).get("withheld")]
    # Eastbrook's and Northdale's score saves are withheld; Westmoor's own draft is not.
    assert len(withheld) == 2 * sum(len(s.statements) for s in DIMENSIONS)
    assert {e["after"]["scope"] for e in withheld} == {east, world.lead_partner.id}
    assert all(e["after"]["value"] is None for e in withheld)

    # Every GET route, as Westmoor's browser and as its API client.
    browser = TestClient(app)
    sign_in(browser, world.users["third_officer"].email)
    routes = _get_routes(world)
    assert len(routes) > 20
    walked = set()
    for path in routes:
        api = path.startswith("/api/")
        response = (
            client.get(path, headers=world.auth("third_officer")) if api else browser.get(path)
        )
        if response.status_code >= 400:
            assert response.status_code in {403, 404, 409, 422}, (path, response.status_code)
            continue
        walked.add(path)
        shown = _text(response)
        assert SECRET not in shown, path
        for score in east_scores:
            assert not re.search(rf"(?<![\d.]){re.escape(score)}(?![\d])", shown), (path, score)
    stage = f"/partnerships/{pid}/stages/{DIMENSIONS[0].key}"
    statement = DIMENSIONS[0].statements[0].key
    assert {
        f"/partnerships/{pid}/readiness",
        f"/api/v1/partnerships/{pid}/readiness",
        f"/api/v1/partnerships/{pid}/readiness/snapshots",
        f"/api/v1/partnerships/{pid}/audit",
        f"/partnerships/{pid}/activity",
        stage,
        f"{stage}/answers/{statement}",
        f"{stage}/history",
        f"/api/v1{stage}",
        f"/api/v1{stage}/answers/{statement}/history",
        f"/api/v1/partnerships/{pid}/agreement.json",
        f"/api/v1/partnerships/{pid}/agreement.pdf",
    } <= walked
    # Where a page takes a partner to show, Eastbrook's is shown as withheld, not as unscored.
    page = browser.get(f"/partnerships/{pid}/readiness?partner={east}").text
    assert "Shown once you have both submitted" in page
    assert "driver scores and action plan show once you have both submitted" in page
    assert post_form(browser, f"/partnerships/{pid}/readiness/snapshots", {}).status_code == 403


def test_a_snapshot_from_before_submissions_were_kept_shows_a_partner_only_its_own() -> None:
    from app.readiness.service import data_visible_to

    entry = {"score": "75.0", "rag": "green", "scored": 6, "total": 6}
    old = {
        "verdict": "not ready",
        "stages": [{"key": "governance", "partners": {"north": entry, "east": entry}}],
        "actions": [
            {"stage": "governance", "statement": "s", "partner_id": p, "score": 1}
            for p in ("north", "east")
        ],
    }
    seen = data_visible_to(old, "north")
    assert seen["stages"][0]["partners"]["north"] == entry
    assert seen["stages"][0]["partners"]["east"]["score"] is None
    assert seen["stages"][0]["partners"]["east"]["hidden"] is True
    assert [a["partner_id"] for a in seen["actions"]] == ["north"]
    both = {**old, "stages": [{**old["stages"][0], "submitted_by": ["east", "north"]}]}
    assert data_visible_to(both, "north")["stages"][0]["partners"]["east"] == entry
