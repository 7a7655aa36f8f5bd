"""Day 1 and signing in a real browser: three councils agree the funding formula (the lead
proposes, each officer enters its population, six chief executives and finance directors sign),
the same proposal without JavaScript, and a stage signed, superseded by a change and declined.

Each test makes its own partnership (the `server` fixture deletes it afterwards). Every distinct
page state, error pages included, must pass axe-core's WCAG 2.2 A and AA rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from app.funding.models import FundingInput
from app.partnerships.models import Role
from app.wizard.definition import Question, QuestionType, Stage
from app.wizard.flows import check_value
from app.wizard.models import SHARED_SCOPE
from app.wizard.service import save_answer
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, World, answer_terms, app_session, join, make_user, make_world
from tests.factories import three_councils as _three_councils

NORTH = "Northdale District Council"
EAST = "Eastbrook Borough Council"
WEST = "Westmoor Council"  # the third council of _three_councils
COUNCILS = {"lead": NORTH, "other": EAST, "third": WEST}
DOMAINS = {"lead": "northdale", "other": "eastbrook", "third": "westmoor"}
OFFICERS = {
    "lead": "officer@northdale.example.org",
    "other": "other_officer@eastbrook.example.org",
    "third": "officer@westmoor.example.org",
}
POPULATIONS = {"lead": "100000", "other": "150000", "third": "250000"}
LEAD = "lead@northdale.example.org"
WRONG = "not my password at all"
NOT_AGREED = "The funding formula is not agreed yet."
POPULATION = "In proportion to population"


# --- helpers ------------------------------------------------------------------------------


def signed_in(new_context: CreateContextCallback, email: str, *, javascript: bool = True) -> Page:
    """A browser of its own (with or without JavaScript), signed in as `email`."""
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def flash(page: Page, text: str) -> None:
    expect(page.get_by_text(text)).to_be_visible()


def error_summary(page: Page) -> Locator:
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    return summary


def assert_accessible_without_scripts(new_context: CreateContextCallback, page: Page) -> None:
    """axe-core on the page exactly as a browser without JavaScript shows it.

    axe cannot run where JavaScript is disabled, so the same HTML is loaded at the same address
    in another browser with the site's own scripts blocked: the same markup and styles. This
    works for pages that answer a POST too.
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


def table(page: Page, caption: str | re.Pattern[str]) -> Locator:
    return page.locator("table").filter(has=page.locator("caption", has_text=caption))


def row(where: Locator, name: str) -> Locator:
    """A table row by the header cell that starts it."""
    return where.locator("tr").filter(has=where.page.locator("th", has_text=name))


def cells(where: Locator, name: str) -> Locator:
    return row(where, name).locator("td")


def contributions(page: Page) -> Locator:
    return table(page, f"Contributions: {POPULATION.lower()}")


def every_method(page: Page) -> Locator:
    return table(page, "Total over the term under every method")


def agreement(page: Page) -> Locator:
    """The sentence under "Signatures": agreed or not, and the formula's fingerprint."""
    return page.locator("#signatures + p")


def banner(page: Page) -> Locator:
    return page.get_by_role("region").filter(has_text=NOT_AGREED)


# --- 1. Day 1 with three partners, with JavaScript ----------------------------------------


@pytest.fixture
def councils(server: str, live_app: FastAPI) -> World:
    """Northdale (lead), Eastbrook and Westmoor, each with an officer, a CEO and a CFO; the
    Day 1 terms answered (the formula cannot be signed while one is blank)."""
    with app_session(live_app) as db:
        world = _three_councils(db)
    with httpx.Client(base_url=server) as http:
        answer_terms(http, world, live_app.state.roadmap)
    return world


def funding_path(world: World) -> str:
    return f"/partnerships/{world.partnership.id}/funding"


def open_funding(page: Page, world: World) -> None:
    page.goto(funding_path(world))
    heading(page, "Day 1: funding formula")


def enter_population(page: Page, world: World, population: str) -> None:
    open_funding(page, world)
    page.get_by_label("Population", exact=True).fill(population)
    page.get_by_role("button", name="Save our figures").click()
    flash(page, "Your organisation's figures are saved")
    expect(page).to_have_url(re.compile("/funding#figures$"))


def sign(page: Page, password: str = PASSWORD) -> None:
    """Sign the formula, having read (and ticked) each open warning on the Day 1 terms."""
    boxes = page.locator('input[name="acknowledge"]')
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.get_by_label("Enter your password to sign").fill(password)
    page.get_by_role("button", name="Sign the funding formula").click()


