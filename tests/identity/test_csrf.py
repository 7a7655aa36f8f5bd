"""One global CSRF check: forms and htmx carry the token; bearer-token API calls need none."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import PASSWORD, make_token, make_user, page_csrf, sign_in
from tests.pages import check_page


def test_a_form_without_the_token_is_refused_with_a_page(client: TestClient) -> None:
    client.get("/sign-in")  # the browser has its CSRF cookie, but the form lacks the token
    response = client.post("/sign-in", data={"email": "a@b.org", "password": "x"})
    soup = check_page(response, status=403)
    assert soup.h1.get_text(strip=True) == "You cannot do this"  # type: ignore[union-attr]


def test_a_token_from_another_browser_is_refused(app: object, client: TestClient) -> None:
    other = TestClient(app)  # type: ignore[arg-type]
    foreign = page_csrf(other)
    client.get("/")
    response = client.post(
        "/sign-in", data={"email": "a@b.org", "password": "x", "csrf_token": foreign}
    )
    assert response.status_code == 403


def test_htmx_sends_the_token_in_a_header(client: TestClient, db: Session) -> None:
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    sign_in(client, "ada@example.org")
    body = {"name": "P", "service": "S", "description": ""}
    assert client.post("/api/v1/partnerships", json=body).status_code == 403
    ok = client.post("/api/v1/partnerships", json=body, headers={"X-CSRF-Token": page_csrf(client)})
    assert ok.status_code == 201


def test_bearer_token_calls_need_no_csrf_token(client: TestClient, db: Session) -> None:
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    token = make_token(db, user)
    db.commit()
    response = client.post(
        "/api/v1/partnerships",
        json={"name": "P", "service": "S"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201


def test_every_page_form_carries_the_token(client: TestClient, db: Session) -> None:
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    sign_in(client, "ada@example.org", PASSWORD)
    for path in ("/sign-in", "/forgot-password", "/account/password", "/partnerships/new"):
        soup = check_page(client.get(path))
        for form in soup.find_all("form", method="post"):
            assert form.find("input", attrs={"name": "csrf_token"}), f"{path}: {form.get('action')}"
