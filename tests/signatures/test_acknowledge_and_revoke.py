"""A signatory acknowledges each open consistency warning before signing, and the signature
keeps what was acknowledged; revoking asks for a reason and a confirmation, and the register
and activity show it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.core.paths import ROADMAP_DIR
from app.signatures.models import Signature
from app.signatures.service import hash_of
from app.wizard.loader import load_roadmap
from tests.factories import (
    PASSWORD,
    World,
    answer_terms,
    enter_populations,
    fill_stage,
    make_world,
    post_form,
    propose_funding,
    put_answer,
    sign_funding,
    sign_in,
    sign_stage,
    three_councils,
)
from tests.pages import check_page, hidden_fields

ROADMAP = load_roadmap(ROADMAP_DIR)
STAGE = ROADMAP.stage("governance")
LEGAL = ROADMAP.stage("legal-issues")
assert STAGE is not None and LEGAL is not None
RULE = "company-needs-vehicle"  # governance: a company board needs a company as the vehicle
MESSAGE = next(h.message for h in STAGE.hints if h.key == RULE)


def _with_warning(client: TestClient, db: Session) -> World:
    """Governance answered in full, with a company board while no legal vehicle is chosen."""
    world = make_world(db)
    fill_stage(client, world, STAGE)
    put_answer(client, world, "officer", STAGE, "decision-body", "company-board")
    return world


def _api(world: World) -> str:
    return f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}/signoffs"


def _signatures(db: Session) -> list[Signature]:
    db.rollback()
    db.expire_all()
    return list(db.exec(select(Signature)).all())


def test_the_api_refuses_a_signature_until_each_warning_is_acknowledged(
    client: TestClient, db: Session
) -> None:
    world = _with_warning(client, db)
    preview = client.get(f"{_api(world)}/preview", headers=world.auth("signatory"))
    assert preview.status_code == 200, preview.text
    shown = preview.json()
    assert shown["warnings"] == [{"key": RULE, "message": MESSAGE}]
    assert shown["refusal"] is None

    refused = sign_stage(client, world, "signatory", STAGE)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["unacknowledged"] == [RULE]
    assert _signatures(db) == []

    signed = client.post(
        _api(world),
        headers=world.auth("signatory"),
        json={
            "password": PASSWORD,
            "content_hash": shown["content_hash"],
            "acknowledged": [RULE],
        },
    )
    assert signed.status_code == 201, signed.text
    assert signed.json()["acknowledged"] == [{"key": RULE, "message": MESSAGE}]
    [stored] = _signatures(db)
    assert stored.acknowledged == [{"key": RULE, "message": MESSAGE}]
    event = db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "signoff.signed", AuditEvent.object_id == stored.id
        )
    ).one()
    assert event.after["acknowledged"] == [RULE]
    assert event.after["acknowledged_hash"] == hash_of(stored.acknowledged)


def test_a_warning_that_cleared_needs_no_acknowledgement(client: TestClient, db: Session) -> None:
    world = _with_warning(client, db)
    put_answer(client, world, "officer", LEGAL, "legal-vehicle", "company")
    preview = client.get(f"{_api(world)}/preview", headers=world.auth("signatory")).json()
    assert preview["warnings"] == []
    signed = sign_stage(client, world, "signatory", STAGE)
    assert signed.status_code == 201 and signed.json()["acknowledged"] == []


def test_the_sign_page_asks_for_each_warning_to_be_acknowledged(
    client: TestClient, db: Session
) -> None:
    world = _with_warning(client, db)
    sign_in(client, world.users["signatory"].email)
    url = f"/partnerships/{world.partnership.id}/stages/{STAGE.key}"
    page = check_page(client.get(f"{url}/sign"))
    box = page.find("input", attrs={"name": "acknowledge", "value": RULE})
    assert box is not None and box["type"] == "checkbox"
    assert MESSAGE in page.get_text()
    shown = hidden_fields(page, f"{url}/sign")

    refused = check_page(
        post_form(client, f"{url}/sign", {**shown, "password": PASSWORD}), status=400
    )
    summary = refused.find(class_="govuk-error-summary")
    assert summary is not None
    link = summary.find("a", href="#acknowledge")
    assert link is not None and "open warning" in link.get_text()
    assert refused.find(id="acknowledge") is not None  # the link's target: the first checkbox
    assert _signatures(db) == []

    done = post_form(client, f"{url}/sign", {**shown, "password": PASSWORD, "acknowledge": RULE})
    assert done.status_code == 303
    [stored] = _signatures(db)
    assert stored.acknowledged == [{"key": RULE, "message": MESSAGE}]
    register = check_page(client.get(url)).find("table", class_="app-register")
    assert register is not None
    assert "Acknowledged 1 open warning" in register.get_text()
    assert MESSAGE in register.get_text()


def test_revoking_on_its_own_page_with_a_reason_and_a_confirmation(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    fill_stage(client, world, STAGE)
    signed = sign_stage(client, world, "signatory", STAGE).json()
    sign_in(client, world.users["signatory"].email)
    stage_url = f"/partnerships/{world.partnership.id}/stages/{STAGE.key}"
    revoke_url = f"/signoffs/{signed['id']}/revoke"
    assert check_page(client.get(stage_url)).find("a", href=revoke_url)

    page = check_page(client.get(revoke_url))
    assert page.find("textarea", attrs={"name": "reason"}) is not None
    assert page.find("input", attrs={"name": "confirm", "value": "yes"}) is not None
    assert "Revoke a signature on Governance" in page.find("h1").get_text()

    blank = check_page(post_form(client, revoke_url, {"reason": "  "}), status=400)
    summary = blank.find(class_="govuk-error-summary")
    assert summary is not None
    assert summary.find("a", href="#reason") and summary.find("a", href="#confirm")
    unconfirmed = check_page(
        post_form(client, revoke_url, {"reason": "Signed too early"}), status=400
    )
    assert unconfirmed.find(class_="govuk-error-summary").find("a", href="#confirm")
    assert "Signed too early" in unconfirmed.find("textarea").get_text()  # kept for them
    assert all(s.current for s in _signatures(db))

    done = post_form(
        client, revoke_url, {"reason": "Signed before our cabinet met", "confirm": "yes"}
    )
    assert done.status_code == 303 and done.headers["location"].endswith("#sign-off")
    [revoked] = _signatures(db)
    assert revoked.state == "revoked"
    assert revoked.revoke_reason == "Signed before our cabinet met"

    register = check_page(client.get(stage_url)).find("table", class_="app-register")
    assert register is not None
    row = next(r for r in register.find_all("tr") if "Revoked" in r.get_text())
    text = " ".join(row.get_text().split())
    assert "Signed before our cabinet met" in text
    signer = world.users["signatory"]
    assert f"Revoked by {signer.name} (Northdale District Council)" in text

    sign_in(client, world.users["lead"].email)
    activity = client.get(f"/partnerships/{world.partnership.id}/activity")
    assert "Signed before our cabinet met" in activity.text

    # A second revoke finds nothing to revoke.
    sign_in(client, world.users["signatory"].email)
    again = check_page(client.get(revoke_url))
    assert "nothing to revoke" in again.get_text()


def test_the_api_revoke_needs_a_reason(client: TestClient, db: Session) -> None:
    world = make_world(db)
    fill_stage(client, world, STAGE)
    signed = sign_stage(client, world, "signatory", STAGE).json()
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        answer = client.post(
            f"/api/v1/signoffs/{signed['id']}/revoke", headers=world.auth("signatory"), json=body
        )
        assert answer.status_code == 422, body
    done = client.post(
        f"/api/v1/signoffs/{signed['id']}/revoke",
        headers=world.auth("signatory"),
        json={"reason": "Signed too early"},
    )
    assert done.status_code == 200
    assert done.json()["state"] == "revoked"
    assert done.json()["revoke_reason"] == "Signed too early"


def test_a_funding_signature_is_revoked_on_the_same_page(client: TestClient, db: Session) -> None:
    world = three_councils(db)
    propose_funding(client, world)
    enter_populations(client, world)
    answer_terms(client, world)
    signed = sign_funding(client, world, "lead_ceo", "ceo")
    assert signed.status_code == 201, signed.text
    sign_in(client, world.users["lead_ceo"].email)
    url = f"/signoffs/{signed.json()['id']}/revoke"
    page = check_page(client.get(url))
    assert ROADMAP.funding_stage.title in page.find("h1").get_text()
    done = post_form(client, url, {"reason": "The figures are being revised", "confirm": "yes"})
    assert done.status_code == 303
    assert done.headers["location"].endswith("/funding#signatures")
    [revoked] = _signatures(db)
    assert (revoked.state, revoked.revoke_reason) == ("revoked", "The figures are being revised")
    # Another council's chief executive may not revoke it, nor even see the page.
    sign_in(client, world.users["other_ceo"].email)
    assert client.get(url).status_code == 403
