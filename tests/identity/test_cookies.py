"""Cookie names: `__Host-` in production, plain over http in development (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.settings import Environment
from app.main import create_app
from tests.conftest import empty_tables, make_settings
from tests.factories import PASSWORD, make_user, post_form, sign_in

EMAIL = "ada@northdale.example.org"


@pytest.fixture
def production_app(database_url: str) -> Iterator[FastAPI]:
    settings = make_settings(
        database_url, environment=Environment.PRODUCTION, base_url="https://testserver"
    )
    app = create_app(settings)
    yield app
    empty_tables(app.state.engine)
    app.state.engine.dispose()


def _set_cookies(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


def test_production_cookies_are_host_prefixed_secure_and_work(production_app: FastAPI) -> None:
    with Session(production_app.state.engine) as db:
        make_user(db, email=EMAIL, organisation="Northdale District Council")
        db.commit()
    with TestClient(production_app, base_url="https://testserver") as client:
        first = client.get("/sign-in")
        assert set(_set_cookies(first)) == {"__Host-roadmap_csrf"}
        refused = post_form(client, "/sign-in", {"email": EMAIL, "password": ""})
        assert refused.status_code == 400  # the CSRF check passed on the prefixed cookie
        sign_in(client, EMAIL)
        assert {"__Host-roadmap_session", "__Host-roadmap_csrf", "__Host-roadmap_device"} <= set(
            client.cookies.keys()
        )
        assert client.get("/account").status_code == 200  # the session is read by its new name
        out = post_form(client, "/sign-out", {})
        assert out.status_code == 303  # the CSRF check reads the prefixed cookie too
        cleared = _set_cookies(out)
        for name in ("__Host-roadmap_session", "__Host-roadmap_csrf"):
            assert "Secure" in cleared[name] and "Path=/" in cleared[name]
            assert "Domain" not in cleared[name]


def test_production_sign_in_sets_only_cookies_a_browser_accepts_as_host_cookies(
    production_app: FastAPI,
) -> None:
    with Session(production_app.state.engine) as db:
        make_user(db, email=EMAIL, organisation="Northdale District Council")
        db.commit()
    with TestClient(production_app, base_url="https://testserver") as client:
        client.get("/sign-in")
        response = post_form(client, "/sign-in", {"email": EMAIL, "password": PASSWORD})
        assert response.status_code == 303
        cookies = _set_cookies(response)
        assert set(cookies) == {
            "__Host-roadmap_session",
            "__Host-roadmap_csrf",
            "__Host-roadmap_device",
        }
        for header in cookies.values():
            assert "Secure" in header and "Path=/" in header and "HttpOnly" in header
            assert "Domain" not in header


def test_development_keeps_plain_names(client: TestClient, db: Session) -> None:
    make_user(db, email=EMAIL, organisation="Northdale District Council")
    db.commit()
    sign_in(client, EMAIL)
    assert {"roadmap_session", "roadmap_csrf", "roadmap_device"} <= set(client.cookies.keys())
    assert not any(name.startswith("__Host-") for name in client.cookies)
