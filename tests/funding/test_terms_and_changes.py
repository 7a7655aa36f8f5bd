"""Funding is signed with its Day 1 terms: nobody signs while one is blank, and a signer whose
signature no longer counts sees exactly what changed since they signed (issue 12, point 4)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.signatures.models import FUNDING, Signature, SignRole
from tests.factories import (
    answer_terms,
    put_answer,
    sign_funding,
    sign_in,
)
from tests.factories import enter_populations as _inputs
from tests.factories import propose_funding as _propose
from tests.factories import three_councils as _three_councils
from tests.pages import check_page


def test_no_signature_while_a_required_term_is_blank(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    _inputs(client, world)
    assert _propose(client, world, method="equal").status_code == 200
    day1 = client.app.state.roadmap.funding_stage  # type: ignore[attr-defined]
    required = [q for q in day1.questions if q.scope == "shared" and q.required]
    assert len(required) >= 5

    refused = sign_funding(client, world, "lead_ceo", "ceo")
    assert refused.status_code == 409
    for q in required:
        assert q.label in refused.json()["detail"]
    funding = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/funding", headers=world.auth("lead_ceo")
    ).json()
    assert funding["blank_terms"] == [q.label for q in required]

    sign_in(client, world.users["lead_ceo"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/funding"))
    blank = page.find(id="blank-terms")
    assert blank is not None
    assert [a.get_text(strip=True) for a in blank.select("li a")] == [q.label for q in required]
    assert page.select_one('form[action$="/funding/sign"]') is None  # no form to fail

    answer_terms(client, world)
    ready = check_page(client.get(f"/partnerships/{world.partnership.id}/funding"))
    assert ready.find(id="blank-terms") is None
    assert ready.select_one('form[action$="/funding/sign"]') is not None
    assert sign_funding(client, world, "lead_ceo", "ceo").status_code == 201


def test_a_superseded_signer_sees_what_changed(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    _inputs(client, world)
    answer_terms(client, world)
    assert _propose(client, world, method="population").status_code == 200
    assert sign_funding(client, world, "lead_ceo", "ceo").status_code == 201
    day1 = client.app.state.roadmap.funding_stage  # type: ignore[attr-defined]
    tolerance = day1.item("tolerance-band-percent")

    # Three kinds of change: a term, a partner's figure, the proposal itself.
    put_answer(client, world, "officer", day1, "tolerance-band-percent", "7")
    response = client.put(
        f"/api/v1/partnerships/{world.partnership.id}/funding/inputs",
        headers=world.auth("other_officer"),
        json={"population": "175000"},
    )
    assert response.status_code == 200, response.text
    funding = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/funding", headers=world.auth("viewer")
    ).json()
    version = funding["proposal"]["version"]
    assert _propose(client, world, version, annual_cost="1200000.00").status_code == 200

    funding = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/funding", headers=world.auth("viewer")
    ).json()
    lead = next(p for p in funding["partners"] if p["partner_id"] == world.lead_partner.id)
    assert lead["ceo_signed_at"] is None
    [since] = lead["changed_since_signed"]
    assert since["role"] == "ceo"
    assert "Northdale District Council" in since["signer"]
    changes = {c["label"]: (c["then"], c["now"]) for c in since["changes"]}
    assert changes[tolerance.label][1].startswith("7")
    assert changes["Eastbrook Borough Council: population"] == ("150000", "175000")
    assert changes["Annual cost"] == ("1000000.00", "1200000.00")
    assert len(changes) == 3, changes
    others = [p for p in funding["partners"] if p["partner_id"] != world.lead_partner.id]
    assert all(p["changed_since_signed"] == [] for p in others)  # they never signed

    sign_in(client, world.users["viewer"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/funding"))
    details = page.select_one('[aria-label="Who has signed"] details')
    assert details is not None
    text = details.get_text(" ", strip=True)
    assert "What changed since" in text and "Northdale District Council" in text
    assert tolerance.label in text and "Eastbrook Borough Council: population" in text
    assert "was 1000000.00, now 1200000.00" in text

    # Signing again, the signature counts and nothing is listed as changed.
    assert sign_funding(client, world, "lead_ceo", "ceo").status_code == 201
    funding = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/funding", headers=world.auth("viewer")
    ).json()
    lead = next(p for p in funding["partners"] if p["partner_id"] == world.lead_partner.id)
    assert lead["ceo_signed_at"] is not None and lead["changed_since_signed"] == []


def test_open_day1_warnings_are_acknowledged_and_kept_with_the_signature(
    client: TestClient, db: Session
) -> None:
    world = _three_councils(db)
    _inputs(client, world)
    answer_terms(client, world)
    day1 = client.app.state.roadmap.funding_stage  # type: ignore[attr-defined]
    put_answer(client, world, "officer", day1, "notice-period-months", "12")
    assert _propose(client, world, method="equal").status_code == 200
    base = f"/api/v1/partnerships/{world.partnership.id}/funding"
    warnings = client.get(base, headers=world.auth("lead_ceo")).json()["warnings"]
    keys = [w["key"] for w in warnings]
    assert "notice-period-needs-exit-provisions" in keys

    refused = sign_funding(client, world, "lead_ceo", "ceo", acknowledge=False)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "acknowledge"

    sign_in(client, world.users["lead_cfo"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/funding"))
    boxes = page.select('input[name="acknowledge"]')
    assert sorted(b["value"] for b in boxes) == sorted(keys)

    assert sign_funding(client, world, "lead_ceo", "ceo").status_code == 201
    db.rollback()
    [signature] = db.exec(
        select(Signature).where(Signature.subject == FUNDING, Signature.role == SignRole.CEO)
    ).all()
    assert {w["key"] for w in signature.acknowledged} == set(keys)
