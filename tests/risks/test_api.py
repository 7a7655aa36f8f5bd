"""The risk register through the API: who may do what, stale versions, common risks."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.factories import World

NEW_RISK = {
    "title": "Identity management left until the end",
    "description": "Staff cannot sign in to the shared system on day one.",
    "likelihood": 4,
    "impact": 5,
    "stage_key": "identity-management",
    "review_date": "2027-03-31",
}


def _create(client: TestClient, world: World, who: str = "officer", **body: Any) -> Any:
    return client.post(
        f"/api/v1/partnerships/{world.partnership.id}/risks",
        headers=world.auth(who),
        json=NEW_RISK | body,
    )


def test_create_list_change_and_delete(client: TestClient, world: World) -> None:
    created = _create(client, world, owner_partner_id=world.other_partner.id)
    assert created.status_code == 201, created.text
    risk = created.json()
    assert (risk["score"], risk["high"], risk["status"], risk["version"]) == (20, True, "open", 1)
    assert risk["review_date"] == "2027-03-31"
    _create(client, world, title="Low one", likelihood=1, impact=2)

    listed = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/risks", headers=world.auth("viewer")
    )
    assert listed.status_code == 200
    assert [(r["title"], r["score"]) for r in listed.json()] == [
        (NEW_RISK["title"], 20),
        ("Low one", 2),
    ]

    changed = client.patch(
        f"/api/v1/risks/{risk['id']}",
        headers=world.auth("other_officer"),
        json={"version": 1, "mitigation": "Design federation first.", "stage_key": None},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["version"], body["stage_key"], body["title"]) == (2, None, NEW_RISK["title"])
    assert body["mitigation"] == "Design federation first."
    assert body["updated_by"] == world.users["other_officer"].id

    one = client.get(f"/api/v1/risks/{risk['id']}", headers=world.auth("viewer"))
    assert one.json() == body

    refused = client.delete(f"/api/v1/risks/{risk['id']}", headers=world.auth("officer"))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    deleted = client.delete(f"/api/v1/risks/{risk['id']}", headers=world.auth("lead"))
    assert deleted.status_code == 204
    gone = client.get(f"/api/v1/risks/{risk['id']}", headers=world.auth("lead"))
    assert gone.status_code == 404


def test_a_stale_version_gets_409_with_the_current_risk(client: TestClient, world: World) -> None:
    rid = _create(client, world).json()["id"]
    first = client.patch(
        f"/api/v1/risks/{rid}", headers=world.auth("officer"), json={"version": 1, "impact": 3}
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/risks/{rid}",
        headers=world.auth("other_officer"),
        json={"version": 1, "status": "closed"},
    )
    assert second.status_code == 409
    assert second.headers["content-type"] == "application/problem+json"
    problem = second.json()
    assert (problem["status"], problem["title"]) == (409, "Conflict")
    assert (problem["current"]["version"], problem["current"]["impact"]) == (2, 3)
    assert problem["current"]["status"] == "open"  # the stale change was not applied


def test_a_viewer_reads_but_does_not_write(client: TestClient, world: World) -> None:
    rid = _create(client, world).json()["id"]
    assert _create(client, world, who="viewer").status_code == 403
    patched = client.patch(
        f"/api/v1/risks/{rid}", headers=world.auth("viewer"), json={"version": 1, "impact": 1}
    )
    assert patched.status_code == 403
    assert client.get(f"/api/v1/risks/{rid}", headers=world.auth("viewer")).status_code == 200


def test_an_outsider_is_told_nothing(client: TestClient, world: World) -> None:
    rid = _create(client, world).json()["id"]
    pid = world.partnership.id
    for method, url, body in (
        ("GET", f"/api/v1/partnerships/{pid}/risks", None),
        ("POST", f"/api/v1/partnerships/{pid}/risks", NEW_RISK),
        ("GET", f"/api/v1/risks/{rid}", None),
        ("PATCH", f"/api/v1/risks/{rid}", {"version": 1, "impact": 1}),
        ("DELETE", f"/api/v1/risks/{rid}", None),
        ("GET", "/api/v1/risks/no-such-risk", None),
    ):
        response = client.request(method, url, headers=world.auth("outsider"), json=body)
        assert response.status_code == 404, (method, url)
        assert NEW_RISK["title"] not in response.text


def test_invalid_input_names_the_field(client: TestClient, world: World) -> None:
    blank = _create(client, world, title="   ")
    assert blank.status_code == 422
    assert blank.json()["errors"] == [
        {"field": "title", "message": "Enter some text: this cannot be blank"}
    ]
    out_of_scale = _create(client, world, likelihood=6)
    assert out_of_scale.status_code == 422
    assert out_of_scale.json()["errors"][0]["field"] == "likelihood"
    unknown_stage = _create(client, world, stage_key="no-such-stage")
    assert unknown_stage.json()["errors"][0]["field"] == "stage_key"
    rid = _create(client, world).json()["id"]
    null_title = client.patch(
        f"/api/v1/risks/{rid}", headers=world.auth("officer"), json={"version": 1, "title": None}
    )
    assert null_title.status_code == 422
    no_version = client.patch(
        f"/api/v1/risks/{rid}", headers=world.auth("officer"), json={"impact": 1}
    )
    assert no_version.status_code == 422
    assert no_version.json()["errors"][0]["field"] == "version"


def test_the_lead_adopts_a_common_risk_once(client: TestClient, world: World, db: Session) -> None:
    url = f"/api/v1/partnerships/{world.partnership.id}/risks/adopt"
    body = {"common_key": "funding-formula-not-agreed"}
    assert client.post(url, headers=world.auth("officer"), json=body).status_code == 403
    adopted = client.post(url, headers=world.auth("lead"), json=body)
    assert adopted.status_code == 201
    risk = adopted.json()
    assert (risk["common_key"], risk["stage_key"], risk["score"]) == (
        "funding-formula-not-agreed",
        "day1-funding",
        20,
    )
    again = client.post(url, headers=world.auth("lead"), json=body)
    assert again.status_code == 409
    assert "already in the register" in again.json()["detail"]
    unknown = client.post(url, headers=world.auth("lead"), json={"common_key": "nope"})
    assert unknown.status_code == 422

    common = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/risks/common", headers=world.auth("viewer")
    ).json()
    adopted_keys = [c["key"] for c in common if c["adopted"]]
    assert adopted_keys == ["funding-formula-not-agreed"]
    db.rollback()  # see what the requests committed
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == risk["id"])).all()
    assert actions == ["risk.created"]


def test_the_heat_map(client: TestClient, world: World) -> None:
    _create(client, world, likelihood=4, impact=5)
    _create(client, world, likelihood=4, impact=5)
    _create(client, world, likelihood=2, impact=2, status="closed")
    cells = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/risks/heat-map",
        headers=world.auth("viewer"),
    ).json()
    assert len(cells) == 25
    counted = {(c["likelihood"], c["impact"]): c["count"] for c in cells if c["count"]}
    assert counted == {(4, 5): 2}
    top_right = next(c for c in cells if (c["likelihood"], c["impact"]) == (5, 5))
    assert (top_right["score"], top_right["band"]) == (25, "high")


def test_every_route_is_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in (
        ("/api/v1/partnerships/{pid}/risks", "get"),
        ("/api/v1/partnerships/{pid}/risks", "post"),
        ("/api/v1/partnerships/{pid}/risks/adopt", "post"),
        ("/api/v1/risks/{rid}", "patch"),
        ("/api/v1/risks/{rid}", "delete"),
    ):
        operation = paths[path][method]
        assert operation["summary"]
        assert {"401", "404"} <= set(operation["responses"])
    assert "409" in paths["/api/v1/risks/{rid}"]["patch"]["responses"]
