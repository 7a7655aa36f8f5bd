"""The events that should end credentials end them all, over HTTP (issue 13, point 2)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.mail.models import OutboxMessage
from tests.factories import PASSWORD, mail_text, make_token, make_user, post_form, sign_in

EMAIL = "ada@example.org"
NEW = "a brand new long passphrase"


@pytest.fixture
def other(app: FastAPI) -> Iterator[TestClient]:
    """A second browser."""
    with TestClient(app, raise_server_exceptions=False) as second:
        yield second


def _me(client: TestClient, token: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/me", headers=headers).status_code


def _api_token(client: TestClient, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"email": EMAIL, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _personal_token(client: TestClient, token: str) -> str:
    response = client.post(
        "/api/v1/me/tokens",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": "ci", "can_write": True, "expires_in_days": 30},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["token"])


def _reset_links(db: Session) -> list[str]:
    """Every reset token mailed to Ada, oldest first."""
    db.rollback()
    mails = db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.to == EMAIL)
        .order_by(col(OutboxMessage.created_at))
    ).all()
    return [mail_text(m).split("token=")[1].split()[0] for m in mails]


@pytest.fixture
def ada(db: Session) -> str:
    make_user(db, email=EMAIL, organisation="Northdale District Council")
    db.commit()
    return EMAIL


def test_a_password_change_on_the_page_ends_everything_but_this_session(
    client: TestClient, other: TestClient, app: FastAPI, ada: str
) -> None:
    sign_in(client, ada)
    sign_in(other, ada)
    with TestClient(app) as api:  # no cookies: an API client
        issued = _api_token(api)
        personal = _personal_token(api, issued)
    changed = post_form(
        client,
        "/account/password",
        {"current": PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert changed.status_code == 303, changed.text
    assert _me(client) == 200
    assert _me(other) == 401
    assert _me(other, issued) == 401
    assert _me(other, personal) == 401


def test_a_password_change_through_the_api_keeps_only_the_token_making_it(
    client: TestClient, other: TestClient, ada: str
) -> None:
    sign_in(other, ada)
    caller = _api_token(client)
    spare = _api_token(client)
    changed = client.post(
        "/api/v1/me/password",
        headers={"Authorization": f"Bearer {caller}"},
        json={"current_password": PASSWORD, "new_password": NEW},
    )
    assert changed.status_code == 204, changed.text
    assert _me(client, caller) == 200
    assert _me(client, spare) == 401
    assert _me(other) == 401


def test_a_reset_ends_every_session_and_token(
    client: TestClient, other: TestClient, db: Session, ada: str
) -> None:
    sign_in(other, ada)
    issued = _api_token(client)
    personal = _personal_token(client, issued)
    client.post("/api/v1/auth/password-reset", json={"email": ada})
    [token] = _reset_links(db)
    confirmed = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW}
    )
    assert confirmed.status_code == 204
    assert _me(other) == 401
    assert _me(client, issued) == 401
    assert _me(client, personal) == 401
    assert _api_token(client, NEW)


def test_a_newer_reset_link_voids_the_older_and_using_one_voids_the_rest(
    client: TestClient, db: Session, ada: str
) -> None:
    client.post("/api/v1/auth/password-reset", json={"email": ada})
    client.post("/api/v1/auth/password-reset", json={"email": ada})
    older, newer = _reset_links(db)
    assert client.get(f"/reset-password?token={older}").status_code == 400
    stale = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": older, "new_password": NEW}
    )
    assert stale.status_code == 404
    used = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": newer, "new_password": NEW}
    )
    assert used.status_code == 204
    again = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": newer, "new_password": "yet another long passphrase"},
    )
    assert again.status_code == 404


def test_disabling_an_account_ends_everything_and_enabling_revives_nothing(
    client: TestClient, other: TestClient, db: Session, ada: str
) -> None:
    admin = make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    admin_auth = {"Authorization": f"Bearer {make_token(db, admin)}"}
    db.commit()
    sign_in(other, ada)
    issued = _api_token(client)
    personal = _personal_token(client, issued)
    client.post("/api/v1/auth/password-reset", json={"email": ada})
    [link] = _reset_links(db)
    uid = other.get("/api/v1/me").json()["id"]
    assert client.post(f"/api/v1/admin/users/{uid}/disable", headers=admin_auth).status_code == 204
    assert _me(other) == _me(client, issued) == _me(client, personal) == 401
    assert client.post(f"/api/v1/admin/users/{uid}/enable", headers=admin_auth).status_code == 204
    assert _me(other) == _me(client, issued) == _me(client, personal) == 401
    reset = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": link, "new_password": NEW}
    )
    assert reset.status_code == 404
