"""The public pages: start page, the roadmap, a stage, the accessibility statement."""

import re

import pytest
from fastapi.testclient import TestClient

from app.core.paths import ROADMAP_DIR, STATIC_DIR, TEMPLATES_DIR
from app.wizard.loader import load_roadmap
from tests.pages import check_page


def test_start_page_explains_the_service(client: TestClient) -> None:
    soup = check_page(client.get("/"))
    assert soup.h1.get_text(strip=True) == "Form a shared-service partnership"  # type: ignore[union-attr]
    text = soup.get_text(" ")
    assert "Start now" in text
    for stage in load_roadmap(ROADMAP_DIR).stages:
        assert soup.find("a", href=f"/roadmap/{stage.key}", string=stage.title)
    assert soup.find("strong", class_="govuk-phase-banner__content__tag")
    assert soup.find("a", class_="govuk-skip-link", href="#main-content")
    assert soup.find("footer", class_="govuk-footer")


@pytest.mark.parametrize("path", ["/roadmap", "/accessibility"])
def test_public_pages(client: TestClient, path: str) -> None:
    check_page(client.get(path))


def test_every_stage_page(client: TestClient) -> None:
    for stage in load_roadmap(ROADMAP_DIR).stages:
        soup = check_page(client.get(f"/roadmap/{stage.key}"))
        assert soup.h1.get_text(strip=True) == stage.title  # type: ignore[union-attr]
        assert stage.statements[0].text in soup.get_text()


def test_no_crown_logotype_or_gds_font() -> None:
    css = (STATIC_DIR / "govuk" / "govuk-frontend.min.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "/fonts/" not in css
    assert not (STATIC_DIR / "govuk" / "assets" / "fonts").exists()
    # GOV.UK's own header and footer macros draw the crown; our templates never call them.
    templates = " ".join(p.read_text() for p in TEMPLATES_DIR.rglob("*.html"))
    assert "govukHeader(" not in templates
    assert "govukFooter(" not in templates


def test_nothing_is_loaded_from_another_host(client: TestClient) -> None:
    html = client.get("/").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith(("/", "#")) for s in sources), sources
    for name in ("app.js", "app.css"):
        assert "http" not in (STATIC_DIR / name).read_text()


def test_vendored_versions_are_recorded() -> None:
    record = (STATIC_DIR / "VENDORED.md").read_text()
    assert "6.3.0" in record
    assert "2.0.11" in record
    assert (STATIC_DIR / "htmx" / "htmx.min.js").read_text().count("2.0.11") >= 1
