"""Signing in and out through the pages: sessions, time-outs, throttling, no enumeration."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.core.database import utcnow
from app.core.security import SESSION_COOKIE
from app.identity.models import UserSession
from tests.factories import PASSWORD, make_user, page_csrf, post_form, sign_in
from tests.pages import check_page

EMAIL = "ada@northdale.example.org"


@pytest.fixture
def ada(db: Session) -> str:
    make_user(db, email=EMAIL, organisation="Northdale District Council", name="Ada")
    db.commit()
    return EMAIL


def _attempt(client: TestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/sign-in", {"email": email, "password": password})


def test_sign_in_starts_a_server_side_session(client: TestClient, ada: str, db: Session) -> None:
    response = _attempt(client, ada, PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/partnerships"
    cookie = next(c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert db.exec(select(func.count()).select_from(UserSession)).one() == 1
    page = check_page(client.get("/account"))
    assert "Northdale District Council" in page.get_text()


def test_wrong_password_and_unknown_email_get_the_same_answer(client: TestClient, ada: str) -> None:
    wrong = _attempt(client, ada, "not the password at all")
    unknown = _attempt(client, "nobody@northdale.example.org", "not the password at all")
    for response in (wrong, unknown):
        soup = check_page(response, status=400)
        summary = soup.find(class_="govuk-error-summary")
        assert summary is not None
        assert "Enter a correct email address and password" in summary.get_text()
        assert summary.find("a", href="#email")


def test_the_session_id_changes_at_every_sign_in(client: TestClient, ada: str) -> None:
    sign_in(client, ada)
    first = client.cookies.get(SESSION_COOKIE)
    sign_in(client, ada)
    assert client.cookies.get(SESSION_COOKIE) != first


def test_sign_out_ends_the_session_at_once(app: FastAPI, client: TestClient, ada: str) -> None:
    sign_in(client, ada)
    stolen = client.cookies.get(SESSION_COOKIE)
    assert post_form(client, "/sign-out", {}).headers["location"] == "/signed-out"
    with TestClient(app) as thief:
        thief.cookies.set(SESSION_COOKIE, stolen)  # type: ignore[arg-type]
        assert thief.get("/account", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("field", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
)
def test_idle_and_absolute_time_outs(
    client: TestClient, ada: str, db: Session, field: str, age: timedelta
) -> None:
    sign_in(client, ada)
    assert client.get("/account", follow_redirects=False).status_code == 200
    session = db.exec(select(UserSession)).one()
    setattr(session, field, utcnow() - age)
    if field == "created_at":
        session.last_seen_at = utcnow()
    db.commit()
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=%2Faccount"


def test_a_forged_cookie_is_ignored(client: TestClient, ada: str) -> None:
    client.cookies.set(SESSION_COOKIE, "forged.value")
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_disabling_an_account_ends_its_sessions(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    admin = make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    user_id = make_user(db, email=EMAIL, organisation="Northdale District Council").id
    db.commit()
    sign_in(client, EMAIL)
    with TestClient(app) as admin_browser:
        sign_in(admin_browser, admin.email)
        token = page_csrf(admin_browser)
        disabled = admin_browser.post(
            f"/api/v1/admin/users/{user_id}/disable", headers={"X-CSRF-Token": token}
        )
        assert disabled.status_code == 204
    assert client.get("/account", follow_redirects=False).status_code == 303
    assert _attempt(client, EMAIL, PASSWORD).status_code == 400


def test_only_site_administrators_disable_accounts(client: TestClient, ada: str) -> None:
    sign_in(client, ada)
    response = client.post(
        "/api/v1/admin/users/whoever/disable", headers={"X-CSRF-Token": page_csrf(client)}
    )
    assert response.status_code == 403


def test_sign_in_page_sends_signed_in_people_on(client: TestClient, ada: str) -> None:
    sign_in(client, ada)
    response = client.get("/sign-in?next=/account", follow_redirects=False)
    assert response.headers["location"] == "/account"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_no_open_redirect_after_sign_in(client: TestClient, ada: str, target: str) -> None:
    token = page_csrf(client, "/sign-in")
    response = client.post(
        "/sign-in",
        data={"email": ada, "password": PASSWORD, "next": target, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/partnerships"
