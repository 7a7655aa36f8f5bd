"""What the pages show is in the API too: what-ifs, snapshots, notifications, the outbox."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.notify.service import send_digests
from tests.factories import answer_terms, make_token, make_user, sign_funding
from tests.factories import enter_populations as _inputs
from tests.factories import propose_funding as _propose
from tests.factories import three_councils as _three_councils


def test_funding_what_if_in_the_api(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    base = f"/api/v1/partnerships/{world.partnership.id}/funding/what-if"
    leave = f"{base}/leave/{world.other_partner.id}"
    early = client.get(leave, headers=world.auth("viewer"))
    assert early.json()["problems"] == ["There is no funding proposal yet"]
    _propose(client, world)
    _inputs(client, world)
    leaving = client.get(leave, headers=world.auth("viewer"))
    assert leaving.status_code == 200
    body = leaving.json()
    assert body["title"] == "If Eastbrook Borough Council left"
    assert [r["total"] for r in body["table"]["rows"]] == ["285714.29", "714285.71"]
    nobody = client.get(f"{base}/leave/{world.partnership.id}", headers=world.auth("viewer"))
    assert nobody.status_code == 404  # not a partner's id
    joining = client.get(
        f"{base}/join?name=Southvale&population=500000", headers=world.auth("viewer")
    ).json()
    assert joining["table"]["rows"][-1]["organisation"] == "Southvale"
    unnamed = client.get(f"{base}/join?name=%20", headers=world.auth("viewer"))
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "name"


def test_snapshots_notifications_and_outbox(client: TestClient, db: Session) -> None:
    world = _three_councils(db)
    pid = world.partnership.id
    assert (
        client.post(
            f"/api/v1/partnerships/{pid}/readiness/snapshots", headers=world.auth("lead")
        ).status_code
        == 201
    )
    [snapshot] = client.get(
        f"/api/v1/partnerships/{pid}/readiness/snapshots", headers=world.auth("viewer")
    ).json()
    assert snapshot["verdict"] == "not ready"
    answer_terms(client, world)
    client.put(
        f"/api/v1/partnerships/{pid}/funding",
        headers=world.auth("lead"),
        json={"method": "equal", "one_off_cost": "0", "annual_cost": "1", "years": 1},
    )
    signed = sign_funding(client, world, "other_ceo", "ceo")
    assert signed.status_code == 201, signed.text
    told = client.get("/api/v1/me/notifications", headers=world.auth("lead")).json()
    assert any("signed the funding formula" in n["message"] for n in told)
    admin = make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    token = make_token(db, admin)
    db.commit()
    assert client.get("/api/v1/admin/outbox", headers=world.auth("lead")).status_code == 403
    send_digests(client.app.state.engine, base_url="http://testserver")  # news waits for it
    mail = client.get("/api/v1/admin/outbox", headers={"Authorization": f"Bearer {token}"}).json()
    assert any(m["to"] == world.users["lead"].email for m in mail)
