"""The roadmap wizard in a real browser: the task list, a stage page with and without
JavaScript (htmx saves each answer as the person moves on), blind readiness scoring, two people
editing the same answer, history, check your answers and comments; signing off with an open
warning and revoking with a reason.

Each test makes its own partnership (the `server` fixture deletes it afterwards). Every distinct
page, error and conflict pages included, must pass axe-core's WCAG 2.2 A and AA rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from app.core.paths import ROADMAP_DIR
from app.partnerships.models import Role
from app.wizard.definition import Stage
from app.wizard.loader import load_roadmap
from tests.browser.conftest import assert_accessible
from tests.factories import (
    PASSWORD,
    World,
    app_session,
    join,
    make_user,
    make_world,
    sample_value,
)

STAGE_KEY = "business-scope"
NORTH = "Northdale District Council"  # the lead partner: lead, viewer, officer, signatory
EAST = "Eastbrook Borough Council"  # other_officer, other_partner_lead
SOUTH = "Southvale District Council"  # added by `three_partners`
OFFICERS = {
    NORTH: "officer@northdale.example.org",
    EAST: "other_officer@eastbrook.example.org",
    SOUTH: "officer@southvale.example.org",
}
BLIND = "You will see the other partners' readiness scores once your organisation has submitted its own."


def _stage() -> Stage:
    stage = load_roadmap(ROADMAP_DIR).stage(STAGE_KEY)
    assert stage is not None
    return stage


STAGE = _stage()
LABEL = {q.key: q.label for q in STAGE.questions} | {s.key: s.text for s in STAGE.statements}
STATEMENTS = [s.key for s in STAGE.statements]


# --- data ---------------------------------------------------------------------------------


@pytest.fixture
def world(server: str, live_app: FastAPI) -> World:
    """Northdale (lead) and Eastbrook; see tests.factories.make_world."""
    with app_session(live_app) as db:
        return make_world(db)


@pytest.fixture
def three_partners(world: World, live_app: FastAPI) -> World:
    """The world, with Southvale as a third partner (one officer)."""
    with app_session(live_app) as db:
        south = make_user(db, email=OFFICERS[SOUTH], organisation=SOUTH, name="Sam South")
        join(db, world.partnership, south, [Role.OFFICER])
        db.commit()
    return world


# --- pages --------------------------------------------------------------------------------


def signed_in(new_context: CreateContextCallback, email: str, *, javascript: bool = True) -> Page:
    """A browser of its own (with or without JavaScript), signed in as `email`."""
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def stage_path(world: World, suffix: str = "") -> str:
    return f"/partnerships/{world.partnership.id}/stages/{STAGE_KEY}{suffix}"


def open_stage(page: Page, world: World) -> None:
    page.goto(stage_path(world))
    heading(page, "Business scope")


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def item(page: Page, key: str) -> Locator:
    """A question or statement on the stage page: its answer, others' answers, comments."""
    return page.locator(f"#item-{key}")


