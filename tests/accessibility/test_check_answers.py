"""Check your answers leads on (issue 14, point 1): a back link to the stage, then "Continue to
sign-off" for a signatory or "Back to the roadmap" for everyone else."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_world, sign_in
from tests.pages import check_page


def test_check_your_answers_leads_on(client: TestClient, db: Session) -> None:
    world = make_world(db)
    base = f"/partnerships/{world.partnership.id}"
    check = f"{base}/stages/governance/check"
    for who, onward, href in (
        ("officer", "Back to the roadmap", f"{base}/roadmap"),
        ("signatory", "Continue to sign-off", f"{base}/stages/governance/sign"),
    ):
        client.cookies.clear()
        sign_in(client, world.users[who].email)
        soup = check_page(client.get(check))
        back = soup.select_one("a.govuk-back-link")
        assert back is not None and back["href"] == f"{base}/stages/governance", who
        links = {a.get_text(strip=True): a["href"] for a in soup.select("main a")}
        assert links.get(onward) == href, (who, links)
