"""Partnerships through the API: create, invite, accept, manage people, withdraw."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.database import utcnow
from app.mail.models import OutboxMessage
from app.partnerships.models import Invitation, Partner, PartnerStatus
from tests.factories import PASSWORD, mail_text, make_token, make_user, make_world


def _link_token(db: Session, email: str) -> str:
    db.rollback()
    mail = db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.to == email)
        .order_by(col(OutboxMessage.created_at).desc())
    ).first()
    assert mail is not None, f"no mail to {email}"
    return mail_text(mail).split("/invitations/accept?token=")[1].split()[0]


def test_create_list_and_view(client: TestClient, db: Session) -> None:
    user = make_user(
        db, email="lead@northdale.example.org", organisation="Northdale District Council"
    )
    auth = {"Authorization": f"Bearer {make_token(db, user)}"}
    db.commit()
    created = client.post(
        "/api/v1/partnerships",
        headers=auth,
        json={"name": "  Shared ICT  ", "service": "ICT", "description": "One service desk"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "Shared ICT" and body["roadmap_version"] == "2026.1"
    [lead] = body["partners"]
    assert lead["is_lead"] and lead["status"] == "active"
    assert lead["people"][0]["roles"] == ["lead"]
    listed = client.get("/api/v1/partnerships", headers=auth).json()
    assert [p["id"] for p in listed] == [body["id"]]
    assert client.get(f"/api/v1/partnerships/{body['id']}", headers=auth).json() == body


def test_blank_names_are_refused(client: TestClient, db: Session) -> None:
    user = make_user(
        db, email="lead@northdale.example.org", organisation="Northdale District Council"
    )
    auth = {"Authorization": f"Bearer {make_token(db, user)}"}
    db.commit()
    response = client.post(
        "/api/v1/partnerships", headers=auth, json={"name": "  ", "service": "x"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_invite_a_council_which_accepts_and_invites_a_colleague(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    invited = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/invitations",
        headers=world.auth("lead"),
        json={
            "email": "Lead@Westfield.example.org",
            "organisation": "Westfield Council",
            "roles": ["partner_lead", "officer"],
        },
    )
    assert invited.status_code == 201, invited.text
    assert "token" not in invited.text  # the link goes by email only
    token = _link_token(db, "lead@westfield.example.org")
    accepted = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "Wendy", "password": PASSWORD}
    )
    assert accepted.status_code == 201
    partner_id = accepted.json()["partner_id"]
    db.rollback()  # end the test's read transaction, to see what the request committed
    assert db.get(Partner, partner_id).status is PartnerStatus.ACTIVE  # type: ignore[union-attr]
    again = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "Wendy", "password": PASSWORD}
    )
    assert again.status_code == 404  # works once

    wendy = client.post(
        "/api/v1/auth/token", json={"email": "lead@westfield.example.org", "password": PASSWORD}
    ).json()
    auth = {"Authorization": f"Bearer {wendy['access_token']}"}
    colleague = client.post(
        f"/api/v1/partners/{partner_id}/invitations",
        headers=auth,
        json={
            "email": "cfo@westfield.example.org",
            "roles": ["cfo"],
            "authority": "Westfield scheme of delegation 3.1",
        },
    )
    assert colleague.status_code == 201
    client.post(
        "/api/v1/invitations/accept",
        json={
            "token": _link_token(db, "cfo@westfield.example.org"),
            "name": "Carl",
            "password": PASSWORD,
        },
    )
    detail = client.get(f"/api/v1/partnerships/{world.partnership.id}", headers=auth).json()
    westfield = next(p for p in detail["partners"] if p["organisation"] == "Westfield Council")
    assert {p["name"]: p["roles"] for p in westfield["people"]} == {
        "Carl": ["cfo"],
        "Wendy": ["partner_lead", "officer"],
    }
    carl = next(p for p in westfield["people"] if p["name"] == "Carl")
    [grant] = carl["authorities"]
    assert grant["role"] == "cfo" and grant["authority"] == "Westfield scheme of delegation 3.1"
    assert grant["granted_by_name"] == "Wendy"


def test_an_invitation_expires_after_fourteen_days(client: TestClient, db: Session) -> None:
    world = make_world(db)
    client.post(
        f"/api/v1/partnerships/{world.partnership.id}/invitations",
        headers=world.auth("lead"),
        json={
            "email": "x@westfield.example.org",
            "organisation": "Westfield Council",
            "roles": ["officer"],
        },
    )
    db.rollback()
    invitation = db.exec(select(Invitation)).one()
    assert timedelta(days=13, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=14)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    response = client.post(
        "/api/v1/invitations/accept",
        json={
            "token": _link_token(db, "x@westfield.example.org"),
            "name": "X",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 404 and "expired" in response.json()["detail"]


def test_revoke_and_resend(client: TestClient, db: Session) -> None:
    world = make_world(db)
    created = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/invitations",
        headers=world.auth("lead"),
        json={
            "email": "x@westfield.example.org",
            "organisation": "Westfield Council",
            "roles": ["officer"],
        },
    ).json()
    first = _link_token(db, "x@westfield.example.org")
    revoked = client.post(f"/api/v1/invitations/{created['id']}/revoke", headers=world.auth("lead"))
    assert revoked.json()["status"] == "withdrawn"
    assert (
        client.post(
            "/api/v1/invitations/accept", json={"token": first, "name": "X", "password": PASSWORD}
        ).status_code
        == 404
    )
    resent = client.post(f"/api/v1/invitations/{created['id']}/resend", headers=world.auth("lead"))
    assert resent.json()["status"] == "pending"
    second = _link_token(db, "x@westfield.example.org")
    assert second != first
    assert (
        client.post(
            "/api/v1/invitations/accept", json={"token": first, "name": "X", "password": PASSWORD}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/invitations/accept", json={"token": second, "name": "X", "password": PASSWORD}
        ).status_code
        == 201
    )


def test_existing_account_accepts_with_its_own_password(client: TestClient, db: Session) -> None:
    world = make_world(db)
    other_lead = world.users["other_partner_lead"]
    client.post(
        f"/api/v1/partners/{world.other_partner.id}/invitations",
        headers=world.auth("other_partner_lead"),
        json={
            "email": world.users["other_officer"].email,
            "roles": ["signatory"],
            "authority": "Scheme of delegation 4.2",
        },
    )
    token = _link_token(db, world.users["other_officer"].email)
    wrong = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "x", "password": "not my password at all"},
    )
    assert wrong.status_code == 409
    ok = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "ignored", "password": PASSWORD}
    )
    assert ok.status_code == 201
    assert other_lead.organisation_id == world.users["other_officer"].organisation_id


def test_a_person_of_another_organisation_cannot_be_invited_to_a_partner(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    response = client.post(
        f"/api/v1/partners/{world.other_partner.id}/invitations",
        headers=world.auth("lead"),
        json={"email": world.users["officer"].email, "roles": ["officer"]},
    )
    assert response.status_code == 409
    assert "another organisation" in response.json()["detail"]


def test_the_lead_role_cannot_be_given_by_invitation(client: TestClient, db: Session) -> None:
    world = make_world(db)
    response = client.post(
        f"/api/v1/partners/{world.other_partner.id}/invitations",
        headers=world.auth("lead"),
        json={"email": "new@eastbrook.example.org", "roles": ["lead"]},
    )
    assert response.status_code == 409


def test_withdraw_a_partner(client: TestClient, db: Session) -> None:
    world = make_world(db)
    url = f"/api/v1/partners/{world.other_partner.id}/withdraw"
    assert client.post(url, headers=world.auth("lead"), json={"reason": ""}).status_code == 422
    ok = client.post(url, headers=world.auth("lead"), json={"reason": "Budget cut"})
    assert ok.status_code == 200
    eastbrook = next(p for p in ok.json()["partners"] if p["id"] == world.other_partner.id)
    assert eastbrook["status"] == "withdrawn" and eastbrook["withdrawal_reason"] == "Budget cut"
    # its people can still read, but no longer act
    auth = world.auth("other_partner_lead")
    assert (
        client.get(f"/api/v1/partnerships/{world.partnership.id}", headers=auth).status_code == 200
    )
    assert (
        client.post(
            f"/api/v1/partners/{world.other_partner.id}/invitations",
            headers=auth,
            json={"email": "n@eastbrook.example.org", "roles": ["officer"]},
        ).status_code
        == 403
    )
    lead_partner = f"/api/v1/partners/{world.lead_partner.id}/withdraw"
    assert (
        client.post(lead_partner, headers=world.auth("lead"), json={"reason": "x"}).status_code
        == 409
    )


def test_setting_the_lead_role_is_refused_and_takes_nothing_away(
    client: TestClient, db: Session
) -> None:
    """Issue 13: `{"roles": ["lead"]}` answered 200 and stripped every role."""
    world = make_world(db)
    officer = world.users["other_officer"]
    url = f"/api/v1/partners/{world.other_partner.id}/people/{officer.id}/roles"
    for roles in (["lead"], ["officer", "lead"]):
        refused = client.put(url, headers=world.auth("other_partner_lead"), json={"roles": roles})
        assert refused.status_code == 422, refused.text
        [error] = refused.json()["errors"]
        assert error["field"] == "roles" and "'lead'" in error["message"]
    partnership = client.get(
        f"/api/v1/partnerships/{world.partnership.id}", headers=world.auth("other_partner_lead")
    ).json()
    people = [p for partner in partnership["partners"] for p in partner["people"]]
    assert next(p for p in people if p["id"] == officer.id)["roles"] == ["officer"]
    schema = client.get("/openapi.json").json()["components"]["schemas"]["RolesUpdate"]
    assert "lead" not in schema["properties"]["roles"]["items"]["enum"]


def test_set_roles(client: TestClient, db: Session) -> None:
    world = make_world(db)
    officer = world.users["other_officer"]
    url = f"/api/v1/partners/{world.other_partner.id}/people/{officer.id}/roles"
    response = client.put(
        url,
        headers=world.auth("other_partner_lead"),
        json={"roles": ["officer", "signatory"], "authority": "Scheme of delegation 4.2"},
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["officer", "signatory"]
    [grant] = response.json()["authorities"]
    assert (grant["role"], grant["authority"]) == ("signatory", "Scheme of delegation 4.2")
    # Keeping a signing role needs no authority again; it keeps the one it was granted on.
    kept = client.put(url, headers=world.auth("other_partner_lead"), json={"roles": ["signatory"]})
    assert kept.status_code == 200
    assert kept.json()["authorities"][0]["authority"] == "Scheme of delegation 4.2"
    foreign = f"/api/v1/partners/{world.other_partner.id}/people/{world.users['officer'].id}/roles"
    assert (
        client.put(
            foreign, headers=world.auth("other_partner_lead"), json={"roles": ["officer"]}
        ).status_code
        == 404
    )
