"""The accessibility statement says what the Regulations require, and its known issues are
exactly the problems the suite still shows (each known issue's test is a strict xfail)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.site.accessibility import KNOWN_ISSUES
from tests.pages import check_page

ROOT = Path(__file__).resolve().parents[2]


def _test_function(node_id: str):  # type: ignore[no-untyped-def]
    path, name = node_id.split("::")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def _strict_xfail(function) -> bool:  # type: ignore[no-untyped-def]
    marks = getattr(function, "pytestmark", [])
    return any(m.name == "xfail" and m.kwargs.get("strict") is True for m in marks)


@pytest.mark.parametrize("issue", KNOWN_ISSUES, ids=lambda issue: issue.test.split("::")[1])
def test_each_known_issue_has_a_strict_xfail_test_that_shows_it(issue) -> None:  # type: ignore[no-untyped-def]
    assert (ROOT / issue.test.split("::")[0]).exists(), issue.test
    assert _strict_xfail(_test_function(issue.test)), f"{issue.test} is not xfail(strict=True)"


def test_every_strict_xfail_accessibility_test_is_on_the_statement() -> None:
    listed = {issue.test for issue in KNOWN_ISSUES}
    for path in ("tests/accessibility/test_known_issues.py",):
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        for name in dir(module):
            if name.startswith("test_") and _strict_xfail(getattr(module, name)):
                assert f"{path}::{name}" in listed, f"{path}::{name} is not on the statement"


def test_the_statement_has_what_the_regulations_require(client: TestClient) -> None:
    soup = check_page(client.get("/accessibility"))
    text = " ".join(soup.get_text(" ").split())
    for heading in (
        "How accessible this service is",
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert soup.find(["h2", "h3"], string=heading), heading
    assert "partially compliant" in text  # there are known issues
    assert "Equality Advisory and Support Service" in text
    assert soup.select_one('a[href="mailto:roadmap@localhost"]')  # MAIL_FROM when unset
    assert "This statement was prepared on 30 November 2026" in text
    listed = soup.select("#known-issues .govuk-summary-list__row")
    assert len(listed) == len(KNOWN_ISSUES)
    for row, issue in zip(listed, KNOWN_ISSUES, strict=True):
        assert issue.criterion in row.get_text(" ")
        assert " ".join(issue.problem.split()) in " ".join(row.get_text(" ").split())
