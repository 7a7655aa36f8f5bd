"""Lists are paginated with a limit and a cursor; the next page is named in the headers."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.partnerships.service import start_partnership
from tests.factories import TEST_ACTOR, make_world


def test_partnerships_page_by_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    for n in range(4):
        start_partnership(
            db,
            TEST_ACTOR,
            creator=world.users["lead"],
            name=f"Extra {n}",
            service="ICT",
            description="",
            roadmap_version="2026.1",
        )
    db.commit()
    auth = world.auth("lead")
    seen: list[str] = []
    url = "/api/v1/partnerships?limit=2"
    while True:
        response = client.get(url, headers=auth)
        assert response.status_code == 200
        seen += [p["id"] for p in response.json()]
        cursor = response.headers.get("x-next-cursor")
        if cursor is None:
            assert "link" not in response.headers
            break
        assert 'rel="next"' in response.headers["link"]
        url = f"/api/v1/partnerships?limit=2&cursor={cursor}"
    everything = client.get("/api/v1/partnerships", headers=auth).json()
    assert seen == [p["id"] for p in everything] and len(seen) == 5
    unknown = client.get("/api/v1/partnerships?cursor=nonsense", headers=auth)
    assert unknown.status_code == 200 and unknown.json() == []  # the end of the list
    assert client.get("/api/v1/partnerships?limit=0", headers=auth).status_code == 422


def test_risks_and_answer_history_are_paginated(client: TestClient, db: Session) -> None:
    world = make_world(db)
    pid = world.partnership.id
    for n in range(3):
        created = client.post(
            f"/api/v1/partnerships/{pid}/risks",
            headers=world.auth("officer"),
            json={"title": f"Risk {n}", "description": "d", "likelihood": 2, "impact": 2},
        )
        assert created.status_code == 201, created.text
    first = client.get(f"/api/v1/partnerships/{pid}/risks?limit=2", headers=world.auth("viewer"))
    assert len(first.json()) == 2 and first.headers["x-next-cursor"]
    url = f"/api/v1/partnerships/{pid}/stages/business-scope/answers/business-need"
    for version in range(3):
        client.put(
            url, headers=world.auth("officer"), json={"value": f"v{version}", "version": version}
        )
    history = client.get(f"{url}/history?limit=2", headers=world.auth("viewer"))
    assert [h["version"] for h in history.json()] == [3, 2]
    rest = client.get(
        f"{url}/history?limit=2&cursor={history.headers['x-next-cursor']}",
        headers=world.auth("viewer"),
    )
    assert [h["version"] for h in rest.json()] == [1] and "x-next-cursor" not in rest.headers
