"""The three-council journey, end to end through the JSON API, as the issue tried it.

A lead starts a partnership and invites two councils; each council's lead invites its
officer, signatory, CEO and CFO (every invitation link read from the mail it came in); every
council enters its population, the lead proposes Day 1 funding and all six CEOs and CFOs sign;
every stage is answered by every partner and signed by every signatory; every partner scores
and submits its readiness; the lead collects a snapshot and exports the agreement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.paths import ROADMAP_DIR
from app.mail.models import OutboxMessage
from app.wizard.loader import load_roadmap
from tests.factories import PASSWORD, mail_text, make_token, make_user, sample_value

ROADMAP = load_roadmap(ROADMAP_DIR)
COUNCILS = {
    "north": "Northdale District Council",
    "east": "Eastbrook Borough Council",
    "west": "Westmoor Council",
}
PEOPLE = {  # role in the journey -> the roles invited with
    "officer": ["officer"],
    "signatory": ["signatory"],
    "ceo": ["ceo"],
    "cfo": ["cfo"],
}
PARTNERSHIP = "Tri-council revenues"
POPULATION = {"north": "100000", "east": "150000", "west": "250000"}


@dataclass
class Journey:
    pid: str
    tokens: dict[str, str] = field(default_factory=dict)  # "east.ceo" -> bearer token
    partners: dict[str, str] = field(default_factory=dict)  # "east" -> partner id

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _accept(client: TestClient, db: Session, email: str, name: str) -> str:
    """Accept the invitation mailed to `email` with the link in it; a token for the new account."""
    db.expire_all()
    message = db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.to == email)
        .order_by(col(OutboxMessage.created_at).desc())
    ).first()
    assert message is not None, f"no invitation mailed to {email}"
    body = mail_text(message)  # the link is sealed until delivery: read it as the recipient
    match = re.search(r"token=([\w-]+)", body)
    assert match, body
    accepted = client.post(
        "/api/v1/invitations/accept",
        json={"token": match.group(1), "name": name, "password": PASSWORD},
    )
    assert accepted.status_code == 201, accepted.text
    signed_in = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    return str(signed_in.json()["access_token"])


def _read(response: Any) -> list[str]:
    """The keys of the open warnings a signer has read (and so acknowledges)."""
    return [w["key"] for w in _ok(response).get("warnings", [])]


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def start_and_invite(client: TestClient, db: Session) -> Journey:
    """The lead starts the partnership, invites two councils, and every council its people."""
    lead = make_user(
        db, email="lead@north.example.org", organisation=COUNCILS["north"], name="Nia North"
    )
    token = make_token(db, lead)
    db.commit()
    created = _ok(
        client.post(
            "/api/v1/partnerships",
            headers={"Authorization": f"Bearer {token}"},
            json={"name": PARTNERSHIP, "service": "Revenues", "description": ""},
        )
    )
    journey = Journey(pid=created["id"], tokens={"north.lead": token})
    for key in ("east", "west"):
        email = f"lead@{key}.example.org"
        _ok(
            client.post(
                f"/api/v1/partnerships/{journey.pid}/invitations",
                headers=journey.auth("north.lead"),
                json={
                    "email": email,
                    "organisation": COUNCILS[key],
                    "roles": ["partner_lead", "officer"],
                },
            )
        )
        journey.tokens[f"{key}.lead"] = _accept(client, db, email, f"{key.title()} Lead")
    detail = _ok(
        client.get(f"/api/v1/partnerships/{journey.pid}", headers=journey.auth("north.lead"))
    )
    for partner in detail["partners"]:
        key = next(k for k, name in COUNCILS.items() if name == partner["organisation"])
        journey.partners[key] = partner["id"]
    for key in COUNCILS:
        for who, roles in PEOPLE.items():
            email = f"{who}@{key}.example.org"
            _ok(
                client.post(
                    f"/api/v1/partners/{journey.partners[key]}/invitations",
                    headers=journey.auth(f"{key}.lead"),
                    json={"email": email, "roles": roles, "authority": "Scheme of delegation 4.2"},
                )
            )
            journey.tokens[f"{key}.{who}"] = _accept(
                client, db, email, f"{who.title()} of {key.title()}"
            )
    return journey


def agree_funding(client: TestClient, journey: Journey) -> None:
    """Every council enters its population; the lead proposes; every CEO and CFO signs."""
    base = f"/api/v1/partnerships/{journey.pid}/funding"
    for key in COUNCILS:
        _ok(
            client.put(
                f"{base}/inputs",
                headers=journey.auth(f"{key}.officer"),
                json={"population": POPULATION[key]},
            )
        )
    day1 = ROADMAP.funding_stage  # the terms are signed with the formula: answer them first
    for q in day1.questions:
        if q.scope == "shared" and q.required:
            _ok(
                client.put(
                    f"/api/v1/partnerships/{journey.pid}/stages/{day1.key}/answers/{q.key}",
                    headers=journey.auth("north.officer"),
                    json={"value": sample_value(q), "version": 0},
                )
            )
    _ok(
        client.put(
            base,
            headers=journey.auth("north.lead"),
            json={
                "method": "population",
                "one_off_cost": "50000.00",
                "annual_cost": "1000000.00",
                "years": 3,
                "version": 0,
            },
        )
    )
    for key in COUNCILS:
        for role in ("ceo", "cfo"):
            _ok(
                client.post(
                    f"{base}/signoffs",
                    headers=journey.auth(f"{key}.{role}"),
                    json={
                        "role": role,
                        "password": PASSWORD,
                        "acknowledged": _read(
                            client.get(base, headers=journey.auth(f"{key}.{role}"))
                        ),
                    },
                )
            )


def agree_stages(client: TestClient, journey: Journey) -> None:
    """Every stage answered by every partner, then signed by every signatory."""
    for stage in [s for s in ROADMAP.stages if s.kind == "dimension"]:
        base = f"/api/v1/partnerships/{journey.pid}/stages/{stage.key}"
        for q in stage.questions:
            if q.scope == "shared":
                writers = ["north.officer"]
            else:
                writers = [f"{key}.officer" for key in COUNCILS]
            for who in writers:
                _ok(
                    client.put(
                        f"{base}/answers/{q.key}",
                        headers=journey.auth(who),
                        json={"value": sample_value(q), "version": 0},
                    )
                )
        for key in COUNCILS:
            _ok(
                client.post(
                    f"{base}/signoffs",
                    headers=journey.auth(f"{key}.signatory"),
                    json={
                        "password": PASSWORD,
                        "acknowledged": _read(
                            client.get(
                                f"{base}/signoffs/preview", headers=journey.auth(f"{key}.signatory")
                            )
                        ),
                    },
                )
            )


def score_readiness(client: TestClient, journey: Journey) -> None:
    """Every partner scores every statement with evidence, and submits."""
    for stage in [s for s in ROADMAP.stages if s.kind == "dimension"]:
        base = f"/api/v1/partnerships/{journey.pid}/stages/{stage.key}"
        for key in COUNCILS:
            for statement in stage.statements:
                _ok(
                    client.put(
                        f"{base}/answers/{statement.key}",
                        headers=journey.auth(f"{key}.officer"),
                        json={"value": {"score": 3, "evidence": "Minutes"}, "version": 0},
                    )
                )
            _ok(client.post(f"{base}/scores/submit", headers=journey.auth(f"{key}.officer")))


def collect_and_export(client: TestClient, journey: Journey) -> None:
    base = f"/api/v1/partnerships/{journey.pid}"
    _ok(client.post(f"{base}/readiness/snapshots", headers=journey.auth("north.lead")))
    exported = client.get(f"{base}/agreement.json", headers=journey.auth("north.lead"))
    assert exported.status_code == 200, exported.text


def run(client: TestClient, db: Session) -> Journey:
    """The whole journey; returns it for the caller to count what was sent."""
    journey = start_and_invite(client, db)
    agree_funding(client, journey)
    agree_stages(client, journey)
    score_readiness(client, journey)
    collect_and_export(client, journey)
    return journey
