"""The readiness page and snapshots, from real answers, sign-offs, funding and risks."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.wizard.loader import load_roadmap
from tests.factories import make_world, post_form, sign_in
from tests.pages import check_page

ROADMAP = load_roadmap(ROADMAP_DIR)
STAGE = ROADMAP.stage("governance")
assert STAGE is not None


def _score(client: TestClient, world, who: str, score: int, submit: bool = True) -> None:  # type: ignore[no-untyped-def]
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}"
    for statement in STAGE.statements:
        response = client.put(
            f"{base}/answers/{statement.key}",
            headers=world.auth(who),
            json={"value": {"score": score, "evidence": "Minute 4/2026"}, "version": 0},
        )
        assert response.status_code == 200, response.text
    if submit:
        assert client.post(f"{base}/scores/submit", headers=world.auth(who)).status_code < 300


def test_readiness_reads_the_weakest_partner_and_lists_blockers(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    _score(client, world, "officer", 4)
    _score(client, world, "other_officer", 2)
    data = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/readiness", headers=world.auth("viewer")
    ).json()
    governance = next(s for s in data["stages"] if s["key"] == STAGE.key)
    assert governance["score"] == "50.0" and governance["mean"] == "75.0"
    assert governance["spread"] == "50.0" and governance["rag"] == "amber"
    assert data["verdict"] == "not ready"
    kinds = {b["kind"] for b in data["blockers"]}
    assert {"funding", "stage", "unscored"} <= kinds
    assert all(a["score"] < ROADMAP.readiness.action_below for a in data["actions"])

    sign_in(client, world.users["viewer"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/readiness"))
    svg = page.find("svg")
    assert svg is not None and svg.get("role") == "img" and svg.find("title")
    assert "Not ready" in page.get_text()
    # Red, amber and green are told by their word too, visibly (WCAG 1.4.1).
    tags = page.select(".govuk-tag--yellow, .govuk-tag--red, .govuk-tag--green")
    assert tags, "no scored tag on the page"
    words = {"govuk-tag--red": "Red", "govuk-tag--yellow": "Amber", "govuk-tag--green": "Green"}
    for tag in tags:
        colour = next(c for c in tag["class"] if c in words)
        assert tag.get_text(" ", strip=True).endswith(words[colour]), tag
        assert not tag.select(".govuk-visually-hidden")
    assert page.find("a", href=f"/partnerships/{world.partnership.id}/funding")
    assert not page.find("button", string=lambda s: bool(s and "Collect" in s))  # lead only


def test_the_lead_collects_snapshots_with_what_changed(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    url = f"/partnerships/{world.partnership.id}/readiness/snapshots"
    assert post_form(client, url, {}).status_code == 303
    _score(client, world, "officer", 3)
    _score(client, world, "other_officer", 2)
    assert post_form(client, url, {}).status_code == 303
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/readiness"))
    snapshots = page.find(id="snapshots").find_next("ul")  # type: ignore[union-attr]
    assert len(snapshots.find_all("li")) == 2
    assert "Governance: not scored → 50.0" in snapshots.get_text()  # the weakest partner's
    api = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/readiness/snapshots",
        headers=world.auth("officer"),
    )
    assert api.status_code == 403
