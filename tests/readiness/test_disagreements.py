"""Where partners disagree: the statements with the widest spread of scores, once every partner
has submitted the dimension, each partner's score and evidence side by side."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.readiness.scoring import PartnerScores, disagreements
from app.wizard.loader import load_roadmap
from tests.factories import World, sign_in, three_councils
from tests.pages import check_page

ROADMAP = load_roadmap(ROADMAP_DIR)
GOVERNANCE = ROADMAP.stage("governance")
assert GOVERNANCE is not None
A, B, C, D = (s.key for s in GOVERNANCE.statements[:4])


def _partner(pid: str, scores: dict[str, int]) -> PartnerScores:
    return PartnerScores(
        pid,
        pid.title(),
        {("governance", k): {"score": v, "evidence": f"{pid} on {k}"} for k, v in scores.items()},
    )


def test_the_widest_spread_first_then_the_most_partners_away_from_the_middle() -> None:
    partners = [
        _partner("north", {A: 0, B: 1, C: 2, D: 3}),
        _partner("east", {A: 4, B: 3, C: 2, D: 3}),
        _partner("west", {A: 2, B: 3, C: 2, D: 4}),
    ]
    found = disagreements(ROADMAP, partners, {"governance"}, limit=10)
    # A: 0, 4, 2 -> spread 4. B: 1, 3, 3 -> spread 2, distance from the mean 7/3: 4/3+2/3+2/3.
    # D: 3, 3, 4 -> spread 1. C: all 2 -> no disagreement, left out.
    assert [(d.statement_key, d.spread) for d in found] == [(A, 4), (B, 2), (D, 1)]
    assert [(v.partner_id, v.score) for v in found[0].views] == [
        ("north", 0),
        ("west", 2),
        ("east", 4),
    ]
    assert found[0].views[0].evidence == f"north on {A}"
    assert disagreements(ROADMAP, partners, {"governance"}, limit=1)[0].statement_key == A
    assert disagreements(ROADMAP, partners, set(), limit=10) == []  # nobody has submitted


def test_a_tie_on_spread_goes_to_the_statement_more_partners_disagree_on() -> None:
    partners = [
        _partner("north", {A: 1, B: 1}),
        _partner("east", {A: 3, B: 3}),
        _partner("west", {A: 1, B: 3}),
        _partner("south", {A: 1, B: 3}),
    ]
    # Both spread 2. A: 1,3,1,1 (mean 1.5, distance 0.5*3+1.5 = 3); B: 1,3,3,3 (mean 2.5: 3).
    # Equal again: roadmap order decides, A first.
    assert [d.statement_key for d in disagreements(ROADMAP, partners, {"governance"}, 5)] == [
        A,
        B,
    ]
    partners[3] = _partner("south", {A: 1, B: 1})  # B now 1,3,3,1: distance 4 against A's 3
    found = disagreements(ROADMAP, partners, {"governance"}, 5)
    assert [d.statement_key for d in found] == [B, A]


def _score(client: TestClient, world: World, who: str, score_of: Any) -> None:
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/governance"
    for i, statement in enumerate(GOVERNANCE.statements):  # type: ignore[union-attr]
        response = client.put(
            f"{base}/answers/{statement.key}",
            headers=world.auth(who),
            json={
                "value": {"score": score_of(i), "evidence": f"{who} evidence {i}"},
                "version": 0,
            },
        )
        assert response.status_code == 200, response.text
    assert client.post(f"{base}/scores/submit", headers=world.auth(who)).status_code == 204


def test_the_page_waits_for_every_partner_then_shows_each_view_side_by_side(
    client: TestClient, db: Session
) -> None:
    world = three_councils(db)
    url = f"/partnerships/{world.partnership.id}/readiness/disagreements"
    _score(client, world, "officer", lambda i: 4 if i == 0 else 2)
    _score(client, world, "other_officer", lambda i: 0 if i == 0 else 2)
    sign_in(client, world.users["viewer"].email)
    readiness = check_page(client.get(f"/partnerships/{world.partnership.id}/readiness"))
    assert readiness.find("a", href=url)
    waiting = check_page(client.get(url))
    assert "No dimension has every partner's scores yet" in waiting.get_text()
    assert "officer evidence 0" not in waiting.get_text()  # Westmoor has not submitted

    _score(client, world, "third_officer", lambda i: 1 if i == 0 else 2)
    page = check_page(client.get(url))
    text = " ".join(page.get_text().split())
    assert GOVERNANCE.statements[0].text in text  # type: ignore[union-attr]
    assert "Scores from 0 to 4: a spread of 4" in text
    rows = page.find("table").select("tbody tr")  # type: ignore[union-attr]
    cells = [[c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])] for row in rows]
    assert cells == [
        ["Eastbrook Borough Council", "0", "other_officer evidence 0"],
        ["Westmoor Council", "1", "third_officer evidence 0"],
        ["Northdale District Council", "4", "officer evidence 0"],
    ]
    assert len(page.find_all("table")) == 1  # every other statement: all scored 2
    sign_in(client, world.users["outsider"].email)
    assert client.get(url).status_code == 404