def flash(page: Page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def error_summary(page: Page) -> Locator:
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    return summary


def assert_accessible_without_scripts(new_context: CreateContextCallback, page: Page) -> None:
    """axe-core on the page exactly as a browser without JavaScript shows it.

    axe cannot run where JavaScript is disabled (it waits on timers that never fire), so the
    same HTML is loaded at the same address in another browser with the site's own scripts
    blocked: the same markup and styles. This works for pages that answer a POST too.
    """
    html, url = page.content(), page.url.split("#")[0]
    context = new_context()
    context.route(re.compile(r"\.m?js(\?|$)"), lambda route: route.abort())
    context.route(
        lambda u: u == url, lambda route: route.fulfill(body=html, content_type="text/html")
    )
    copy = context.new_page()
    copy.goto(url)
    expect(copy.locator("body")).not_to_have_class(re.compile("js-enabled"))
    assert_accessible(copy)
    context.close()


# --- answering, with JavaScript -----------------------------------------------------------


def autosave(page: Page, key: str, change: Callable[[Locator], object]) -> Locator:
    """Change an answer and move on; htmx saves it. Returns the answer as the server sent it
    back (the status is "Saved", or a conflict or an error)."""
    answer = page.locator(f"#answer-{key}")
    answer.evaluate("element => element.classList.add('test-before-save')")
    change(answer)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    replaced = page.locator(f"#answer-{key}:not(.test-before-save)")
    expect(replaced).to_be_attached()
    return replaced


def saved(page: Page, key: str, change: Callable[[Locator], object]) -> Locator:
    replaced = autosave(page, key, change)
    expect(replaced.get_by_role("status")).to_have_text("Saved")
    expect(replaced.locator(".govuk-error-message")).to_have_count(0)
    return replaced


def write(key: str, text: str) -> Callable[[Locator], object]:
    return lambda answer: answer.get_by_label(LABEL[key]).fill(text)


def choose(*options: str) -> Callable[[Locator], object]:
    """Tick the checkboxes, or choose the radio, labelled exactly so."""

    def change(answer: Locator) -> None:
        for option in options:
            answer.get_by_label(option, exact=True).check()

    return change


def date(day: str, month: str, year: str) -> Callable[[Locator], object]:
    def change(answer: Locator) -> None:
        answer.get_by_label("Day").fill(day)
        answer.get_by_label("Month").fill(month)
        answer.get_by_label("Year").fill(year)

    return change


def score(value: int, evidence: str) -> Callable[[Locator], object]:
    def change(answer: Locator) -> None:
        answer.get_by_label(str(value), exact=True).check()
        answer.get_by_label("Evidence for this score").fill(evidence)

    return change


def answer_own_questions_and_score(page: Page, organisation: str, staff: str) -> None:
    """Answer the organisation's own questions and score every statement, with evidence."""
    moving = write("partner-services-moving", f"{organisation} revenues team")
    saved(page, "partner-services-moving", moving)
    saved(page, "partner-staff-in-scope", write("partner-staff-in-scope", staff))
    for key in STATEMENTS:
        saved(page, key, score(SCORES[organisation][key], evidence(organisation, key)))


def evidence(organisation: str, key: str) -> str:
    return f"{organisation} evidence for {key}"


SCORES = {
    NORTH: dict(zip(STATEMENTS, [3, 2, 1, 4, 2, 3], strict=True)),
    EAST: dict(zip(STATEMENTS, [2, 2, 2, 1, 0, 3], strict=True)),
    SOUTH: dict(zip(STATEMENTS, [4, 3, 1, 1, 2, 2], strict=True)),
}
STAFF = {NORTH: "24", EAST: "31", SOUTH: "9"}


def others_answer(page: Page, key: str, organisation: str) -> Locator:
    """Another partner's answer or score, as shown under the caller's own."""
    row = item(page, key).locator(".govuk-summary-list__row", has_text=organisation)
    return row.locator(".govuk-summary-list__value")


# --- 1. three partners, with JavaScript ---------------------------------------------------


def test_three_partners_fill_the_stage_as_they_go_and_score_blind(
    new_context: CreateContextCallback, three_partners: World
) -> None:
    world = three_partners
    north = signed_in(new_context, OFFICERS[NORTH])
    north.goto(f"/partnerships/{world.partnership.id}/roadmap")
    heading(north, "Roadmap")
    task = north.get_by_role("listitem").filter(
        has=north.get_by_role("link", name="Business scope")
    )
    expect(task.locator(".govuk-task-list__status")).to_have_text("Not started")
    assert_accessible(north)
    task.get_by_role("link", name="Business scope").click()
    heading(north, "Business scope")
    expect(north.get_by_role("button", name="Save and continue")).to_be_visible()
    assert_accessible(north)

    # One officer answers the partnership's questions; each saves as they move on.
    need = saved(north, "business-need", write("business-need", "Benefit claims wait too long."))
    # the character count works again in the answer htmx put on the page
    expect(need.locator(".govuk-character-count__status")).to_have_text(
        "You have 2,971 characters remaining"
    )
    saved(north, "outcomes", write("outcomes", "Claims decided in 10 days, from 24."))
    saved(north, "services-in-scope", choose("Revenues and benefits", "ICT services"))
    saved(north, "out-of-scope", write("out-of-scope", "Council tax recovery."))
    saved(north, "scope-deliverable", choose("4"))
    saved(north, "business-case-status", choose("Outline business case"))
    saved(north, "service-users", choose("Residents", "Businesses and landlords"))
    saved(north, "equality-impact-assessment", choose("In progress"))
    saved(north, "assisted-access", write("assisted-access", "Phone and face to face."))
    saved(north, "staff-transfer", choose("Yes"))
    saved(north, "target-go-live", date("1", "4", "2027"))
    saved(north, "annual-volume", write("annual-volume", "12,500"))
    expect(north.get_by_role("status")).to_have_count(12)
    assert_accessible(north)

    north.reload()
    expect(north.get_by_label(LABEL["business-need"])).to_have_value(
        "Benefit claims wait too long."
    )
    expect(north.get_by_label(LABEL["outcomes"])).to_have_value(
        "Claims decided in 10 days, from 24."
    )
    services = item(north, "services-in-scope")
    expect(services.get_by_label("Revenues and benefits")).to_be_checked()
    expect(services.get_by_label("ICT services")).to_be_checked()
    expect(services.get_by_label("Procurement")).not_to_be_checked()
    expect(item(north, "scope-deliverable").get_by_label("4", exact=True)).to_be_checked()
    expect(north.get_by_label("Outline business case")).to_be_checked()
    expect(item(north, "staff-transfer").get_by_label("Yes", exact=True)).to_be_checked()
    go_live = item(north, "target-go-live")
    for part, value in (("Day", "1"), ("Month", "4"), ("Year", "2027")):
        expect(go_live.get_by_label(part)).to_have_value(value)
    expect(north.get_by_label(LABEL["annual-volume"])).to_have_value("12500")
    # staff moving implies a TUPE answer on the legal stage: the page says so
    expect(north.get_by_text("Staff will move between organisations")).to_be_visible()

    # Each partner answers its own questions and scores blind, one after another.
    pages = {NORTH: north}
    for organisation in (EAST, SOUTH):
        pages[organisation] = signed_in(new_context, OFFICERS[organisation])
        open_stage(pages[organisation], world)
    for turn, (organisation, page) in enumerate(pages.items()):
        answer_own_questions_and_score(page, organisation, STAFF[organisation])
        page.reload()
        expect(page.get_by_text(BLIND)).to_be_visible()
        for earlier in list(pages)[:turn]:  # submitted their scores already
            # their own answers show; their scores do not, until this partner submits
            expect(others_answer(page, "partner-staff-in-scope", earlier)).to_have_text(
                STAFF[earlier]
            )
            for key in STATEMENTS:
                expect(item(page, key)).not_to_contain_text(earlier)
        page.get_by_role("button", name="Submit our readiness scores").click()
        flash(page, "Your readiness scores are submitted. The other partners' are shown.")
        expect(page.get_by_text("Scores submitted")).to_be_visible()
        expect(page.get_by_text(BLIND)).to_have_count(0)

    # Now everyone sees every other partner's scores and evidence.
    for organisation, page in pages.items():
        page.reload()
        for other in pages.keys() - {organisation}:
            expect(others_answer(page, "partner-staff-in-scope", other)).to_have_text(STAFF[other])
            for key in STATEMENTS:
                expect(others_answer(page, key, other)).to_have_text(
                    f"Score {SCORES[other][key]}: {evidence(other, key)}"
                )
    expect(north.get_by_text("Dimension 1 of 9 · Ready for sign-off")).to_be_visible()
    assert_accessible(north)

    north.get_by_role("link", name="Roadmap", exact=True).click()
    heading(north, "Roadmap")
    expect(task.locator(".govuk-task-list__status")).to_have_text("Ready for sign-off")
    expect(task).to_contain_text("12 of 12 shared questions answered.")
    expect(task).to_contain_text("Your organisation: complete.")
    expect(task).to_contain_text("3 of 3 partners have done their part.")
    expect(north.get_by_text("1 ready for sign-off.")).to_be_visible()
    assert_accessible(north)

    # A viewer reads the same stage and can change nothing.
    viewer = signed_in(new_context, "viewer@northdale.example.org")
    open_stage(viewer, world)
    expect(viewer.get_by_text("You can read this stage.")).to_be_visible()
    expect(item(viewer, "business-need")).to_contain_text("Benefit claims wait too long.")
    expect(item(viewer, "services-in-scope")).to_contain_text("Revenues and benefits, ICT services")
    expect(item(viewer, "business-owner")).to_contain_text(
        f"Score 3: {evidence(NORTH, 'business-owner')}"
    )
    expect(viewer.get_by_role("textbox")).to_have_count(0)
    expect(viewer.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    assert_accessible(viewer)


# --- 2. one partner, without JavaScript ---------------------------------------------------


def summary_value(page: Page, key: str) -> Locator:
    """The value shown on check your answers for a question's label or a statement's text."""
    term = page.locator(".govuk-summary-list__key").get_by_text(LABEL[key], exact=True)
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=term)
        .locator(".govuk-summary-list__value")
    )


