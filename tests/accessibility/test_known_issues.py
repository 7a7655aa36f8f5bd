"""The accessibility statement's known issues, each as the test it would pass once fixed.

Each is marked `xfail(strict=True)`: while the problem stands the test fails as expected; the
day it is fixed the test passes, the suite fails, and the issue must come off the statement's
list (`app/site/accessibility.py`). See tests/accessibility/test_statement.py.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_world, sign_in

KNOWN = pytest.mark.xfail(strict=True, reason="a known issue on the accessibility statement")
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]"


def _tab_stops_before(soup: BeautifulSoup, target: Tag) -> int:
    """Tab presses from the top of the page to `target`: every focusable element before it in
    document order, a group of radios counting once (the arrow keys move within it)."""
    stops, radios = 0, set()
    for element in soup.select(FOCUSABLE):
        if element is target:
            return stops + 1
        if element.name == "input" and element.get("type") == "hidden":
            continue
        if element.get("tabindex") == "-1" or element.has_attr("disabled"):
            continue
        if element.name == "input" and element.get("type") == "radio":
            if element.get("name") in radios:
                continue
            radios.add(element.get("name"))
        stops += 1
    raise AssertionError("the target is not on the page")


@KNOWN
def test_a_stage_page_reaches_save_within_30_tab_stops(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    page = client.get(f"/partnerships/{world.partnership.id}/stages/governance")
    soup = BeautifulSoup(page.text, "html.parser")
    save = soup.find("button", string=lambda s: bool(s and "Save" in s))
    assert isinstance(save, Tag)
    assert _tab_stops_before(soup, save) <= 30


@KNOWN
def test_the_api_explorer_states_its_language(client: TestClient) -> None:
    soup = BeautifulSoup(client.get("/docs/explorer").text, "html.parser")
    assert soup.html is not None and soup.html.get("lang")
