"""Signing authority that nobody grants themselves (BRIEF rule 9).

The signing roles (signatory, chief executive, finance director) are refused to oneself by every
route that gives a role: the roles page and API, an invitation to one's own address, accepting
an invitation one sent. Each grant names the authority it rests on, which is stored with the
role, written in the audit event, shown on the people page and in the API, and announced to the
partnership lead and the partner's people.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.identity.models import User
from app.mail.models import OutboxMessage
from app.notify.models import Notification
from app.notify.service import send_digests
from app.partnerships.models import Invitation, PartnerRole, Role
from app.partnerships.service import invite_person
from tests.factories import (
    PASSWORD,
    TEST_ACTOR,
    World,
    mail_text,
    make_token,
    make_user,
    make_world,
    post_form,
    sign_in,
)
from tests.pages import check_page

SIGNING = [Role.SIGNATORY, Role.CEO, Role.CFO]
AUTHORITY = "Cabinet minute 2026/114"


def _roles_of(db: Session, user_id: str) -> set[Role]:
    db.rollback()  # see what the requests committed
    return {
        Role(r) for r in db.exec(select(PartnerRole.role).where(PartnerRole.user_id == user_id))
    }


def _grant(db: Session, user_id: str, role: Role) -> PartnerRole:
    db.rollback()
    return db.exec(
        select(PartnerRole).where(PartnerRole.user_id == user_id, PartnerRole.role == role)
    ).one()


def _told(db: Session, world: World) -> dict[str, list[str]]:
    """Who among the world's people has been told what."""
    db.rollback()
    names = {user.id: who for who, user in world.users.items()}
    told: dict[str, list[str]] = {}
    for note in db.exec(select(Notification).order_by(col(Notification.created_at))):
        told.setdefault(names[note.user_id], []).append(note.message)
    return told


def _events(db: Session, action: str) -> list[AuditEvent]:
    db.rollback()
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _roles_url(world: World, who: str, partner: str = "other") -> str:
    partner_id = world.other_partner.id if partner == "other" else world.lead_partner.id
    return f"/partners/{partner_id}/people/{world.users[who].id}/roles"


# --- Nobody grants themselves a signing role ----------------------------------------------


@pytest.mark.parametrize("role", SIGNING)
def test_a_partner_lead_cannot_give_themselves_a_signing_role_through_the_api(
    client: TestClient, db: Session, role: Role
) -> None:
    world = make_world(db)
    response = client.put(
        f"/api/v1{_roles_url(world, 'other_partner_lead')}",
        headers=world.auth("other_partner_lead"),
        json={"roles": ["partner_lead", "officer", role.value], "authority": AUTHORITY},
    )
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "cannot give yourself" in response.json()["detail"]
    assert _roles_of(db, world.users["other_partner_lead"].id) == {Role.PARTNER_LEAD, Role.OFFICER}
    assert _events(db, "roles.changed") == []
    assert _told(db, world) == {}


@pytest.mark.parametrize("role", SIGNING)
def test_the_partnership_lead_cannot_give_themselves_a_signing_role_either(
    client: TestClient, db: Session, role: Role
) -> None:
    world = make_world(db)
    response = client.put(
        f"/api/v1{_roles_url(world, 'lead', partner='lead')}",
        headers=world.auth("lead"),
        json={"roles": [role.value], "authority": AUTHORITY},
    )
    assert response.status_code == 403, response.text
    assert _roles_of(db, world.users["lead"].id) == {Role.LEAD}