def test_without_javascript_the_whole_form_saves_and_errors_keep_other_answers(
    new_context: CreateContextCallback, world: World
) -> None:
    page = signed_in(new_context, OFFICERS[NORTH], javascript=False)
    page.goto(f"/partnerships/{world.partnership.id}/roadmap")
    heading(page, "Roadmap")
    expect(page.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))
    assert_accessible_without_scripts(new_context, page)
    page.get_by_role("link", name="Business scope").click()
    heading(page, "Business scope")
    assert_accessible_without_scripts(new_context, page)

    page.get_by_label(LABEL["business-need"]).fill("Benefit claims wait too long.")
    page.get_by_label("Revenues and benefits").check()
    page.get_by_label("ICT services").check()
    page.get_by_label("Full business case", exact=True).check()
    item(page, "scope-deliverable").get_by_label("2", exact=True).check()
    item(page, "staff-transfer").get_by_label("No", exact=True).check()
    go_live = item(page, "target-go-live")
    go_live.get_by_label("Day").fill("31")
    go_live.get_by_label("Month").fill("3")
    go_live.get_by_label("Year").fill("2027")
    page.get_by_label(LABEL["annual-volume"]).fill("12,500")
    page.get_by_label(LABEL["partner-services-moving"]).fill("Our benefits team")
    page.get_by_label(LABEL["partner-staff-in-scope"]).fill("24")
    item(page, "business-owner").get_by_label("0", exact=True).check()  # 0 needs no evidence
    strategy = item(page, "need-in-strategy")
    strategy.get_by_label("3", exact=True).check()
    strategy.get_by_label("Evidence for this score").fill("Corporate plan, priority 2")
    page.get_by_role("button", name="Save and continue").click()

    heading(page, "Check your answers: Business scope")
    flash(page, "Your answers have been saved")
    for key, shown in {
        "business-need": "Benefit claims wait too long.",
        "services-in-scope": "Revenues and benefits, ICT services",
        "business-case-status": "Full business case",
        "scope-deliverable": "2",
        "staff-transfer": "No",
        "target-go-live": "31 March 2027",
        "annual-volume": "12500",
        "outcomes": "Not answered",
        "partner-services-moving": "Our benefits team",
        "partner-staff-in-scope": "24",
        "business-owner": "Score 0",
        "need-in-strategy": "Score 3: Corporate plan, priority 2",
        "users-involved": "Not scored",
    }.items():
        expect(summary_value(page, key)).to_have_text(shown)
    assert_accessible_without_scripts(new_context, page)

    # Two wrong answers are shown again, linked from the summary; the right one is saved.
    page.get_by_role("link", name=f"Change {LABEL['annual-volume']}").click()
    page.get_by_label(LABEL["business-need"]).fill("Benefit claims and appeals wait too long.")
    page.get_by_label(LABEL["annual-volume"]).fill("lots")
    go_live.get_by_label("Day").fill("31")
    go_live.get_by_label("Month").fill("2")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page).to_have_title(re.compile("^Error: Business scope"))
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(  # in the order of the page
        ["The date must be a real date", "Enter a number"]
    )
    expect(summary.get_by_role("link", name="Enter a number")).to_have_attribute(
        "href", "#annual-volume"
    )
    expect(summary.get_by_role("link", name="The date must be a real date")).to_have_attribute(
        "href", "#target-go-live-day"
    )
    expect(page.locator("#annual-volume-error")).to_contain_text("Enter a number")
    expect(page.locator("#target-go-live-error")).to_contain_text("The date must be a real date")
    expect(page.get_by_label(LABEL["annual-volume"])).to_have_value("lots")
    expect(go_live.get_by_label("Day")).to_have_value("31")
    expect(go_live.get_by_label("Month")).to_have_value("2")
    expect(page.get_by_label(LABEL["business-need"])).to_have_value(
        "Benefit claims and appeals wait too long."
    )
    assert_accessible_without_scripts(new_context, page)

    open_stage(page, world)
    expect(page.get_by_label(LABEL["business-need"])).to_have_value(
        "Benefit claims and appeals wait too long."
    )
    expect(page.get_by_label(LABEL["annual-volume"])).to_have_value("12500")
    expect(go_live.get_by_label("Month")).to_have_value("3")


