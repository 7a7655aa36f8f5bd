"""Signing tells the truth before asking for a password (issue 14, point 3): the stage's sign
page lists the unanswered required questions, each linked to its question, and offers no
password field until they are answered; a refusal that is not about the password is never
shown as a password error."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import PASSWORD, fill_stage, make_world, post_form, sign_in
from tests.pages import check_page


def test_unanswered_questions_are_listed_before_any_password(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    stage = client.app.state.roadmap.stage("governance")  # type: ignore[attr-defined]
    required = [q for q in stage.questions if q.required]
    base = f"/partnerships/{world.partnership.id}/stages/governance"
    sign_in(client, world.users["signatory"].email)

    soup = check_page(client.get(f"{base}/sign"))
    listed = soup.select("#unanswered li a")
    assert [a.get_text(strip=True) for a in listed] == [q.label for q in required]
    assert [a["href"] for a in listed] == [f"{base}#item-{q.key}" for q in required]
    assert soup.select_one('input[type="password"]') is None  # nothing to type in vain
    shown = soup.select_one("code.app-hash")
    assert shown is not None

    # A stale page posted anyway: refused at the top, not under a password field.
    refused = post_form(
        client, f"{base}/sign", {"password": PASSWORD, "content_hash": shown.get_text(strip=True)}
    )
    soup = check_page(refused, status=400)
    assert [a["href"] for a in soup.select(".govuk-error-summary a")] == ["#sign"]
    assert soup.select_one("#password-error") is None

    fill_stage(client, world, stage)
    soup = check_page(client.get(f"{base}/sign"))
    assert soup.select_one("#unanswered") is None
    assert soup.select_one('input[type="password"]') is not None
