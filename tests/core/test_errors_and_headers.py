"""Errors in the right shape for each caller, never a stack trace; security headers everywhere."""

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_world, sign_in
from tests.pages import check_page


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_api_path_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404
    assert body["title"] == "Not Found"
    assert {"type", "title", "status", "detail"} <= body.keys()


def test_unknown_page_is_a_page_in_the_service_look(client: TestClient) -> None:
    soup = check_page(client.get("/no-such-page"), status=404)
    assert soup.h1 is not None
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert soup.find("a", class_="govuk-skip-link") is not None


def _failing_app(app: FastAPI) -> None:
    router = APIRouter()

    @router.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: /etc/passwd")

    @router.get("/api/v1/boom")
    def api_boom() -> None:
        raise RuntimeError("secret internals: /etc/passwd")

    @router.get("/api/v1/needs-int/{n}")
    def needs_int(n: int) -> dict[str, int]:
        return {"n": n}

    app.include_router(router)


def test_a_crash_shows_the_500_page_and_no_stack_trace(app: FastAPI, client: TestClient) -> None:
    _failing_app(app)
    page = client.get("/boom")
    soup = check_page(page, status=500)
    assert "Sorry, there is a problem with the service" in soup.h1.get_text()  # type: ignore[union-attr]
    assert "secret internals" not in page.text
    assert "Traceback" not in page.text
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in api.text


def test_validation_errors_list_fields(app: FastAPI, client: TestClient) -> None:
    _failing_app(app)
    response = client.get("/api/v1/needs-int/abc")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"field": "n", "message": body["errors"][0]["message"]}]


def test_forbidden_page(app: FastAPI, client: TestClient) -> None:
    from fastapi import HTTPException

    router = APIRouter()

    @router.get("/forbidden")
    def forbidden() -> None:
        raise HTTPException(403)

    app.include_router(router)
    soup = check_page(client.get("/forbidden"), status=403)
    assert soup.h1.get_text(strip=True) == "You cannot do this"  # type: ignore[union-attr]


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/", "/healthz", "/api/v1/nothing", "/static/app.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in headers  # only in production
        assert headers["x-request-id"]


def test_html_routes_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/roadmap" in paths
    assert "/healthz" in paths
    assert not [p for p in paths if p in {"/", "/roadmap", "/docs", "/accessibility"}]
    assert all(p.startswith("/api/v1/") or p == "/healthz" for p in paths)


def test_api_docs_load_nothing_from_other_hosts(client: TestClient) -> None:
    page = client.get("/docs/explorer").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "https://" not in page


def test_production_adds_hsts_and_secure_cookies(database_url: str) -> None:
    from app.main import create_app
    from tests.conftest import make_settings

    app = create_app(
        make_settings(
            database_url, environment="production", base_url="https://roadmap.example.org"
        )
    )
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/")
        assert response.headers["strict-transport-security"].startswith("max-age=")
        cookie = response.headers["set-cookie"]
        assert "roadmap_csrf=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    app.state.engine.dispose()


def test_a_wrong_method_names_every_method_the_path_serves(client: TestClient) -> None:
    response = client.request("OPTIONS", "/api/v1/partnerships")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_malformed_json_is_a_documented_400(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token", content=b"\x05@", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert response.headers["content-type"] == "application/problem+json"
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/auth/token"]["post"]
    assert "400" in operation["responses"]


def test_nothing_personal_is_stored_by_a_cache(client: TestClient, db: Session) -> None:
    """Issue 13: signed-in pages, the API and downloads said nothing about caching."""
    world = make_world(db)
    pid = world.partnership.id
    api = [f"/api/v1/partnerships/{pid}", f"/api/v1/partnerships/{pid}/agreement.json"]
    for path in api:
        response = client.get(path, headers=world.auth("viewer"))
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    assert client.get("/api/v1/nothing").headers["cache-control"] == "no-store"
    sign_in(client, world.users["viewer"].email)
    for path in (f"/partnerships/{pid}", f"/partnerships/{pid}/agreement", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    # Public static assets are the same for everyone, and may be cached.
    assert "cache-control" not in client.get("/static/app.css").headers
