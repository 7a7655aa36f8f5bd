"""Day 1 through the API: three councils agree a formula with six signatures."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.partnerships.models import Role
from tests.factories import World, answer_terms, join, make_user
from tests.factories import enter_populations as _inputs
from tests.factories import propose_funding as _propose
from tests.factories import sign_funding as _sign
from tests.factories import three_councils as _three_councils


def _funding(client: TestClient, world: World, who: str = "viewer") -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/funding", headers=world.auth(who)
    )
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_three_councils_agree_a_formula_with_six_signatures(
    client: TestClient, db: Session
) -> None:
    world = _three_councils(db)
    assert _propose(client, world).status_code == 200
    missing = _funding(client, world)
    assert any("has not entered its population" in p for p in missing["problems"])
    _inputs(client, world)
    answer_terms(client, world)
    funding = _funding(client, world)
    assert funding["problems"] == []
    totals = {r["organisation"]: r["total"] for r in funding["table"]["rows"]}
    assert totals == {
        "Northdale District Council": "200000.00",
        "Eastbrook Borough Council": "300000.00",
        "Westmoor Council": "500000.00",
    }
    equal = next(m for m in funding["every_method"] if m["method"] == "equal")
    assert sorted(r["total"] for r in equal["table"]["rows"]) == [
        "333333.33",
        "333333.33",
        "333333.34",
    ]

    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            response = _sign(client, world, f"{key}_{role}", role)
            assert response.status_code == 201, response.text
            assert _funding(client, world)["agreed"] is (key == "third" and role == "cfo")
    assert _funding(client, world)["agreed"] is True

    # Any change to an input supersedes every signature.
    client.put(
        f"/api/v1/partnerships/{world.partnership.id}/funding/inputs",
        headers=world.auth("third_officer"),
        json={"population": "250001"},
    )
    after = _funding(client, world)
    assert after["agreed"] is False
    assert all(p["ceo_signed_at"] is None for p in after["partners"])


def test_the_wrong_role_the_same_person_twice_and_a_stale_proposal(
    client: TestClient, db: Session
) -> None:
    world = _three_councils(db)
    _propose(client, world)
    _inputs(client, world)
    answer_terms(client, world)
    assert _sign(client, world, "lead_ceo", "cfo").status_code == 403
    assert _sign(client, world, "officer", "ceo").status_code == 403
    both = world.users["lead_ceo"]
    partner = world.lead_partner
    from app.partnerships.service import grant_role

    grant_role(db, partner=partner, user=both, role=Role.CFO)
    db.commit()
    assert _sign(client, world, "lead_ceo", "ceo").status_code == 201
    twice = _sign(client, world, "lead_ceo", "cfo")
    assert twice.status_code == 403 and "two different people" in twice.json()["detail"]
    stale = _propose(client, world, version=0, annual_cost="2000000.00")
    assert stale.status_code == 409
    assert _propose(client, world, version=1, annual_cost="2000000.00").status_code == 200


def test_only_the_lead_proposes_and_figures_are_checked(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    response = client.put(
        f"/api/v1/partnerships/{world.partnership.id}/funding",
        headers=world.auth("other_officer"),
        json={"method": "equal", "one_off_cost": "1", "annual_cost": "1", "years": 1},
    )
    assert response.status_code == 403
    assert _propose(client, world, annual_cost="12.345").status_code == 422
    assert _propose(client, world, annual_cost=1000.5).status_code == 422  # never a float
    hybrid = _propose(client, world, method="hybrid", base_share_percent="40")
    assert hybrid.status_code == 422 and hybrid.json()["errors"][0]["field"] == "driver_name"


def test_a_new_partner_reopens_funding(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    answer_terms(client, world)
    _propose(client, world, method="equal")
    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            _sign(client, world, f"{key}_{role}", role)
    assert _funding(client, world)["agreed"] is True
    newcomer = make_user(
        db, email="officer@southvale.example.org", organisation="Southvale Council"
    )
    join(db, world.partnership, newcomer, [Role.OFFICER])
    db.commit()
    assert _funding(client, world)["agreed"] is False


def test_signing_says_why_not_with_the_status_that_fits(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    nothing = _sign(client, world, "lead_ceo", "ceo")
    assert nothing.status_code == 409 and "no funding proposal" in nothing.json()["detail"]
    _propose(client, world)
    missing = _sign(client, world, "lead_ceo", "ceo")
    assert missing.status_code == 409 and "every figure" in missing.json()["detail"]
    _inputs(client, world)
    answer_terms(client, world)
    wrong = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/funding/signoffs",
        headers=world.auth("lead_ceo"),
        json={"role": "ceo", "password": "not the password at all"},
    )
    assert wrong.status_code == 403 and wrong.json()["errors"][0]["field"] == "password"
    assert _sign(client, world, "lead_ceo", "ceo").status_code == 201
    again = _sign(client, world, "lead_ceo", "ceo")
    assert again.status_code == 409 and "already signed" in again.json()["detail"]
