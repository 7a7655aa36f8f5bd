"""Calm pages (issue 14, point 8): the Day 1 banner in full only where Day 1 is the subject,
one short line elsewhere; page titles name the page, the partnership and the service."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_world, sign_in
from tests.pages import check_page

SERVICE = "Shared service partnership roadmap"
DASH = "\N{EN DASH}"  # the titles' separator


def test_the_day1_banner_is_in_full_only_on_the_roadmap_and_funding_pages(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    base = f"/partnerships/{world.partnership.id}"
    for path in (f"{base}/roadmap", f"{base}/funding"):
        soup = check_page(client.get(path))
        banner = soup.select_one(".govuk-notification-banner")
        assert banner is not None, path
        assert "The funding formula is not agreed yet" in banner.get_text()
        assert soup.find(id="funding-line") is None
    for path in (
        base,
        f"{base}/risks",
        f"{base}/readiness",
        f"{base}/people",
        f"{base}/activity",
        f"{base}/stages/governance",
        f"{base}/agreement",
    ):
        soup = check_page(client.get(path))
        assert soup.select_one(".govuk-notification-banner") is None, path
        line = soup.find(id="funding-line")
        assert line is not None, path
        assert len(line.get_text(" ", strip=True)) <= 40, line.get_text()
        assert line.find("a", href=f"{base}/funding")


def test_titles_name_the_page_the_partnership_and_the_service(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    base = f"/partnerships/{world.partnership.id}"
    name = world.partnership.name
    for path, page in ((f"{base}/risks", "Risk"), (f"{base}/stages/governance", "Governance")):
        title = check_page(client.get(path)).title
        assert title is not None
        text = title.get_text(strip=True)
        assert text.startswith(page) and text.endswith(f"{DASH} {name} {DASH} {SERVICE}"), text
    outside = check_page(client.get("/partnerships")).title
    assert outside is not None and outside.get_text(strip=True).endswith(f"{DASH} {SERVICE}")