@pytest.mark.parametrize("role", SIGNING)
def test_a_partner_lead_cannot_give_themselves_a_signing_role_through_the_page(
    client: TestClient, db: Session, role: Role
) -> None:
    world = make_world(db)
    sign_in(client, world.users["other_partner_lead"].email)
    url = _roles_url(world, "other_partner_lead")
    page = check_page(client.get(url))
    assert "You cannot give yourself the signatory" in page.get_text()
    response = post_form(
        client, url, {"roles": ["partner_lead", "officer", role.value], "authority": AUTHORITY}
    )
    soup = check_page(response, status=400)
    assert soup.title is not None and soup.title.get_text().startswith("Error:")
    [link] = soup.select(".govuk-error-summary a")
    assert link["href"] == "#roles"  # the first checkbox of the roles
    assert soup.find(id="roles")
    assert "cannot give yourself" in link.get_text()
    assert soup.select_one("#roles-error") is not None  # the message beside the field
    assert _roles_of(db, world.users["other_partner_lead"].id) == {Role.PARTNER_LEAD, Role.OFFICER}


@pytest.mark.parametrize("role", SIGNING)
def test_nobody_invites_themselves_to_a_signing_role(
    client: TestClient, db: Session, role: Role
) -> None:
    world = make_world(db)
    me = world.users["other_partner_lead"]
    response = client.post(
        f"/api/v1/partners/{world.other_partner.id}/invitations",
        headers=world.auth("other_partner_lead"),
        json={"email": me.email.upper(), "roles": [role.value], "authority": AUTHORITY},
    )
    assert response.status_code == 403, response.text
    assert "cannot give yourself" in response.json()["detail"]
    db.rollback()
    assert db.exec(select(Invitation)).all() == []


def test_inviting_oneself_through_the_page_is_refused_against_the_email(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    me = world.users["other_partner_lead"]
    sign_in(client, me.email)
    response = post_form(
        client,
        f"/partners/{world.other_partner.id}/invite",
        {"email": me.email, "roles": ["ceo"], "authority": AUTHORITY},
    )
    soup = check_page(response, status=400)
    assert [a["href"] for a in soup.select(".govuk-error-summary a")] == ["#email"]
    assert "cannot give yourself the chief executive role" in soup.get_text()
    db.rollback()
    assert db.exec(select(Invitation)).all() == []


def test_an_invitation_one_sent_oneself_cannot_be_accepted(client: TestClient, db: Session) -> None:
    """An invitation from before this rule, sent by its own invitee: the acceptance checks too."""
    world = make_world(db)
    me = world.users["other_partner_lead"]
    _, token = invite_person(
        db,
        TEST_ACTOR,
        partner=world.other_partner,
        inviter=world.users["lead"],
        email=me.email,
        roles=[Role.CFO],
        authority=AUTHORITY,
        base_url="http://testserver",
    )
    invitation = db.exec(select(Invitation)).one()
    invitation.invited_by = me.id  # as if they had sent it themselves
    db.commit()
    response = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "x", "password": PASSWORD}
    )
    assert response.status_code == 403, response.text
    assert "your own invitation" in response.json()["detail"]
    page = client.get(f"/invitations/accept?token={token}")
    check_page(page)
    refused = post_form(client, "/invitations/accept", {"token": token, "password": PASSWORD})
    soup = check_page(refused, status=400)
    assert "your own invitation to the finance director role" in soup.get_text()
    assert Role.CFO not in _roles_of(db, me.id)