def test_three_councils_agree_the_funding_formula_with_six_signatures(
    new_context: CreateContextCallback, councils: World
) -> None:
    world = councils
    lead = signed_in(new_context, LEAD)
    open_funding(lead, world)
    expect(banner(lead)).to_be_visible()
    expect(agreement(lead)).to_contain_text("Not agreed yet.")
    assert_accessible(lead)

    # The lead types the proposal; htmx recalculates the tables as they type, unsaved.
    lead.get_by_label(POPULATION).check()
    lead.get_by_label("One-off set-up cost").fill("0")
    lead.get_by_label("Annual running cost").fill("1,000,000")
    lead.get_by_label("Term").fill("1")
    tables = lead.locator("#funding-tables")
    expect(tables.get_by_text("Not saved", exact=True)).to_be_visible()
    # screen readers hear the recalculation: a status the tables' replacement does not replace
    expect(lead.get_by_role("status").filter(has_text="Recalculated")).to_have_text(
        "Recalculated from the proposal as typed, not saved. The contributions cannot be "
        f"worked out yet: {NORTH} has not entered its population; {EAST} has not entered its "
        f"population; {WEST} has not entered its population"
    )
    # No partner has entered its population yet: the split waits, the equal split does not.
    expect(tables).to_contain_text(f"{NORTH} has not entered its population")
    expect(contributions(lead)).to_have_count(0)
    expect(every_method(lead)).to_be_visible()
    for council in COUNCILS.values():
        expect(cells(every_method(lead), council).first).to_have_text(
            re.compile(r"^£333,333\.3[34]$")
        )
    assert_accessible(lead)
    lead.get_by_label("Annual running cost").fill("1,500,000")  # the tables follow the typing
    expect(cells(every_method(lead), NORTH).first).to_have_text("£500,000.00")
    lead.get_by_label("Annual running cost").fill("1,000,000")
    expect(cells(every_method(lead), NORTH).first).to_have_text(re.compile(r"^£333,333\.3"))
    lead.get_by_role("button", name="Save the proposal").click()
    flash(lead, "The funding proposal is saved.")
    expect(lead.get_by_text("Not saved", exact=True)).to_have_count(0)
    expect(lead.get_by_label(POPULATION)).to_be_checked()
    expect(lead.get_by_label("Annual running cost")).to_have_value("1000000.00")

    # Each partner's officer enters its own population.
    for key in COUNCILS:
        officer = signed_in(new_context, OFFICERS[key])
        enter_population(officer, world, POPULATIONS[key])
        if key == "lead":
            # officers read the proposal; only the lead changes it
            expect(officer.get_by_role("button", name="Save the proposal")).to_have_count(0)
            expect(officer.locator(".govuk-summary-list")).to_contain_text(POPULATION)
            assert_accessible(officer)
        officer.context.close()

    lead.reload()
    figures = table(lead, "Figures entered by each partner")
    for key, council in COUNCILS.items():
        expect(cells(figures, council).first).to_have_text(f"{int(POPULATIONS[key]):,}")
    expect(contributions(lead)).to_be_visible()
    for council, total in ((NORTH, "200,000.00"), (EAST, "300,000.00"), (WEST, "500,000.00")):
        expect(cells(contributions(lead), council).last).to_have_text(f"£{total}")
    expect(cells(contributions(lead), "Total").last).to_have_text("£1,000,000.00")
    # every method side by side: the figures it needs are missing for the driver, budget, fixed
    header = every_method(lead).locator("thead th")
    expect(header).to_have_count(7)
    population_column = [h.strip() for h in header.all_inner_texts()].index(POPULATION) - 1
    expect(cells(every_method(lead), WEST).nth(population_column)).to_have_text("£500,000.00")
    expect(row(every_method(lead), WEST)).to_contain_text("Figures missing")
    assert_accessible(lead)
    # the lead tries a bigger budget: the split follows as they type, and is not saved
    lead.get_by_label("Annual running cost").fill("2000000")
    expect(lead.get_by_text("Not saved", exact=True)).to_be_visible()
    expect(cells(contributions(lead), NORTH).last).to_have_text("£400,000.00")
    expect(lead.locator("#funding-status")).to_have_text(
        "Recalculated from the proposal as typed, not saved. "
        "The contributions table below shows the new figures."
    )
    assert_accessible(lead)
    open_funding(lead, world)
    expect(cells(contributions(lead), NORTH).last).to_have_text("£200,000.00")
    expect(lead.get_by_text("Not saved", exact=True)).to_have_count(0)

    # What if a partner left?
    lead.get_by_label("A partner leaves").select_option(label=WEST)
    lead.locator("form").filter(has=lead.get_by_label("A partner leaves")).get_by_role(
        "button", name="Show"
    ).click()
    what_if = table(lead, f"If {WEST} left: total over the term")
    expect(what_if).to_be_visible()
    expect(cells(what_if, NORTH)).to_have_text(["40.00%", "£400,000.00"])
    expect(cells(what_if, EAST)).to_have_text(["60.00%", "£600,000.00"])
    expect(row(what_if, WEST)).to_have_count(0)
    expect(lead.get_by_label("A partner leaves").locator("option:checked")).to_have_text(WEST)
    assert_accessible(lead)
    # ... or if another council joined
    lead.get_by_label("An organisation joins: its name").fill("Southvale Council")
    lead.get_by_label("Its population").fill("500000")
    lead.locator("form").filter(has=lead.get_by_label("Its population")).get_by_role(
        "button", name="Show"
    ).click()
    joined = table(lead, "If Southvale Council joined: total over the term")
    expect(cells(joined, "Southvale Council")).to_have_text(["50.00%", "£500,000.00"])
    expect(cells(joined, NORTH)).to_have_text(["10.00%", "£100,000.00"])
    expect(lead.get_by_label("Its population")).to_have_value("500000")

    # The six chief executives and finance directors sign, each with their password.
    matrix = table(lead, "Who has signed")
    signers = [(key, role) for key in COUNCILS for role in ("ceo", "cfo")]
    for turn, (key, role) in enumerate(signers):
        signer = signed_in(new_context, f"{role}@{DOMAINS[key]}.example.org")
        open_funding(signer, world)
        expect(signer.get_by_role("radio")).to_have_count(1)  # only the role they hold
        expect(
            signer.get_by_label("Chief executive" if role == "ceo" else "Finance director")
        ).to_be_checked()
        if turn == 0:
            sign(signer, WRONG)
            expect(signer).to_have_title(re.compile("^Error: Day 1"))
            summary = error_summary(signer)
            link = summary.get_by_role("link", name="Your password is not correct")
            expect(link).to_have_attribute("href", "#password")
            expect(signer.locator("#password-error")).to_contain_text(
                "Your password is not correct"
            )
            assert_accessible(signer)
            link.click()
            expect(signer.get_by_label("Enter your password to sign")).to_be_focused()
        sign(signer)
        flash(signer, "You have signed the funding formula for your organisation")
        expect(signer).to_have_url(re.compile("/funding#signatures$"))
        column = 0 if role == "ceo" else 1
        expect(cells(table(signer, "Who has signed"), COUNCILS[key]).nth(column)).to_contain_text(
            "Signed"
        )
        if turn == 0:
            assert_accessible(signer)
        if turn < len(signers) - 1:
            expect(agreement(signer)).to_contain_text("Not agreed yet.")
            signer.context.close()

    expect(agreement(signer)).to_contain_text("The funding formula is agreed.")
    expect(banner(signer)).to_have_count(0)
    lead.reload()
    for council in COUNCILS.values():
        expect(cells(matrix, council).locator(".govuk-tag")).to_have_text(["Signed", "Signed"])
    expect(agreement(lead)).to_contain_text("The funding formula is agreed.")
    expect(banner(lead)).to_have_count(0)
    assert_accessible(lead)
    lead.goto(f"/partnerships/{world.partnership.id}")
    expect(lead.get_by_role("link", name="Roadmap", exact=True)).to_be_visible()
    expect(banner(lead)).to_have_count(0)
    lead.goto(f"/partnerships/{world.partnership.id}/roadmap")
    heading(lead, "Roadmap")
    day1 = lead.locator(".govuk-task-list__item").filter(has_text="Day 1: ")
    expect(day1.locator(".govuk-task-list__status")).to_have_text("Agreed")
    expect(lead.get_by_text("1 of 10 stages agreed.")).to_be_visible()
    assert_accessible(lead)

    # A changed figure supersedes every signature: not agreed again, and each signer is shown
    # what changed since they signed.
    west = signed_in(new_context, OFFICERS["third"])
    enter_population(west, world, "250001")
    expect(agreement(west)).to_contain_text("Not agreed yet.")
    expect(banner(west)).to_be_visible()
    for council in COUNCILS.values():
        cell = cells(table(west, "Who has signed"), council)
        expect(cell.locator(".govuk-tag")).to_have_text(
            ["Changed since signed", "Changed since signed"]
        )
        cell.first.locator("summary").click()
        expect(cell.first.locator(".govuk-details__text")).to_contain_text(
            f"{WEST}: population: was 250000, now 250001"
        )
    signer.reload()
    expect(agreement(signer)).to_contain_text("Not agreed yet.")
    expect(signer.get_by_role("button", name="Sign the funding formula")).to_be_visible()
    lead.reload()
    expect(day1.locator(".govuk-task-list__status")).not_to_have_text("Agreed")
    expect(banner(lead)).to_be_visible()


