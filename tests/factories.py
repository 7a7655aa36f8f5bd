"""Factories: real rows through the real services, and signed-in clients."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.audit.service import Actor
from app.core.security import new_token, token_hash
from app.identity.models import ApiToken, Organisation, User
from app.identity.passwords import hash_password
from app.identity.service import get_or_create_organisation, normalise_email
from app.mail.models import OutboxMessage
from app.mail.service import text_to_send
from app.partnerships.models import Partner, Partnership, Role
from app.partnerships.service import add_partner, grant_role, start_partnership
from app.wizard.definition import Question, QuestionType, Stage

PASSWORD = "correct horse battery staple"
TEST_ACTOR = Actor(user_id=None, request_id="test")


def mail_text(message: OutboxMessage) -> str:
    """A mail's body as its recipient reads it: the secret link unsealed (the stored `body`
    has only a placeholder)."""
    return text_to_send(message)


@cache
def _password_hash() -> str:
    """One real Argon2id hash of PASSWORD, computed once (hashing costs ~50 ms a time)."""
    return hash_password(PASSWORD)


def make_user(
    db: Session, *, email: str, organisation: str, name: str | None = None, admin: bool = False
) -> User:
    org = get_or_create_organisation(db, name=organisation)
    user = User(
        email=normalise_email(email),
        name=name or email.split("@")[0].title(),
        organisation_id=org.id,
        password_hash=_password_hash(),
        is_admin=admin,
    )
    db.add(user)
    db.flush()
    return user


def make_token(db: Session, user: User, *, can_write: bool = True) -> str:
    """A bearer token for `user`, as POST /api/v1/auth/token would issue."""
    token = new_token()
    db.add(
        ApiToken(token_hash=token_hash(token), user_id=user.id, name="test", can_write=can_write)
    )
    db.flush()
    return token


def join(db: Session, partnership: Partnership, user: User, roles: list[Role]) -> Partner:
    """Make `user`'s organisation an active partner (if not yet) and give them `roles`."""
    from sqlmodel import select

    partner = db.exec(
        select(Partner).where(
            Partner.partnership_id == partnership.id,
            Partner.organisation_id == user.organisation_id,
        )
    ).first()
    if partner is None:
        partner = add_partner(
            db,
            partnership=partnership,
            organisation=db.get(Organisation, user.organisation_id),  # type: ignore[arg-type]
            active=True,
        )
    for role in roles:
        grant_role(db, partner=partner, user=user, role=role)
    return partner


@dataclass
class World:
    """One partnership of two councils, and an outsider with a partnership of their own."""

    partnership: Partnership
    lead_partner: Partner
    other_partner: Partner
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    third_partner: Partner | None = None  # Westmoor, in `three_councils`

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


def make_world(db: Session, roadmap_version: str = "2026.1") -> World:
    """Callers: lead, viewer, officer, signatory (lead council); other_officer,
    other_partner_lead (second council); outsider (a third council)."""
    north = "Northdale District Council"
    east = "Eastbrook Borough Council"
    lead = make_user(db, email="lead@northdale.example.org", organisation=north)
    partnership = start_partnership(
        db,
        TEST_ACTOR,
        creator=lead,
        name="Northdale and Eastbrook revenues",
        service="Revenues",
        description="",
        roadmap_version=roadmap_version,
    )
    users = {"lead": lead}
    for who, roles in (
        ("viewer", [Role.VIEWER]),
        ("officer", [Role.OFFICER]),
        ("signatory", [Role.SIGNATORY]),
    ):
        users[who] = make_user(db, email=f"{who}@northdale.example.org", organisation=north)
        lead_partner = join(db, partnership, users[who], roles)
    for who, roles in (
        ("other_officer", [Role.OFFICER]),
        ("other_partner_lead", [Role.PARTNER_LEAD, Role.OFFICER]),
    ):
        users[who] = make_user(db, email=f"{who}@eastbrook.example.org", organisation=east)
        other_partner = join(db, partnership, users[who], roles)
    users["outsider"] = make_user(
        db, email="someone@westmoor.example.org", organisation="Westmoor District Council"
    )
    start_partnership(
        db,
        TEST_ACTOR,
        creator=users["outsider"],
        name="Westmoor alone",
        service="ICT",
        description="",
        roadmap_version=roadmap_version,
    )
    tokens = {who: make_token(db, user) for who, user in users.items()}
    db.commit()
    return World(partnership, lead_partner, other_partner, users, tokens)