def test_a_manager_may_take_a_signing_role_away_from_themselves(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    lead = world.users["other_partner_lead"]
    given = client.put(
        f"/api/v1{_roles_url(world, 'other_partner_lead')}",
        headers=world.auth("lead"),
        json={"roles": ["partner_lead", "officer", "ceo"], "authority": AUTHORITY},
    )
    assert given.status_code == 200, given.text
    kept = client.put(
        f"/api/v1{_roles_url(world, 'other_partner_lead')}",
        headers=world.auth("other_partner_lead"),
        json={"roles": ["partner_lead", "officer", "ceo"]},
    )
    assert kept.status_code == 200  # a role already held is not granted again
    dropped = client.put(
        f"/api/v1{_roles_url(world, 'other_partner_lead')}",
        headers=world.auth("other_partner_lead"),
        json={"roles": ["partner_lead"]},
    )
    assert dropped.status_code == 200
    assert _roles_of(db, lead.id) == {Role.PARTNER_LEAD}


def test_the_site_administrator_has_no_route_to_give_roles(client: TestClient, db: Session) -> None:
    world = make_world(db)
    admin = make_user(db, email="admin@northdale.example.org", organisation="Northdale", admin=True)
    token = make_token(db, admin)
    db.commit()
    response = client.put(
        f"/api/v1{_roles_url(world, 'other_officer')}",
        headers={"Authorization": f"Bearer {token}"},
        json={"roles": ["ceo"], "authority": AUTHORITY},
    )
    assert response.status_code == 404  # not a member: the partnership is not confirmed
    assert Role.CEO not in _roles_of(db, world.users["other_officer"].id)


def test_the_database_refuses_a_signing_role_granted_to_oneself_or_without_authority(
    db: Session,
) -> None:
    world = make_world(db)
    officer, lead = world.users["other_officer"], world.users["other_partner_lead"]
    for granted_by, authority in ((officer.id, AUTHORITY), (lead.id, None), (lead.id, "  ")):
        db.add(
            PartnerRole(
                partner_id=world.other_partner.id,
                user_id=officer.id,
                role=Role.CEO,
                granted_by=granted_by,
                authority=authority,
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.commit()
        db.rollback()
    db.add(
        PartnerRole(
            partner_id=world.other_partner.id,
            user_id=officer.id,
            role=Role.CEO,
            granted_by=lead.id,
            authority=AUTHORITY,
        )
    )
    db.commit()


# --- A grant names its authority ----------------------------------------------------------


@pytest.mark.parametrize("role", SIGNING)
def test_a_signing_role_needs_an_authority_through_the_api(
    client: TestClient, db: Session, role: Role
) -> None:
    world = make_world(db)
    url = f"/api/v1{_roles_url(world, 'other_officer')}"
    for body in ({"roles": ["officer", role.value]}, {"roles": [role.value], "authority": None}):
        response = client.put(url, headers=world.auth("other_partner_lead"), json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] == "authority"
    blank = client.put(
        url,
        headers=world.auth("other_partner_lead"),
        json={"roles": [role.value], "authority": " "},
    )
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "authority"
    assert _roles_of(db, world.users["other_officer"].id) == {Role.OFFICER}


def test_an_invitation_to_a_signing_role_needs_an_authority(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    for path, body in (
        (
            f"/api/v1/partners/{world.other_partner.id}/invitations",
            {"email": "ceo@eastbrook.example.org", "roles": ["ceo"]},
        ),
        (
            f"/api/v1/partnerships/{world.partnership.id}/invitations",
            {
                "email": "cfo@westfield.example.org",
                "organisation": "Westfield Council",
                "roles": ["partner_lead", "cfo"],
            },
        ),
    ):
        response = client.post(path, headers=world.auth("lead"), json=body)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "authority"
    db.rollback()
    assert db.exec(select(Invitation)).all() == []
    # The schema says so too, so that a client can know it before asking.
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("PersonInvitationCreate", "PartnerInvitationCreate"):
        [rule] = schema[name]["allOf"]
        assert rule["then"]["required"] == ["authority"]
        enum = rule["if"]["properties"]["roles"]["contains"]["enum"]
        assert set(enum) == {"signatory", "ceo", "cfo"}


def test_a_signing_role_needs_an_authority_through_the_pages(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["other_partner_lead"].email)
    roles = post_form(
        client, _roles_url(world, "other_officer"), {"roles": ["officer", "signatory"]}
    )
    soup = check_page(roles, status=400)
    assert [a["href"] for a in soup.select(".govuk-error-summary a")] == ["#authority"]
    assert soup.select_one("#authority-error") is not None
    assert "Enter the authority for the signatory role" in soup.get_text()
    invite = post_form(
        client,
        f"/partners/{world.other_partner.id}/invite",
        {"email": "cfo@eastbrook.example.org", "roles": ["cfo"], "authority": "   "},
    )
    soup = check_page(invite, status=400)
    assert [a["href"] for a in soup.select(".govuk-error-summary a")] == ["#authority"]
    assert _roles_of(db, world.users["other_officer"].id) == {Role.OFFICER}


def test_an_invitation_sent_before_authorities_were_recorded_cannot_give_a_signing_role(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    _, token = invite_person(
        db,
        TEST_ACTOR,
        partner=world.other_partner,
        inviter=world.users["other_partner_lead"],
        email="signatory@eastbrook.example.org",
        roles=[Role.SIGNATORY],
        authority=AUTHORITY,
        base_url="http://testserver",
    )
    db.exec(select(Invitation)).one().authority = None  # as the migration leaves older ones
    db.commit()
    response = client.post(
        "/api/v1/invitations/accept", json={"token": token, "name": "Sue", "password": PASSWORD}
    )
    assert response.status_code == 409, response.text
    assert "without saying on what authority" in response.json()["detail"]


# --- Stored, audited, shown and announced -------------------------------------------------


def _check_announced(db: Session, world: World, *, words: str) -> None:
    """The partnership lead and Eastbrook's people are told, and nobody else."""
    told = _told(db, world)
    assert set(told) == {"lead", "other_partner_lead", "other_officer"}, told
    for messages in told.values():
        [message] = messages
        assert words in message and AUTHORITY in message
    notes = db.exec(select(Notification)).all()
    assert {n.link for n in notes} == {f"/partnerships/{world.partnership.id}/people"}
    db.rollback()
    send_digests(db.get_bind(), base_url="http://testserver")  # news comes in the daily digest
    mailed = set(
        db.exec(select(OutboxMessage.to).where(col(OutboxMessage.body).contains(AUTHORITY)))
    )
    assert mailed == {world.users[w].email for w in ("lead", "other_partner_lead", "other_officer")}


def _people_row(client: TestClient, world: World, name: str) -> str:
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/people"))
    assert page.find("th", string="Authority to sign")
    [row] = [r for r in page.select("tr") if r.find("td", string=name)]
    return " ".join(row.get_text(" ").split())


def test_a_grant_through_the_page_is_stored_audited_shown_and_announced(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    officer, lead = world.users["other_officer"], world.users["other_partner_lead"]
    sign_in(client, lead.email)
    done = post_form(
        client,
        _roles_url(world, "other_officer"),
        {"roles": ["officer", "ceo"], "authority": f"  {AUTHORITY} "},
    )
    assert done.status_code == 303, done.text
    grant = _grant(db, officer.id, Role.CEO)
    assert (grant.authority, grant.granted_by) == (AUTHORITY, lead.id)
    [event] = _events(db, "roles.changed")
    assert event.actor_id == lead.id and event.object_id == officer.id
    assert event.after == {"roles": ["ceo", "officer"], "granted": ["ceo"], "authority": AUTHORITY}
    row = _people_row(client, world, officer.name)
    assert f"Chief executive: {AUTHORITY}" in row and f"Given by {lead.name}" in row
    # A grant made before authorities were recorded says so, rather than inventing one.
    older = _people_row(client, world, world.users["signatory"].name)
    assert "Signatory: authority not recorded" in older
    _check_announced(db, world, words=f"{lead.name} made {officer.name} chief executive")
    detail = client.get(
        f"/api/v1/partnerships/{world.partnership.id}", headers=world.auth("officer")
    ).json()
    eastbrook = next(p for p in detail["partners"] if p["id"] == world.other_partner.id)
    person = next(p for p in eastbrook["people"] if p["id"] == officer.id)
    [authority] = person["authorities"]
    assert authority["role"] == "ceo" and authority["authority"] == AUTHORITY
    assert (authority["granted_by"], authority["granted_by_name"]) == (lead.id, lead.name)


def test_a_grant_through_the_api_is_stored_audited_and_announced(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    officer = world.users["other_officer"]
    response = client.put(
        f"/api/v1{_roles_url(world, 'other_officer')}",
        headers=world.auth("lead"),
        json={"roles": ["officer", "signatory", "cfo"], "authority": AUTHORITY},
    )
    assert response.status_code == 200, response.text
    assert [a["role"] for a in response.json()["authorities"]] == ["signatory", "cfo"]
    for role in (Role.SIGNATORY, Role.CFO):
        grant = _grant(db, officer.id, role)
        assert (grant.authority, grant.granted_by) == (AUTHORITY, world.users["lead"].id)
    [event] = _events(db, "roles.changed")
    assert event.after["granted"] == ["signatory", "cfo"]
    lead_name = world.users["lead"].name
    _check_announced(
        db, world, words=f"{lead_name} made {officer.name} signatory and finance director"
    )


def test_a_grant_by_invitation_rests_on_the_inviters_authority(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    inviter = world.users["other_partner_lead"]
    sign_in(client, inviter.email)
    sent = post_form(
        client,
        f"/partners/{world.other_partner.id}/invite",
        {"email": "ceo@eastbrook.example.org", "roles": ["ceo"], "authority": AUTHORITY},
    )
    assert sent.status_code == 303, sent.text
    [sent_event] = _events(db, "invitation.sent")
    assert sent_event.after["authority"] == AUTHORITY
    mail = db.exec(
        select(OutboxMessage).where(OutboxMessage.to == "ceo@eastbrook.example.org")
    ).one()
    token = mail_text(mail).split("/invitations/accept?token=")[1].split()[0]
    accepted = post_form(
        client,
        "/invitations/accept",
        {"token": token, "name": "Cara", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert accepted.status_code == 303, accepted.text
    db.rollback()
    world.users["cara"] = db.exec(
        select(User).where(User.email == "ceo@eastbrook.example.org")
    ).one()
    cara = world.users["cara"].id
    grant = _grant(db, cara, Role.CEO)
    assert (grant.authority, grant.granted_by) == (AUTHORITY, inviter.id)
    [event] = _events(db, "invitation.accepted")
    assert event.after["authority"] == AUTHORITY and event.after["granted_by"] == inviter.id
    told = _told(db, world)
    assert set(told) == {"lead", "other_partner_lead", "other_officer", "cara"}
    assert all(f"{inviter.name} made Cara chief executive" in m[0] for m in told.values())
    assert f"Chief executive: {AUTHORITY}" in _people_row(client, world, "Cara")


def test_the_agreement_records_each_grant_and_its_authority(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    officer = world.users["other_officer"]
    granted = client.put(
        f"/api/v1{_roles_url(world, 'other_officer')}",
        headers=world.auth("lead"),
        json={"roles": ["officer", "signatory"], "authority": AUTHORITY},
    )
    assert granted.status_code == 200, granted.text
    base = f"/api/v1/partnerships/{world.partnership.id}"
    agreement = client.get(f"{base}/agreement.json", headers=world.auth("viewer")).json()
    [entry] = [a for a in agreement["authorities"] if a["person"] == officer.name]
    assert entry == {
        "person": officer.name,
        "organisation": "Eastbrook Borough Council",
        "partner_id": world.other_partner.id,
        "role": "signatory",
        "authority": AUTHORITY,
        "granted_by": world.users["lead"].name,
        "granted_at": entry["granted_at"],
    }
    # Grants made by setup code (the factories) say so rather than inventing an authority.
    assert {a["authority"] for a in agreement["authorities"] if a is not entry} <= {None}

    pdf = client.get(f"{base}/agreement.pdf", headers=world.auth("viewer"))
    assert pdf.status_code == 200
    text = " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Signing authority" in text and AUTHORITY in text