# --- 2. the proposal without JavaScript ---------------------------------------------------


def test_without_javascript_the_lead_recalculates_then_saves_and_errors_link_to_fields(
    new_context: CreateContextCallback, councils: World, live_app: FastAPI
) -> None:
    world = councils
    with app_session(live_app) as db:
        for key, partner in (
            ("lead", world.lead_partner),
            ("other", world.other_partner),
        ):
            db.add(
                FundingInput(
                    partnership_id=world.partnership.id,
                    partner_id=partner.id,
                    updated_by=world.users["lead"].id,
                    population=Decimal(POPULATIONS[key]),
                )
            )
        db.commit()
    page = signed_in(new_context, LEAD, javascript=False)
    open_funding(page, world)
    expect(page.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))

    page.get_by_label(POPULATION).check()
    page.get_by_label("One-off set-up cost").fill("0")
    page.get_by_label("Annual running cost").fill("1000000")
    page.get_by_label("Term").fill("1")
    page.get_by_role("button", name="Recalculate without saving").click()
    heading(page, "Day 1: funding formula")
    expect(page.get_by_text("Not saved", exact=True)).to_be_visible()
    # Westmoor has no population yet: the proposal's split waits for it
    expect(page.locator("#funding-tables")).to_contain_text(f"{WEST} has not entered")
    expect(contributions(page)).to_have_count(0)
    expect(cells(every_method(page), NORTH).first).to_have_text(re.compile(r"^£333,333\.3"))
    expect(page.get_by_label("Annual running cost")).to_have_value("1000000")
    assert_accessible_without_scripts(new_context, page)

    # Once Westmoor's population is in, the recalculated split shows; still nothing is saved.
    west = signed_in(new_context, OFFICERS["third"], javascript=False)
    enter_population(west, world, POPULATIONS["third"])
    page.get_by_role("button", name="Recalculate without saving").click()
    expect(page.get_by_text("Not saved", exact=True)).to_be_visible()
    for council, total in ((NORTH, "200,000.00"), (EAST, "300,000.00"), (WEST, "500,000.00")):
        expect(cells(contributions(page), council).last).to_have_text(f"£{total}")
    open_funding(page, world)
    expect(contributions(page)).to_have_count(0)
    expect(page.get_by_text("Not saved", exact=True)).to_have_count(0)
    expect(page.get_by_label(POPULATION)).not_to_be_checked()

    # Figures that are not numbers are shown again, linked from the summary.
    page.get_by_label(POPULATION).check()
    page.get_by_label("One-off set-up cost").fill("0")
    page.get_by_label("Annual running cost").fill("abc")
    page.get_by_label("Term").fill("1")
    page.get_by_role("button", name="Save the proposal").click()
    expect(page).to_have_title(re.compile("^Error: Day 1"))
    summary = error_summary(page)
    message = "Enter the annual running cost as a number"
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(summary.get_by_role("link")).to_have_attribute("href", "#annual_cost")
    expect(page.locator("#annual_cost-error")).to_contain_text(message)
    expect(page.get_by_label("Annual running cost")).to_have_value("abc")
    expect(page.get_by_label(POPULATION)).to_be_checked()
    assert_accessible_without_scripts(new_context, page)
    # Recalculating says the same, and saves nothing either.
    page.get_by_role("button", name="Recalculate without saving").click()
    expect(error_summary(page).get_by_role("link")).to_have_text([message])
    page.get_by_label("Annual running cost").fill("1000000")
    page.get_by_label("Term").fill("0")
    page.get_by_role("button", name="Save the proposal").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        ["Enter the term as a whole number of years from 1 to 50"]
    )
    expect(page.locator("#years-error")).to_be_visible()

    page.get_by_label("Term").fill("1")
    page.get_by_role("button", name="Save the proposal").click()
    flash(page, "The funding proposal is saved.")
    expect(page.get_by_text("Not saved", exact=True)).to_have_count(0)
    for council, total in ((NORTH, "200,000.00"), (EAST, "300,000.00"), (WEST, "500,000.00")):
        expect(cells(contributions(page), council).last).to_have_text(f"£{total}")
    assert_accessible_without_scripts(new_context, page)


