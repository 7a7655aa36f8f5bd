"""Choosing how often news comes by email, in a real browser, with and without JavaScript."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, World, app_session, make_world


@pytest.fixture
def world(server: str, live_app: FastAPI) -> World:
    with app_session(live_app) as db:
        return make_world(db)


@pytest.mark.parametrize("javascript", [True, False])
def test_choosing_from_the_account_page(
    new_context: CreateContextCallback, world: World, javascript: bool
) -> None:
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(world.users["officer"].email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account")
    page.get_by_role("link", name="Choose how often we email you about news").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How often do you want emails about news?"
    )
    expect(page.get_by_label("Once a day, in one summary")).to_be_checked()  # the default
    if javascript:  # axe runs in the page's JavaScript
        assert_accessible(page)
    page.get_by_label("Never: I will read them in the service").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("Emails about news: never")).to_be_visible()
    page.goto("/account/notifications")
    expect(page.get_by_label("Never: I will read them in the service")).to_be_checked()
