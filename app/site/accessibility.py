"""What the accessibility statement says, in one place, so that a test can keep it true.

The Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations
2018 require a statement in GOV.UK's model form: compliance status, the content that is not
accessible and why, how to report a problem, the enforcement procedure, and when the statement
was prepared and the service last tested.

Each known issue names the test that shows it (a pytest node id; the test asserts the
accessible behaviour and is marked `xfail(strict=True)`). Fixing an issue makes its test pass,
which fails the suite until the issue is taken off this list, so the statement can neither hide
a problem nor keep confessing one that is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KnownIssue:
    """One way the service falls short of WCAG 2.2 AA, as the statement lists it."""

    criterion: str  # "1.4.10 Reflow"
    problem: str  # what a person meets, in plain words
    test: str  # the pytest node id of the test that shows it (marked xfail, strict)


PREPARED = date(2026, 11, 30)
REVIEWED = date(2026, 11, 30)
TESTED = date(2026, 11, 30)
FIX_BY = "31 March 2027"

KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "2.4.3 Focus Order and 3.3.2 Labels or Instructions",
        "A stage's questions are one long page: it can take more than 30 presses of the Tab key "
        "to reach the Save button.",
        "tests/accessibility/test_known_issues.py::test_a_stage_page_reaches_save_within_30_tab_stops",
    ),
    KnownIssue(
        "3.1.1 Language of Page, 1.4.3 Contrast (Minimum), 4.1.2 Name, Role, Value",
        "The API explorer at /docs/explorer, for trying requests out, is Swagger UI: it does not "
        "state its language and has low-contrast text and nested controls. The API reference "
        "at /docs shows everything it does, accessibly.",
        "tests/accessibility/test_known_issues.py::test_the_api_explorer_states_its_language",
    ),
)
