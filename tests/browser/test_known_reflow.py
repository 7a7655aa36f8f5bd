"""A known issue on the accessibility statement (WCAG 1.4.10 Reflow): some wide tables make the
page scroll sideways at 320 CSS pixels. Marked xfail(strict=True): fixing it fails the suite
until the statement (app/site/accessibility.py) drops the issue."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page

from tests.factories import PASSWORD, app_session, make_world


@pytest.mark.xfail(strict=True, reason="a known issue on the accessibility statement")
def test_wide_tables_fit_320_pixels(page: Page, server: str, live_app: FastAPI) -> None:
    with app_session(live_app) as db:
        world = make_world(db)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(world.users["lead"].email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.set_viewport_size({"width": 320, "height": 800})
    base = f"/partnerships/{world.partnership.id}"
    too_wide = {}
    for path in (f"{base}/funding", f"{base}/people", f"{base}/risks", f"{base}/activity"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert not too_wide, too_wide