# --- 3. signing a stage -------------------------------------------------------------------


STAGE_KEY = "governance"
SAMPLE: dict[QuestionType, Any] = {
    QuestionType.SHORT_TEXT: "Chief executive of Northdale",
    QuestionType.LONG_TEXT: "Agreed text",
    QuestionType.YES_NO: "yes",
    QuestionType.NUMBER: "4",
    QuestionType.MONEY: "1000.00",
    QuestionType.DATE: "2027-04-01",
}


def sample(question: Question) -> Any:
    if question.type is QuestionType.SINGLE_CHOICE:
        return question.options[0].value
    if question.type is QuestionType.MULTIPLE_CHOICE:
        return [question.options[0].value]
    if question.type is QuestionType.SCALE:
        return int(question.min or 1)
    return SAMPLE[question.type]


def governance(app: FastAPI) -> Stage:
    stage: Stage | None = app.state.roadmap.stage(STAGE_KEY)
    assert stage is not None
    return stage


@pytest.fixture
def signatories(server: str, live_app: FastAPI) -> World:
    """Northdale and Eastbrook each with a signatory; governance's required answers given."""
    stage = governance(live_app)
    with app_session(live_app) as db:
        world = make_world(db)
        east = make_user(
            db, email="signatory@eastbrook.example.org", organisation=EAST, name="Esi Signatory"
        )
        join(db, world.partnership, east, [Role.SIGNATORY])
        world.users["other_signatory"] = east
        officers = {world.lead_partner.id: "officer", world.other_partner.id: "other_officer"}
        for q in stage.questions:
            if not q.required:
                continue
            scopes = [SHARED_SCOPE] if q.scope == "shared" else list(officers)
            for scope in scopes:
                save_answer(
                    db,
                    partnership_id=world.partnership.id,
                    stage_key=stage.key,
                    key=q.key,
                    scope=scope,
                    value=check_value(stage, q.key, sample(q)),
                    read_version=0,
                    user_id=world.users[officers.get(scope, "officer")].id,
                )
        db.commit()
    return world


