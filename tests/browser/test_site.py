"""The public pages in a real browser: accessible, self-contained, styled, script running."""

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible

# `make screenshots` refreshes the README's picture; other runs leave the committed file alone.
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "start-page.png"


def test_start_page(page: Page, server: str, outside_requests: list[str]) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Form a shared-service partnership")
    expect(page.get_by_role("button", name="Start now")).to_be_visible()
    # GOV.UK Frontend's module ran (it sets this class), and its stylesheet applied.
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    font = page.evaluate("getComputedStyle(document.body.querySelector('h1')).fontFamily")
    assert "GDS Transport" not in font
    assert "system-ui" in font
    assert_accessible(page)
    assert outside_requests == []
    assert errors == [], errors  # no CSP violations or script errors
    page.set_viewport_size({"width": 1100, "height": 900})
    shot = page.screenshot(path=str(SCREENSHOT) if os.environ.get("UPDATE_SCREENSHOTS") else None)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"


def test_skip_link_goes_to_the_content(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))  # waits: the jump is asynchronous


def test_error_page(page: Page, server: str) -> None:
    response = page.goto(server + "/no-such-page")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_roadmap_pages(page: Page, server: str, outside_requests: list[str]) -> None:
    page.goto(server + "/roadmap")
    assert_accessible(page)
    page.get_by_role("link", name="Identity management").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identity management")
    assert_accessible(page)
    assert outside_requests == []


def test_the_api_reference_passes_axe(page: Page, server: str, outside_requests: list[str]) -> None:
    page.goto(server + "/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")
    funding = page.locator("section").filter(has_text="/api/v1/partnerships/{pid}/funding").first
    expect(funding).to_contain_text("FundingOut")
    page.get_by_role("link", name="FundingOut").first.click()
    expect(page.locator("#schema-FundingOut")).to_be_in_viewport()
    assert_accessible(page)
    assert outside_requests == []


def test_works_without_javascript(browser: object, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/roadmap/day1-funding")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).not_to_have_class("govuk-frontend-supported")
    context.close()
