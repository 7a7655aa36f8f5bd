"""The risk register in a real browser: the register and heat map, adding a risk with errors
first, and changing one after someone else has. Every page must pass axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect

from app.risks import service
from app.risks.service import RiskFields
from app.risks.views import DASH
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, TEST_ACTOR, World, app_session, make_world
from tests.risks.factories import make_risk


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def a_world_with_risks(app: FastAPI) -> tuple[World, str]:
    """The factories' world, with a high risk and a low one; returns the high one's id."""
    with app_session(app) as db:
        world = make_world(db)
        high = make_risk(
            db, world, app.state.roadmap, title="No agreed funding", likelihood=5, impact=4
        )
        make_risk(db, world, app.state.roadmap, title="Minor delay", likelihood=1, impact=2)
        db.commit()
        return world, high.id


def test_register_and_adding_a_risk(page: Page, server: str, live_app: FastAPI) -> None:
    world, _ = a_world_with_risks(live_app)
    pid = world.partnership.id
    sign_in(page, world.users["lead"].email)

    page.goto(f"/partnerships/{pid}/risks")
    heading(page, "Risk register")
    expect(page.get_by_role("row", name="No agreed funding")).to_contain_text("20 High")
    heat_map = page.get_by_role("table", name="Open risks by likelihood and impact")
    expect(heat_map.get_by_role("columnheader", name="Impact")).to_be_visible()
    expect(heat_map.get_by_role("columnheader", name="Likelihood")).to_be_visible()
    expect(heat_map.get_by_text("High: 1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a risk").click()
    heading(page, "Add a risk")
    assert_accessible(page)
    page.get_by_label("Day").fill("31")
    page.get_by_role("button", name="Add the risk").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    for message in (
        "Review date must include a month and year",
        "Enter a short title for the risk",
        "Select how likely the risk is, from 1 to 5",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Add a risk"))
    assert_accessible(page)
    summary.get_by_role("link", name="Select how likely the risk is, from 1 to 5").click()
    expect(page.get_by_label(f"1 {DASH} Rare")).to_be_focused()

    page.get_by_label("Title", exact=True).fill("Staff not consulted on the new service")
    page.get_by_label("Description", exact=True).fill("Front-line staff find problems late.")
    page.get_by_label(f"3 {DASH} Possible").check()
    page.get_by_label(f"4 {DASH} Major").check()
    page.get_by_label("Stage of the roadmap").select_option(label="Sustainability")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_text("Risk added to the register")).to_be_visible()
    row = page.get_by_role("row", name="Staff not consulted on the new service")
    expect(row).to_contain_text("Sustainability")
    expect(row).to_contain_text("31 March 2027")
    assert_accessible(page)

    page.get_by_role("button", name="The service is rolled out everywhere without a pilot").click()
    expect(page.get_by_text("added to the register")).to_be_visible()
    expect(page.get_by_role("row", name="The service is rolled out everywhere")).to_be_visible()


def test_changing_a_risk_someone_else_changed(page: Page, server: str, live_app: FastAPI) -> None:
    world, rid = a_world_with_risks(live_app)
    sign_in(page, world.users["officer"].email)
    page.goto(f"/risks/{rid}")
    heading(page, "No agreed funding")
    assert_accessible(page)
    page.get_by_role("button", name="Change this risk").click()
    heading(page, "Change the risk")
    assert_accessible(page)

    with app_session(live_app) as db:  # meanwhile...
        risk = service.list_risks(db, partnership_id=world.partnership.id)[0]
        service.update_risk(
            db,
            TEST_ACTOR,
            risk=risk,
            read_version=1,
            changes=RiskFields(**{**vars(RiskFields.of(risk)), "mitigation": "Their plan"}),
            roadmap=live_app.state.roadmap,
            user_id=world.users["other_officer"].id,
        )
        db.commit()

    page.get_by_label("Closed").check()
    page.get_by_role("button", name="Save changes").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary.get_by_role("link")).to_contain_text("Someone else changed this risk")
    expect(page.get_by_role("heading", name="Their version")).to_be_visible()
    expect(page.get_by_text("Their plan")).to_be_visible()
    expect(page.get_by_label("Closed")).to_be_checked()  # your choice is kept
    assert_accessible(page)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Risk updated")).to_be_visible()
    expect(page.get_by_role("row", name="No agreed funding")).to_contain_text("Closed")


def test_the_forms_work_without_javascript(
    browser: Browser, server: str, live_app: FastAPI
) -> None:
    world, _ = a_world_with_risks(live_app)
    context = browser.new_context(java_script_enabled=False, base_url=server)
    page = context.new_page()
    sign_in(page, world.users["officer"].email)
    page.goto(f"/partnerships/{world.partnership.id}/risks/new")
    page.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Legacy systems")
    page.get_by_label("Description", exact=True).fill("Old systems cannot be joined up.")
    page.get_by_label(f"2 {DASH} Unlikely").check()
    page.get_by_label(f"3 {DASH} Moderate").check()
    page.get_by_role("button", name="Add the risk").click()
    expect(page.get_by_text("Risk added to the register")).to_be_visible()
    context.close()
