"""Downloading the agreement in each format from its page, in a real browser."""

from pathlib import Path

from fastapi import FastAPI
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, app_session, make_world

SIGNATURES = {"pdf": b"%PDF", "odt": b"PK", "docx": b"PK", "json": b"{"}


def test_each_format_downloads_from_the_page(
    page: Page, server: str, live_app: FastAPI, tmp_path: Path
) -> None:
    with app_session(live_app) as db:
        world = make_world(db)
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(world.users["viewer"].email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/partnerships/{world.partnership.id}/agreement")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreement summary")
    assert_accessible(page)
    for fmt, name in (
        ("pdf", "PDF"),
        ("odt", "OpenDocument text (.odt)"),
        ("docx", "Word (.docx)"),
        ("json", "JSON"),
    ):
        with page.expect_download() as caught:
            page.get_by_role("link", name=name, exact=True).click()
            if fmt == "pdf":  # said while the server makes it (however long that takes)
                expect(page.get_by_role("status")).to_contain_text("Making the PDF file")
        download = caught.value
        assert download.suggested_filename.endswith(f".{fmt}")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes().startswith(SIGNATURES[fmt]), fmt
