"""The one page checker every HTML test uses."""

from __future__ import annotations

from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from httpx import Response


def check_page(response: Response, status: int = 200) -> BeautifulSoup:
    """Assert the basics of a good page and return it parsed.

    Status and content type; HTML that parses without errors (so nesting is valid); exactly one
    non-empty <title> and one <h1>; no duplicate ids; every form posts to this site with a method.
    """
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["content-type"].startswith("text/html")
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(response.text)
    errors = [f"{code} at {pos} {data}" for pos, code, data in parser.errors]
    assert not errors, f"HTML does not parse cleanly: {errors}"

    soup = BeautifulSoup(response.text, "html.parser")
    titles = soup.select("head > title")  # an inline SVG has a <title> of its own
    assert len(titles) == 1, f"needs one <title>, found {len(titles)}"
    assert titles[0].get_text(strip=True), "the <title> is empty"
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"needs exactly one <h1>, found {len(h1s)}"
    ids = Counter(str(tag["id"]) for tag in soup.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in soup.find_all("form"):
        action = str(form.get("action", ""))
        assert not action.startswith(("http://", "https://", "//")), f"form posts away: {action}"
        assert str(form.get("method", "")).lower() in {"get", "post"}, "form needs a method"
    return soup


def hidden_fields(page: BeautifulSoup, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`, as a browser would send them."""
    form = page.find("form", action=action)
    assert form is not None, f"no form posts to {action}"
    return {
        field["name"]: field.get("value", "")
        for field in form.find_all("input", type="hidden")
        if field.get("name") and field["name"] != "csrf_token"
    }