# --- 3. two people change the same answer -------------------------------------------------


NEED = LABEL["business-need"]


def save_form(page: Page) -> None:
    page.get_by_role("button", name="Save and come back later").click()
    flash(page, "Your answers have been saved")


def conflict_warning(page: Page, theirs: str) -> Locator:
    """The conflict shown on the business need answer: theirs above, the caller's in the box."""
    warning = item(page, "business-need").get_by_role("alert")
    expect(warning).to_contain_text("changed this answer while you were editing it")
    expect(warning).to_contain_text(f"Their answer: {theirs}")
    return warning


def test_without_javascript_a_stale_save_shows_both_answers_and_lets_either_win(
    new_context: CreateContextCallback, world: World
) -> None:
    north = signed_in(new_context, OFFICERS[NORTH], javascript=False)
    east = signed_in(new_context, OFFICERS[EAST], javascript=False)
    open_stage(north, world)
    open_stage(east, world)

    north.get_by_label(NEED).fill("Claims wait too long.")
    save_form(north)
    east.get_by_label(NEED).fill("Staff are hard to recruit.")  # east still shows no answer
    east.get_by_role("button", name="Save and come back later").click()
    expect(east).to_have_title(re.compile("^Error: Business scope"))
    summary = east.get_by_role("alert").filter(has_text="Someone else changed 1 answer")
    expect(summary).to_contain_text("Nothing has been overwritten")
    expect(summary.get_by_role("link", name=NEED)).to_have_attribute("href", "#item-business-need")
    conflict_warning(east, "Claims wait too long.")
    expect(east.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")
    assert_accessible_without_scripts(new_context, east)
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Claims wait too long.")

    # Keep mine: saving again replaces theirs.
    save_form(east)
    expect(east.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")

    # Use theirs: the link shows the page as saved, their answer in the box.
    north.get_by_label(NEED).fill("Claims wait too long, and staff leave.")
    save_form(north)
    east.get_by_label(NEED).fill("Staff are hard to recruit and to keep.")
    east.get_by_role("button", name="Save and come back later").click()
    conflict_warning(east, "Claims wait too long, and staff leave.")
    east.get_by_role("link", name="use their answer instead").click()
    expect(east.get_by_label(NEED)).to_have_value("Claims wait too long, and staff leave.")
    expect(item(east, "business-need").get_by_role("alert")).to_have_count(0)
    save_form(east)  # the page now holds their version: saving it again is no conflict
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Claims wait too long, and staff leave.")


def test_with_javascript_a_stale_autosave_shows_both_answers_and_lets_either_win(
    new_context: CreateContextCallback, world: World
) -> None:
    north = signed_in(new_context, OFFICERS[NORTH])
    east = signed_in(new_context, OFFICERS[EAST])
    open_stage(north, world)
    open_stage(east, world)

    saved(north, "business-need", write("business-need", "Claims wait too long."))
    answer = autosave(east, "business-need", write("business-need", "Staff are hard to recruit."))
    expect(answer.get_by_role("status")).to_have_count(0)
    conflict_warning(east, "Claims wait too long.")
    expect(east.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")
    assert_accessible(east)
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Claims wait too long.")

    # Keep mine: saving again replaces theirs.
    save_form(east)
    expect(east.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Staff are hard to recruit.")

    # Use theirs: htmx fetches the saved answer in place of the caller's.
    saved(north, "business-need", write("business-need", "Claims wait too long, and staff leave."))
    autosave(
        east, "business-need", write("business-need", "Staff are hard to recruit and to keep.")
    )
    conflict_warning(east, "Claims wait too long, and staff leave.")
    east.get_by_role("link", name="use their answer instead").click()
    expect(east.get_by_label(NEED)).to_have_value("Claims wait too long, and staff leave.")
    expect(item(east, "business-need").get_by_role("alert")).to_have_count(0)
    # ... at their version, so the next change saves without a conflict.
    saved(east, "business-need", write("business-need", "Claims wait; staff leave."))
    north.reload()
    expect(north.get_by_label(NEED)).to_have_value("Claims wait; staff leave.")


# --- 4. history, and back from check your answers -----------------------------------------


def test_history_shows_a_word_diff_and_check_your_answers_links_to_each_answer(
    new_context: CreateContextCallback, world: World
) -> None:
    page = signed_in(new_context, OFFICERS[NORTH])
    open_stage(page, world)
    saved(page, "business-need", write("business-need", "Residents wait too long for decisions"))
    saved(page, "business-need", write("business-need", "Residents wait far too long for answers"))
    saved(page, "staff-transfer", choose("No"))

    page.get_by_role("link", name="History of changes").click()
    heading(page, "History: Business scope")
    revisions = page.locator(".app-revision")
    expect(revisions).to_have_count(3)  # newest first
    expect(revisions.first).to_contain_text(LABEL["staff-transfer"])
    expect(revisions.first).to_contain_text("Version 1, by Officer")
    expect(revisions.first).to_contain_text("(no answer) → No")
    assert_accessible(page)

    page.get_by_role("link", name=NEED).first.click()
    expect(page).to_have_url(re.compile(r"/history\?key=business-need$"))
    heading(page, f"History: {NEED}")
    expect(revisions).to_have_count(2)
    newest, first = revisions.nth(0), revisions.nth(1)
    expect(newest).to_contain_text("Version 2, by Officer")
    expect(newest.get_by_role("insertion")).to_have_text(["far", "answers"])
    expect(newest.get_by_role("deletion")).to_have_text(["decisions"])
    # Screen readers hear where each change starts and ends (the <ins> and <del> alone are silent).
    expect(newest.locator(".app-diff")).to_match_aria_snapshot(
        r"""
        - paragraph:
          - text: Residents wait
          - insertion: /\[added:\s*far\s*\]/
          - text: too long for
          - deletion: /\[removed:\s*decisions\s*\]/
          - insertion: /\[added:\s*answers\s*\]/
        """
    )
    expect(first).to_contain_text("Version 1, by Officer")
    expect(first.get_by_role("insertion")).to_have_text(["Residents wait too long for decisions"])
    expect(first.get_by_role("deletion")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Business scope", exact=True).click()  # the back link
    page.get_by_role("link", name="Check your answers").click()
    heading(page, "Check your answers: Business scope")
    expect(summary_value(page, "business-need")).to_have_text(
        "Residents wait far too long for answers"
    )
    assert_accessible(page)
    for key in ("business-need", "target-go-live", "partner-staff-in-scope"):
        page.get_by_role("link", name=f"Change {LABEL[key]}").click()
        expect(page).to_have_url(re.compile(f"/stages/{STAGE_KEY}#item-{key}$"))
        expect(item(page, key)).to_be_in_viewport()
        page.go_back()
    statement = STATEMENTS[2]
    page.get_by_role("link", name=f"Change {LABEL[statement]}").click()
    expect(page).to_have_url(re.compile(f"#item-{statement}$"))
    expect(item(page, statement).get_by_label("Evidence for this score")).to_be_in_viewport()


# --- 5. comments --------------------------------------------------------------------------


def test_a_comment_is_added_and_another_partner_resolves_it(
    new_context: CreateContextCallback, world: World
) -> None:
    north = signed_in(new_context, OFFICERS[NORTH])
    open_stage(north, world)
    autosaves: list[str] = []
    north.on("request", lambda r: autosaves.append(r.url) if "/answers/" in r.url else None)
    outcomes = item(north, "outcomes")
    outcomes.get_by_text("Comments", exact=True).click()
    box = outcomes.get_by_label("Add a comment")
    box.fill("Which year is the baseline from?")
    box.press("Tab")  # moving on from a comment saves no answer and keeps the comment
    expect(outcomes.get_by_role("button", name="Add comment")).to_be_focused()
    expect(box).to_have_value("Which year is the baseline from?")
    outcomes.get_by_role("button", name="Add comment").click()
    flash(north, "Comment added")
    expect(north).to_have_url(re.compile("#comments-outcomes$"))
    assert autosaves == []
    outcomes.get_by_text("Comments (1 open)").click()
    comment = outcomes.locator(".app-comment")
    expect(comment).to_contain_text(f"Officer, {NORTH}")
    expect(comment).to_contain_text("Which year is the baseline from?")
    assert_accessible(north)

    east = signed_in(new_context, OFFICERS[EAST])
    open_stage(east, world)
    outcomes = item(east, "outcomes")
    outcomes.get_by_text("Comments (1 open)").click()
    expect(outcomes.locator(".app-comment")).to_contain_text(f"Officer, {NORTH}")
    resolve = re.compile(r"^Mark as resolved\W+comment by Officer$")
    outcomes.get_by_role("button", name=resolve).click()
    flash(east, "Comment resolved")
    outcomes.get_by_text("Comments (0 open)").click()
    expect(outcomes.locator(".app-comment")).to_contain_text("(resolved)")
    expect(outcomes.get_by_role("button", name=re.compile("^Mark as resolved"))).to_have_count(0)
    assert_accessible(east)

    north.reload()
    expect(item(north, "outcomes").get_by_text("Comments (0 open)")).to_be_visible()


# --- signing off with an open warning, and revoking ---------------------------------------

GOVERNANCE = load_roadmap(ROADMAP_DIR).stage("governance")
assert GOVERNANCE is not None
RULE = next(h for h in GOVERNANCE.hints if h.key == "company-needs-vehicle")


def _answer(server: str, world: World, stage: Stage, who: str, key: str, value: Any) -> None:
    base = f"{server}/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}"
    with httpx.Client(headers=world.auth(who)) as api:
        current = api.get(base).json()
        versions = {
            a["key"]: a["version"] for a in current["shared_answers"] + current["my_answers"]
        }
        saved = api.put(
            f"{base}/answers/{key}", json={"value": value, "version": versions.get(key, 0)}
        )
        assert saved.status_code == 200, saved.text


def _governance_with_a_warning(server: str, world: World) -> None:
    for q in GOVERNANCE.questions:
        if not q.required:
            continue
        for who in ("officer",) if q.scope == "shared" else ("officer", "other_officer"):
            _answer(server, world, GOVERNANCE, who, q.key, sample_value(q))
    _answer(server, world, GOVERNANCE, "officer", "decision-body", "company-board")


def test_sign_with_an_acknowledged_warning_then_revoke_with_a_reason(
    new_context: CreateContextCallback, world: World, server: str
) -> None:
    _governance_with_a_warning(server, world)
    page: Page = signed_in(new_context, "signatory@northdale.example.org", javascript=False)
    stage_url = f"/partnerships/{world.partnership.id}/stages/governance"
    page.goto(f"{stage_url}/sign")
    heading(page, "Sign off Governance")
    warning = page.get_by_label(RULE.message)
    expect(warning).not_to_be_checked()
    assert_accessible_without_scripts(new_context, page)

    page.get_by_label("Enter your password to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign for my organisation").click()
    summary = error_summary(page)
    summary.get_by_role("link", name="open warning").click()
    assert_accessible_without_scripts(new_context, page)

    page.get_by_label(RULE.message).check()
    page.get_by_label("Enter your password to sign").fill(PASSWORD)
    page.get_by_role("button", name="Sign for my organisation").click()
    expect(page.get_by_text("You have signed Governance for your organisation")).to_be_visible()
    register = page.locator("table.app-register")
    expect(register).to_contain_text("Acknowledged 1 open warning")
    expect(register).to_contain_text(RULE.message)

    page.get_by_role("link", name="Revoke our sign-off").click()
    heading(page, "Revoke a signature on Governance")
    assert_accessible_without_scripts(new_context, page)
    page.get_by_role("button", name="Revoke the signature").click()
    summary = error_summary(page)
    expect(summary).to_contain_text("Enter the reason for revoking")
    expect(summary).to_contain_text("Confirm that your organisation's signature will stop counting")
    assert_accessible_without_scripts(new_context, page)

    page.get_by_label("Why are you revoking this signature?").fill("Our cabinet has not met yet")
    page.get_by_label("I understand that my organisation's signature will stop counting").check()
    page.get_by_role("button", name="Revoke the signature").click()
    expect(page.get_by_text("The signature is revoked")).to_be_visible()
    row = page.locator("table.app-register tr", has_text="Revoked")
    expect(row).to_contain_text("Our cabinet has not met yet")
    expect(row).to_contain_text("(Northdale District Council)")
    assert_accessible_without_scripts(new_context, page)
