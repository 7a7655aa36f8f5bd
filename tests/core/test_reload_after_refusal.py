"""Post/redirect/get everywhere (issue 14, point 9): the address a refused form leaves in the
bar is one a browser can reload. A GET where only POST is served sends the person to the page
the form lives on, never to "Page not found"."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.main import all_routes
from tests.factories import make_world, post_form, sign_in
from tests.pages import check_page


def _post_only_pages() -> list[str]:
    routes = all_routes()
    served = {r.path for r in routes if "GET" in r.methods}
    return sorted(
        {
            r.path
            for r in routes
            if "POST" in r.methods and not r.path.startswith("/api/") and r.path not in served
        }
    )


def test_a_refused_funding_form_reloads_as_the_funding_page(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    url = f"/partnerships/{world.partnership.id}/funding"
    refused = post_form(client, f"{url}/proposal", {"method": "population", "one_off_cost": "x"})
    check_page(refused, status=400)
    reloaded = client.get(f"{url}/proposal", follow_redirects=False)
    assert reloaded.status_code == 303 and reloaded.headers["location"] == url
    check_page(client.get(f"{url}/proposal"))  # followed: the funding page itself


def test_every_form_address_leads_to_a_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    ids = {
        "pid": world.partnership.id,
        "stage": "governance",
        "key": "decision-body",
        "cid": "0" * 32,
        "sid": "0" * 32,
        "iid": "0" * 32,
        "token_id": "0" * 32,
    }
    paths = _post_only_pages()
    assert "/partnerships/{pid}/funding/proposal" in paths  # the walk covers the reported case
    for template in paths:
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, (template, response.status_code)
        target = response.headers["location"]
        assert target.startswith("/") and not target.startswith("//"), target
        assert path.startswith(target.rstrip("/")), (path, target)
        landed = client.get(target)
        # The page above an administrator's form is the administrator's own: a lead is shown
        # it is not theirs (access is checked on the page, not on the redirect).
        expected = 403 if target.startswith("/admin/") else 200
        assert landed.status_code == expected, (template, target, landed.status_code)


def test_the_api_still_answers_405_with_allow(client: TestClient) -> None:
    response = client.get("/api/v1/auth/token")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]
    assert response.headers["content-type"] == "application/problem+json"
