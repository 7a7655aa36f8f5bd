"""The audit trail through the API: newest first, a page at a time, to members only."""

from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from tests.factories import make_world


def test_pages_follow_the_chain_back_to_its_first_event(client: TestClient, db: Session) -> None:
    world = make_world(db)
    pid = world.partnership.id
    for n in range(4):
        risk = {"title": f"Risk {n}", "description": "Could happen", "likelihood": 2, "impact": 3}
        made = client.post(
            f"/api/v1/partnerships/{pid}/risks", headers=world.auth("lead"), json=risk
        )
        assert made.status_code == 201
    total = db.exec(select(func.count()).where(col(AuditEvent.chain) == pid)).one()
    assert total == 5  # started, then four risks
    url = f"/api/v1/partnerships/{pid}/audit?limit=2"
    positions: list[int] = []
    while url:
        page = client.get(url, headers=world.auth("viewer"))
        assert page.status_code == 200
        body = page.json()
        assert len(body["items"]) <= 2
        positions += [item["position"] for item in body["items"]]
        cursor = body["next_cursor"]
        url = f"/api/v1/partnerships/{pid}/audit?limit=2&cursor={cursor}" if cursor else ""
    assert positions == list(range(total, 0, -1))


def test_a_cursor_is_a_position_and_outsiders_see_nothing(client: TestClient, db: Session) -> None:
    world = make_world(db)
    base = f"/api/v1/partnerships/{world.partnership.id}/audit"
    bad = client.get(f"{base}?cursor=abc", headers=world.auth("lead"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
    assert client.get(base, headers=world.auth("outsider")).status_code == 404


def test_a_cursor_beyond_any_position_is_invalid_not_an_error(
    client: TestClient, db: Session
) -> None:
    """Issue 13: 9417675723 does not fit the position column, and was a 500 on PostgreSQL."""
    world = make_world(db)
    pid = world.partnership.id
    for cursor in ("9417675723", "2147483648", "0", "-1"):
        api = client.get(
            f"/api/v1/partnerships/{pid}/audit?cursor={cursor}", headers=world.auth("lead")
        )
        assert api.status_code == 422, (cursor, api.text)
        assert api.json()["errors"][0]["field"] == "cursor"
    largest = client.get(
        f"/api/v1/partnerships/{pid}/audit?cursor=2147483647", headers=world.auth("lead")
    )
    assert largest.status_code == 200 and largest.json()["items"]
