"""Reflow (WCAG 1.4.10, issue 14 point 4): every page type fits 320 CSS pixels without the page
scrolling sideways, and 1280 pixels too (the funding page was 1,468 px wide). Wide tables
scroll inside their own labelled region instead."""

from __future__ import annotations

from fastapi import FastAPI
from playwright.sync_api import Page

from tests.factories import PASSWORD, app_session, make_world


def _pages(pid: str, stage: str) -> list[str]:
    base = f"/partnerships/{pid}"
    return [
        "/",
        "/roadmap",
        "/accessibility",
        "/docs",
        "/partnerships",
        "/account",
        "/notifications",
        base,
        f"{base}/roadmap",
        f"{base}/stages/{stage}",
        f"{base}/stages/{stage}/check",
        f"{base}/stages/{stage}/sign",
        f"{base}/stages/{stage}/history",
        f"{base}/funding",
        f"{base}/risks",
        f"{base}/readiness",
        f"{base}/readiness/disagreements",
        f"{base}/agreement",
        f"{base}/people",
        f"{base}/activity",
    ]


def test_every_page_type_fits_320_and_1280_pixels(
    page: Page, server: str, live_app: FastAPI
) -> None:
    with app_session(live_app) as db:
        world = make_world(db)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(world.users["signatory"].email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    too_wide: dict[str, int] = {}
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in _pages(world.partnership.id, "governance"):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[f"{width}: {path}"] = scroll
    assert not too_wide, too_wide
