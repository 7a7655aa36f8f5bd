"""The identity API: tokens, /me, passwords; never a hint whether an email has an account."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.database import utcnow
from app.identity.flows import PAIR_FREE_FAILURES
from app.identity.models import ApiToken
from app.mail.models import OutboxMessage
from tests.factories import PASSWORD, mail_text, make_token, make_user, make_world


def _token(client: TestClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_token_then_me(client: TestClient, db: Session) -> None:
    world = make_world(db)
    response = _token(client, "lead@northdale.example.org")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_at"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    data = me.json()
    assert data["organisation"]["name"] == "Northdale District Council"
    [membership] = data["partnerships"]
    assert membership["partnership_id"] == world.partnership.id
    assert set(membership["roles"]) == {"lead"}
    assert "password_hash" not in me.text


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, db: Session) -> None:
    make_world(db)
    wrong = _token(client, "lead@northdale.example.org", "wrong password entirely")
    unknown = _token(client, "nobody@northdale.example.org", "wrong password entirely")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.headers["content-type"] == "application/problem+json"


def test_token_attempts_are_throttled(client: TestClient, db: Session) -> None:
    make_world(db)
    for _ in range(PAIR_FREE_FAILURES):
        _token(client, "lead@northdale.example.org", "wrong password entirely")
    blocked = _token(client, "lead@northdale.example.org")
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_no_token_or_a_bad_one_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"


def test_tokens_are_never_taken_from_the_query_string(client: TestClient, db: Session) -> None:
    world = make_world(db)
    token = world.tokens["lead"]
    for name in ("access_token", "token", "bearer"):
        assert client.get(f"/api/v1/me?{name}={token}").status_code == 401


def test_expired_and_revoked_tokens_stop_working(client: TestClient, db: Session) -> None:
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    token = make_token(db, user)
    db.commit()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    assert client.get("/api/v1/me", headers=auth).status_code == 401
    second = make_token(db, user)
    row = db.exec(select(ApiToken).where(ApiToken.revoked_at == None)).one()  # noqa: E711
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 401
    )


def test_read_only_tokens_cannot_write(client: TestClient, db: Session) -> None:
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    token = make_token(db, user, can_write=False)
    db.commit()
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).status_code == 200
    assert (
        client.post(
            "/api/v1/partnerships", json={"name": "P", "service": "S"}, headers=auth
        ).status_code
        == 403
    )


def test_password_reset_by_api_works_once(client: TestClient, db: Session) -> None:
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    known = client.post("/api/v1/auth/password-reset", json={"email": "ada@example.org"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "no@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    [mail] = db.exec(select(OutboxMessage)).all()
    assert mail.to == "ada@example.org" and mail.subject == "Reset your password"
    token = mail_text(mail).split("token=")[1].split()[0]
    weak = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": "password"}
    )
    assert weak.status_code == 422
    new = "a brand new long passphrase"
    ok = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": new}
    )
    assert ok.status_code == 204
    again = client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "another long passphrase"},
    )
    assert again.status_code == 404  # the link is gone: used
    assert _token(client, "ada@example.org", new).status_code == 200


def test_a_nul_character_in_json_is_not_a_server_error(client: TestClient, db: Session) -> None:
    # Found by schemathesis: PostgreSQL cannot store NUL, and the lookup used to be a 500.
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    response = client.post("/api/v1/auth/password-reset", json={"email": "ada\u0000@example.org"})
    assert response.status_code == 202


def test_change_password_by_api(client: TestClient, db: Session) -> None:
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    token = make_token(db, user)
    db.commit()
    auth = {"Authorization": f"Bearer {token}"}
    wrong = client.post(
        "/api/v1/me/password",
        headers=auth,
        json={"current_password": "nope nope nope", "new_password": "x" * 20},
    )
    assert wrong.status_code == 403 and wrong.json()["errors"][0]["field"] == "current_password"
    ok = client.post(
        "/api/v1/me/password",
        headers=auth,
        json={"current_password": PASSWORD, "new_password": "x" * 20},
    )
    assert ok.status_code == 204
    assert _token(client, "ada@example.org", "x" * 20).status_code == 200


def test_me_pages_its_memberships(client: TestClient, db: Session) -> None:
    world = make_world(db)
    auth = world.auth("lead")
    for n in range(2):
        created = client.post(
            "/api/v1/partnerships",
            headers=auth,
            json={"name": f"Shared service {n}", "service": "Revenues", "description": "x"},
        )
        assert created.status_code == 201, created.text
    first = client.get("/api/v1/me", params={"limit": 2}, headers=auth)
    assert first.status_code == 200
    assert len(first.json()["partnerships"]) == 2
    cursor = first.headers["x-next-cursor"]
    assert 'rel="next"' in first.headers["link"]
    rest = client.get("/api/v1/me", params={"limit": 2, "cursor": cursor}, headers=auth)
    assert len(rest.json()["partnerships"]) == 1
    assert "x-next-cursor" not in rest.headers
    assert rest.json()["email"] == first.json()["email"]
    seen = {m["partnership_id"] for m in first.json()["partnerships"] + rest.json()["partnerships"]}
    assert len(seen) == 3
    assert client.get("/api/v1/me", params={"limit": 1000}, headers=auth).status_code == 422