def sign_off_row(page: Page, organisation: str) -> Locator:
    return cells(table(page, "Sign-off by partner"), organisation)


def test_a_signatory_signs_a_stage_a_change_supersedes_it_and_a_partner_declines(
    new_context: CreateContextCallback, signatories: World, live_app: FastAPI
) -> None:
    world, stage = signatories, governance(live_app)
    stage_path = f"/partnerships/{world.partnership.id}/stages/{STAGE_KEY}"
    shared = next(
        q for q in stage.questions if q.scope == "shared" and q.type is QuestionType.LONG_TEXT
    )

    north = signed_in(new_context, "signatory@northdale.example.org")
    north.goto(f"{stage_path}#sign-off")
    heading(north, stage.title)
    expect(north.get_by_text("0 of 2 partners have signed this stage")).to_be_visible()
    expect(sign_off_row(north, NORTH)).to_have_text("Not signed")
    north.get_by_role("button", name="Review and sign for your organisation").click()
    heading(north, f"Sign off {stage.title}")
    expect(north.locator(".govuk-summary-list").first).to_contain_text(shared.label)
    expect(north.locator(".govuk-summary-list").first).to_contain_text("Agreed text")
    fingerprint = north.locator("code.app-hash")
    expect(fingerprint).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(north.get_by_text("Fingerprint of this content (SHA-256)")).to_be_visible()
    signed_hash = fingerprint.inner_text()
    assert_accessible(north)

    north.get_by_label("Enter your password to sign").fill(WRONG)
    north.get_by_role("button", name="Sign for my organisation").click()
    expect(north).to_have_title(re.compile("^Error: Sign off"))
    link = error_summary(north).get_by_role("link", name="Your password is not correct")
    expect(link).to_have_attribute("href", "#password")
    expect(north.locator("#password-error")).to_contain_text("Your password is not correct")
    assert_accessible(north)
    link.click()
    expect(north.get_by_label("Enter your password to sign")).to_be_focused()
    north.get_by_label("Enter your password to sign").fill(PASSWORD)
    north.get_by_role("button", name="Sign for my organisation").click()
    flash(north, f"You have signed {stage.title} for your organisation")
    expect(north).to_have_url(re.compile(f"/stages/{STAGE_KEY}#sign-off$"))
    expect(north.get_by_text("1 of 2 partners have signed this stage")).to_be_visible()
    expect(sign_off_row(north, NORTH)).to_contain_text("Signed")
    expect(sign_off_row(north, NORTH).locator("code")).to_have_text(f"{signed_hash[:16]}…")
    expect(sign_off_row(north, EAST)).to_have_text("Not signed")
    expect(north.get_by_role("button", name="Review and sign for your organisation")).to_have_count(
        0
    )
    assert_accessible(north)

    # Eastbrook's officer changes a shared answer: Northdale's sign-off stops counting.
    officer = signed_in(new_context, "other_officer@eastbrook.example.org")
    officer.goto(stage_path)
    answer = officer.locator(f"#answer-{shared.key}")
    answer.evaluate("element => element.classList.add('test-before-save')")
    answer.get_by_label(shared.label).fill("Agreed text, with one more clause")
    officer.evaluate("() => document.activeElement && document.activeElement.blur()")
    replaced = officer.locator(f"#answer-{shared.key}:not(.test-before-save)")
    expect(replaced.get_by_role("status")).to_have_text("Saved")
    officer.context.close()

    north.reload()
    expect(north.get_by_text("0 of 2 partners have signed this stage")).to_be_visible()
    expect(sign_off_row(north, NORTH)).to_contain_text(
        "Changed since sign-off: Other_Officer changed an answer"
    )
    north.get_by_role("button", name="Review and sign for your organisation").click()
    changes = north.locator(".app-changes")
    expect(changes.get_by_role("heading", name="What changed since you signed")).to_be_visible()
    expect(changes).to_contain_text("Other_Officer changed an answer")
    expect(changes.locator("dt")).to_have_text(shared.label)
    expect(changes.get_by_role("insertion")).to_contain_text(["with one more clause"])
    expect(changes.get_by_role("deletion")).to_have_text(["text"])
    expect(north.locator("code.app-hash").first).not_to_have_text(signed_hash)
    expect(north.get_by_text("(superseded: the content changed)")).to_be_visible()
    assert_accessible(north)

    # Eastbrook's signatory declines, with a reason; the lead is told.
    east = signed_in(new_context, "signatory@eastbrook.example.org")
    east.goto(f"{stage_path}/sign")
    heading(east, f"Sign off {stage.title}")
    expect(east.locator(".app-changes")).to_have_count(0)  # Eastbrook never signed
    east.get_by_text("Decline to sign", exact=True).first.click()
    decline = east.locator("form").filter(
        has=east.get_by_label("Why your organisation cannot sign")
    )
    decline.get_by_role("button", name="Decline to sign").click()
    link = error_summary(east).get_by_role("link", name="Enter the reason for declining")
    expect(link).to_have_attribute("href", "#reason")
    expect(east.get_by_label("Why your organisation cannot sign")).to_be_visible()  # still open
    assert_accessible(east)
    east.get_by_label("Why your organisation cannot sign").fill(
        "Our cabinet has not approved the voting rule"
    )
    decline.get_by_role("button", name="Decline to sign").click()
    flash(east, "You have declined to sign. The partnership lead has been told.")
    expect(sign_off_row(east, EAST)).to_have_text(
        "Declined: Our cabinet has not approved the voting rule"
    )
    east.context.close()

    lead = signed_in(new_context, LEAD)
    lead.goto("/notifications")
    heading(lead, "Notifications")
    told = lead.locator(".app-notifications li").filter(has_text="declined to sign")
    expect(told).to_contain_text(
        f"Esi Signatory declined to sign {stage.title}: Our cabinet has not approved the voting rule"
    )
    expect(told.locator(".govuk-tag")).to_have_text("New")
    assert_accessible(lead)
    told.get_by_role("link").click()
    heading(lead, stage.title)
    expect(sign_off_row(lead, EAST)).to_contain_text("Declined: Our cabinet has not approved")
