"""Personal access tokens: shown once, stored hashed, read or read-write, expiring, revocable."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.identity.models import ApiToken
from tests.factories import make_world, post_form, sign_in
from tests.pages import check_page


def test_tokens_through_the_api(client: TestClient, db: Session) -> None:
    world = make_world(db)
    auth = world.auth("officer")
    created = client.post(
        "/api/v1/me/tokens",
        headers=auth,
        json={"name": "DMS", "can_write": False, "expires_in_days": 30},
    )
    assert created.status_code == 201
    token = created.json()["token"]
    db.rollback()
    stored = db.exec(select(ApiToken).where(ApiToken.name == "DMS")).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    mine = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=mine).status_code == 200
    assert (
        client.post(
            "/api/v1/partnerships", headers=mine, json={"name": "x", "service": "y"}
        ).status_code
        == 403
    )  # read only
    listed = client.get("/api/v1/me/tokens", headers=auth).json()
    assert [t["name"] for t in listed] == ["DMS"] and "token" not in listed[0]
    assert (
        client.delete(
            f"/api/v1/me/tokens/{listed[0]['id']}", headers=world.auth("viewer")
        ).status_code
        == 404
    )  # not theirs
    assert client.delete(f"/api/v1/me/tokens/{listed[0]['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=mine).status_code == 401
    too_long = client.post(
        "/api/v1/me/tokens", headers=auth, json={"name": "x", "expires_in_days": 400}
    )
    assert too_long.status_code == 422


def test_tokens_on_the_account_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    check_page(
        post_form(client, "/account/tokens", {"name": " ", "expires_in_days": "30"}), status=400
    )
    shown = check_page(
        post_form(
            client,
            "/account/tokens",
            {"name": "Dashboard", "access": "write", "expires_in_days": "30"},
        )
    )
    token = shown.find("code", class_="app-token").get_text()  # type: ignore[union-attr]
    assert re.fullmatch(r"[\w-]{40,}", token)
    account = check_page(client.get("/account"))
    assert "Dashboard" in account.get_text() and token not in account.text
    assert (
        client.post(
            "/api/v1/partnerships",
            headers={"Authorization": f"Bearer {token}"},
            json={"name": "Shared HR", "service": "HR"},
        ).status_code
        == 201
    )


def test_api_writes_are_throttled_per_token(app: object, client: TestClient, db: Session) -> None:
    world = make_world(db)
    app.state.settings.api_writes_per_minute = 3  # type: ignore[attr-defined]
    try:
        for n in range(3):
            assert (
                client.post(
                    "/api/v1/partnerships",
                    headers=world.auth("lead"),
                    json={"name": f"P{n}", "service": "S"},
                ).status_code
                == 201
            )
        blocked = client.post(
            "/api/v1/partnerships", headers=world.auth("lead"), json={"name": "P4", "service": "S"}
        )
        assert blocked.status_code == 429
        assert 0 < int(blocked.headers["retry-after"]) <= 61
        assert client.get("/api/v1/partnerships", headers=world.auth("lead")).status_code == 200
        other = client.post(
            "/api/v1/partnerships",
            headers=world.auth("officer"),
            json={"name": "Q", "service": "S"},
        )
        assert other.status_code == 201  # per token
    finally:
        app.state.settings.api_writes_per_minute = 120  # type: ignore[attr-defined]
