"""The readiness page in a real browser: accessible, with its chart, and collecting works."""

from fastapi import FastAPI
from playwright.sync_api import Page, expect

from app.wizard.service import save_answer
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, app_session, make_world


def test_readiness_page_and_collecting(page: Page, server: str, live_app: FastAPI) -> None:
    with app_session(live_app) as db:
        world = make_world(db)
        stage = live_app.state.roadmap.stage("governance")
        for partner, user in (
            (world.lead_partner, "officer"),
            (world.other_partner, "other_officer"),
        ):
            for i, statement in enumerate(stage.statements):
                save_answer(
                    db,
                    partnership_id=world.partnership.id,
                    stage_key=stage.key,
                    key=statement.key,
                    scope=partner.id,
                    value={
                        "score": i % 5,
                        "evidence": "Board minute",
                        "evidence_url": None,
                        "valid_until": None,
                    },
                    read_version=0,
                    user_id=world.users[user].id,
                )
        db.commit()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(world.users["lead"].email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/partnerships/{world.partnership.id}/readiness")
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness")
    expect(page.get_by_role("img", name="Readiness by dimension")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Collect readiness now").click()
    expect(page.get_by_text("Readiness collected")).to_be_visible()
    assert_accessible(page)