def page_csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token of a page, as a browser would read it from the form."""
    html = client.get(path).text
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Sign `client` in through the sign-in page, as a person would."""
    token = page_csrf(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def post_form(client: TestClient, path: str, data: dict[str, object], **kwargs: object):  # type: ignore[no-untyped-def]
    """POST a form with this browser's CSRF token, as the page's hidden field would carry it."""
    token = page_csrf(client)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


# --- Answering and signing a stage through the API ----------------------------------------

SAMPLE: dict[QuestionType, Any] = {
    QuestionType.SHORT_TEXT: "Chief executive of Northdale",
    QuestionType.LONG_TEXT: "Agreed text",
    QuestionType.YES_NO: "yes",
    QuestionType.NUMBER: "4",
    QuestionType.MONEY: "1000.00",
    QuestionType.DATE: "2027-04-01",
}


def sample_value(question: Question) -> Any:
    """A valid answer to `question`."""
    if question.type is QuestionType.SINGLE_CHOICE:
        return question.options[0].value
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [question.options[0].value]
    if question.type is QuestionType.SCALE:
        return int(question.min or 1)
    return SAMPLE[question.type]


def put_answer(
    client: Any, world: World, who: str, stage: Stage, key: str, value: Any
) -> dict[str, Any]:
    """Save an answer through the API at the version as read, as a client would."""
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}"
    current = client.get(base, headers=world.auth(who)).json()
    versions = {a["key"]: a["version"] for a in current["shared_answers"] + current["my_answers"]}
    response = client.put(
        f"{base}/answers/{key}",
        headers=world.auth(who),
        json={"value": value, "version": versions.get(key, 0)},
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def fill_stage(client: TestClient, world: World, stage: Stage) -> None:
    """Answer every required question: shared by the lead council's officer, each council's
    own by its officer."""
    for q in stage.questions:
        if q.required and q.scope == "shared":
            put_answer(client, world, "officer", stage, q.key, sample_value(q))
        elif q.required:
            for who in ("officer", "other_officer"):
                put_answer(client, world, who, stage, q.key, sample_value(q))


def sign_stage(client: TestClient, world: World, who: str, stage: Stage, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """Sign a stage through the API as it stands."""
    return client.post(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}/signoffs",
        headers=world.auth(who),
        json={"password": password},
    )


# --- Day 1 funding through the API -------------------------------------------------------

POPULATIONS = {"lead": "100000", "other": "150000", "third": "250000"}


def three_councils(db: Session) -> World:
    """The world, a third council (Westmoor), and a CEO and a CFO for each council."""
    world = make_world(db)
    partners = {"lead": world.lead_partner, "other": world.other_partner}
    third = make_user(db, email="officer@westmoor.example.org", organisation="Westmoor Council")
    partners["third"] = join(db, world.partnership, third, [Role.OFFICER])
    world.users["third_officer"], world.tokens["third_officer"] = third, make_token(db, third)
    world.third_partner = partners["third"]
    domains = {"lead": "northdale", "other": "eastbrook", "third": "westmoor"}
    orgs = {
        "lead": "Northdale District Council",
        "other": "Eastbrook Borough Council",
        "third": "Westmoor Council",
    }
    for key in partners:
        for role in (Role.CEO, Role.CFO):
            user = make_user(
                db, email=f"{role.value}@{domains[key]}.example.org", organisation=orgs[key]
            )
            join(db, world.partnership, user, [role])
            world.users[f"{key}_{role.value}"] = user
            world.tokens[f"{key}_{role.value}"] = make_token(db, user)
    db.commit()
    return world


def enter_populations(client: TestClient, world: World) -> None:
    """Each of the three councils enters its population."""
    for key, who in (("lead", "officer"), ("other", "other_officer"), ("third", "third_officer")):
        response = client.put(
            f"/api/v1/partnerships/{world.partnership.id}/funding/inputs",
            headers=world.auth(who),
            json={"population": POPULATIONS[key]},
        )
        assert response.status_code == 200, response.text


def answer_terms(client: Any, world: World, roadmap: Any = None) -> None:
    """The lead council's officer answers every required Day 1 term (signed with the formula:
    a CEO or CFO cannot sign while one is blank). `client` is a TestClient, or an httpx client
    on a live server with that server's `roadmap`."""
    day1 = (roadmap or client.app.state.roadmap).funding_stage
    for q in day1.questions:
        if q.required and q.scope == "shared":
            put_answer(client, world, "officer", day1, q.key, sample_value(q))


def propose_funding(client: TestClient, world: World, version: int = 0, **changes: object):  # type: ignore[no-untyped-def]
    """The lead proposes £1m a year for a year, split by population (with `changes`)."""
    body = {
        "method": "population",
        "one_off_cost": "0.00",
        "annual_cost": "1000000.00",
        "years": 1,
        "version": version,
        **changes,
    }
    return client.put(
        f"/api/v1/partnerships/{world.partnership.id}/funding",
        headers=world.auth("lead"),
        json=body,
    )


def sign_funding(
    client: TestClient, world: World, who: str, role: str, *, acknowledge: bool = True
):  # type: ignore[no-untyped-def]
    """A CEO or CFO signs the formula through the API as it stands, having read (and so
    acknowledging, unless told not to) the open warnings on the Day 1 terms."""
    base = f"/api/v1/partnerships/{world.partnership.id}/funding"
    read = client.get(base, headers=world.auth(who)).json() if acknowledge else {}
    keys = [w["key"] for w in read.get("warnings", [])]
    return client.post(
        f"{base}/signoffs",
        headers=world.auth(who),
        json={"role": role, "password": PASSWORD, "acknowledged": keys},
    )


def app_session(app: Any) -> Session:
    """A session on the app's database as the service opens one (the roadmap in its info)."""
    from app.core.database import open_session

    return open_session(
        app.state.engine,
        write=True,
        info={"base_url": app.state.settings.base_url, "roadmap": app.state.roadmap},
    )
