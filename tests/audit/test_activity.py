"""The activity page and the audit API name each person with their organisation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_world, post_form, sign_in
from tests.pages import check_page


def test_who_did_what_names_the_person_and_their_council(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    done = post_form(
        client, f"/partners/{world.other_partner.id}/withdraw", {"reason": "Joining another"}
    )
    assert done.status_code == 303
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/activity"))
    row = next(r for r in page.select("tbody tr") if "Joining another" in r.get_text())
    lead = world.users["lead"].name
    assert row.find_all("td")[1].get_text(strip=True) == f"{lead} (Northdale District Council)"
    items = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/audit", headers=world.auth("viewer")
    ).json()["items"]
    withdrawn = next(i for i in items if i["action"] == "partner.withdrawn")
    assert (withdrawn["actor_name"], withdrawn["actor_organisation"]) == (
        lead,
        "Northdale District Council",
    )


def test_an_older_page_beyond_any_position_is_not_found_not_an_error(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["lead"].email)
    page = client.get(f"/partnerships/{world.partnership.id}/activity?before=9417675723")
    check_page(page, 404)
