"""Identity in a real browser: invitations, signing in, passwords, roles and withdrawal.

Each test makes its own people and partnerships (the `server` fixture deletes them afterwards).
No SMTP server is configured, so mail stays in the outbox table, where the tests read the links
from. Every distinct page, error pages included, must pass axe-core's WCAG 2.2 A and AA rules.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback
from sqlmodel import col, select

from app.core.database import fetch
from app.mail.models import OutboxMessage
from app.partnerships.models import Partnership, Role
from app.partnerships.service import invite_partner, invite_person, start_partnership
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, TEST_ACTOR, app_session, join, mail_text, make_user

NORTH = "Northdale District Council"
EAST = "Eastbrook Borough Council"
SOUTH = "Southvale District Council"
WEST = "Westmoor District Council"
PARTNERSHIP = "Northdale shared revenues"
NEW_PASSWORD = "quiet otter paints seven lanterns"
LINK = re.compile(r"https?://[^/\s]+(/\S+\?token=\S+)")


# --- helpers ------------------------------------------------------------------------------


def fill_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Complete the sign-in form already on screen (keeping its `next`)."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    fill_sign_in(page, email, password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def newest_link(app: FastAPI, to: str) -> str:
    """The path of the link in the newest email to `to` (as the person would click it)."""
    with app_session(app) as db:
        message = db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to == to)
            .order_by(col(OutboxMessage.created_at).desc())
        ).first()
    assert message is not None, f"no email to {to}"
    match = LINK.search(mail_text(message))
    assert match, message.body
    return match.group(1)


def accept(page: Page, link: str, name: str, password: str = PASSWORD) -> None:
    """Open an invitation link, choose a name and password, and join."""
    page.goto(link)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Confirm the password").fill(password)
    page.get_by_role("button", name="Accept and join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("You have joined the partnership. Sign in to start.")).to_be_visible()


def assert_accessible_without_scripts(new_context: CreateContextCallback, path: str) -> None:
    """axe-core on the page as a browser without JavaScript shows it.

    axe cannot run where JavaScript is disabled (it waits on timers that never fire), so the page
    is loaded with the site's own scripts blocked instead: the same markup and styles.
    """
    context = new_context()
    context.route(re.compile(r"\.m?js(\?|$)"), lambda route: route.abort())
    page = context.new_page()
    page.goto(path)
    expect(page.locator("body")).not_to_have_class(re.compile("js-enabled"))
    assert_accessible(page)
    context.close()


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def error_summary(page: Page) -> Locator:
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    return summary


def lead_and_partnership(app: FastAPI) -> str:
    """A partnership led by lead@northdale; returns its id."""
    with app_session(app) as db:
        lead = make_user(db, email="lead@northdale.example.org", organisation=NORTH)
        partnership = start_partnership(
            db,
            TEST_ACTOR,
            creator=lead,
            name=PARTNERSHIP,
            service="Revenues",
            description="",
            roadmap_version="2026.1",
        )
        db.commit()
        return partnership.id


# --- the journey --------------------------------------------------------------------------


def test_lead_invites_two_councils_and_their_people_join(
    page: Page, new_context: CreateContextCallback, server: str, live_app: FastAPI
) -> None:
    with app_session(live_app) as db:
        make_user(db, email="lead@northdale.example.org", organisation=NORTH, name="Nia Lead")
        make_user(db, email="someone@westmoor.example.org", organisation=WEST)
        db.commit()

    # The lead signs in and starts a partnership.
    page.goto("/sign-in")
    heading(page, "Sign in")
    assert_accessible(page)
    fill_sign_in(page, "lead@northdale.example.org")
    heading(page, "Your partnerships")
    expect(page.get_by_text("You are not part of a partnership yet")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start a partnership").click()
    heading(page, "Start a partnership")
    assert_accessible(page)
    page.get_by_role("button", name="Start the partnership").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link", name="Enter a name for the partnership")).to_be_visible()
    expect(summary.get_by_role("link", name="Enter the service to be shared")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name of the partnership").fill(PARTNERSHIP)
    page.get_by_label("Service to be shared").fill("Revenues and benefits")
    page.get_by_role("button", name="Start the partnership").click()
    expect(page.get_by_text("Partnership started")).to_be_visible()
    heading(page, PARTNERSHIP)
    expect(page.get_by_text("Partnership lead", exact=True)).to_be_visible()
    assert_accessible(page)
    home = page.url
    pid = home.rstrip("/").rsplit("/", 1)[-1]

    # ... and invites two councils.
    page.get_by_role("link", name="Partners and people").click()
    heading(page, "Partners and people")
    assert_accessible(page)
    page.get_by_role("button", name="Invite a partner organisation").click()
    heading(page, "Invite a partner organisation")
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    summary = error_summary(page)
    for message in (
        "Enter the name of the organisation",
        "Enter an email address in the correct format, like name@example.org",
        "Select at least one role",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    assert_accessible(page)
    summary.get_by_role("link", name="Select at least one role").click()
    expect(page.get_by_label("Lead for their organisation")).to_be_focused()
    for organisation, email, roles in (
        (EAST, "officer@eastbrook.example.org", ["Officer"]),
        (SOUTH, "lead@southvale.example.org", ["Lead for their organisation", "Officer"]),
    ):
        page.goto(f"/partnerships/{pid}/invite")
        page.get_by_label("Name of the organisation").fill(organisation)
        page.get_by_label("Email address of the person to invite").fill(email)
        for role in roles:
            page.get_by_label(role, exact=True).check()
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_text(f"Invitation sent to {email} for {organisation}")).to_be_visible()
    heading(page, "Partners and people")
    expect(page.get_by_text("Pending, until")).to_have_count(2)
    assert_accessible(page)

    # Each invitee follows the emailed link, chooses a password, signs in and sees it.
    east = new_context().new_page()
    east.goto(newest_link(live_app, "officer@eastbrook.example.org"))
    heading(east, f"Join {PARTNERSHIP}")
    expect(east.get_by_text(EAST)).to_be_visible()
    assert_accessible(east)
    east.get_by_label("Full name").fill("Ed Officer")
    east.get_by_label("Choose a password").fill(PASSWORD)
    east.get_by_label("Confirm the password").fill("not the same password")
    east.get_by_role("button", name="Accept and join").click()
    expect(error_summary(east).get_by_role("link")).to_have_text("The passwords do not match")
    assert_accessible(east)
    accept(east, newest_link(live_app, "officer@eastbrook.example.org"), "Ed Officer")
    assert_accessible(east)
    fill_sign_in(east, "officer@eastbrook.example.org")
    heading(east, PARTNERSHIP)  # straight to the partnership they joined
    east.get_by_role("link", name="Your partnerships").click()
    expect(east.get_by_role("link", name=PARTNERSHIP)).to_be_visible()
    expect(east.get_by_role("row", name=PARTNERSHIP)).to_contain_text("Officer")

    south = new_context().new_page()
    accept(south, newest_link(live_app, "lead@southvale.example.org"), "Sam Southlead")
    fill_sign_in(south, "lead@southvale.example.org")
    south.get_by_role("link", name="Your partnerships").click()
    expect(south.get_by_role("row", name=PARTNERSHIP)).to_contain_text(
        "Lead for their organisation, Officer"
    )

    # The second council's lead invites a colleague, who accepts.
    south.get_by_role("link", name=PARTNERSHIP).click()
    south.get_by_role("link", name="Partners and people").click()
    expect(south.get_by_role("button", name="Invite a partner organisation")).to_have_count(0)
    expect(south.get_by_role("link", name=f"Invite someone from {EAST}")).to_have_count(0)
    south.get_by_role("link", name=f"Invite someone from {SOUTH}").click()
    heading(south, "Invite someone from the same organisation")
    assert_accessible(south)
    south.get_by_label("Email address").fill("signatory@southvale.example.org")
    south.get_by_label("Signatory", exact=True).check()
    south.get_by_label("Authority for a signing role").fill("Southvale scheme of delegation 4.2")
    south.get_by_role("button", name="Send invitation").click()
    expect(south.get_by_text("Invitation sent to signatory@southvale.example.org")).to_be_visible()

    colleague = new_context().new_page()
    accept(colleague, newest_link(live_app, "signatory@southvale.example.org"), "Sue Signatory")
    fill_sign_in(colleague, "signatory@southvale.example.org")
    colleague.get_by_role("link", name="Your partnerships").click()
    expect(colleague.get_by_role("row", name=PARTNERSHIP)).to_contain_text("Signatory")

    # The first council's officer sees everyone but can change nothing.
    east.goto(f"/partnerships/{pid}/people")
    for person in ("Nia Lead", "Ed Officer", "Sam Southlead", "Sue Signatory"):
        expect(east.get_by_role("cell", name=person, exact=True)).to_be_visible()
    expect(east.get_by_role("button", name="Invite a partner organisation")).to_have_count(0)
    expect(east.get_by_role("link", name=re.compile("^Invite someone"))).to_have_count(0)
    expect(east.get_by_role("link", name=re.compile("^Withdraw"))).to_have_count(0)
    expect(east.get_by_role("button", name=re.compile("^Withdraw"))).to_have_count(0)
    expect(east.get_by_role("link", name=re.compile("^Change roles"))).to_have_count(0)
    response = east.goto(f"/partnerships/{pid}/invite")
    assert response is not None and response.status == 403
    heading(east, "You cannot do this")
    assert_accessible(east)
    # The lead sees the actions for every partner.
    page.reload()
    expect(page.get_by_role("link", name=f"Withdraw {EAST} from the partnership")).to_be_visible()
    expect(page.get_by_role("link", name=f"Invite someone from {SOUTH}")).to_be_visible()

    # Someone from a fourth council is told the page is not found.
    outsider = new_context().new_page()
    sign_in(outsider, "someone@westmoor.example.org")
    response = outsider.goto(home)
    assert response is not None and response.status == 404
    heading(outsider, "Page not found")
    assert_accessible(outsider)

    # The activity page records the invitations and their acceptance.
    page.get_by_role("link", name="Activity").click()
    heading(page, "Activity")
    activity = page.get_by_role("table")
    for email in (
        "officer@eastbrook.example.org",
        "lead@southvale.example.org",
        "signatory@southvale.example.org",
    ):
        expect(activity.get_by_role("row", name=f"Sent an invitation: {email}")).to_have_count(1)
        expect(activity.get_by_role("row", name=f"Accepted an invitation: {email}")).to_have_count(
            1
        )
    expect(activity.get_by_role("row", name="Started the partnership")).to_have_count(1)
    expect(activity.get_by_role("row", name="Joined the partnership")).to_have_count(2)
    assert_accessible(page)


# --- signing in and out, and passwords ------------------------------------------------------


def test_sign_in_errors_link_to_their_fields(page: Page, server: str, live_app: FastAPI) -> None:
    with app_session(live_app) as db:
        make_user(db, email="lead@northdale.example.org", organisation=NORTH)
        db.commit()
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(
        ["Enter your email address", "Enter your password"]
    )
    expect(page.locator("#email-error")).to_contain_text("Enter your email address")
    expect(page.locator("#password-error")).to_contain_text("Enter your password")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    summary.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()

    # A wrong password says only that the pair is wrong, and keeps the email address.
    page.get_by_label("Email address").fill("lead@northdale.example.org")
    page.get_by_label("Password", exact=True).fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text("Enter a correct email address and password")
    expect(page.get_by_label("Email address")).to_have_value("lead@northdale.example.org")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    assert_accessible(page)
    # An address with no account gets exactly the same answer.
    page.get_by_label("Email address").fill("nobody@northdale.example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        "Enter a correct email address and password"
    )
    fill_sign_in(page, "lead@northdale.example.org")
    heading(page, "Your partnerships")


def test_forgotten_password_is_reset_through_the_emailed_link(
    page: Page, server: str, live_app: FastAPI
) -> None:
    with app_session(live_app) as db:
        make_user(db, email="lead@northdale.example.org", organisation=NORTH)
        db.commit()
    page.goto("/sign-in")
    page.get_by_role("link", name="I have forgotten my password").click()
    heading(page, "Reset your password")
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        "Enter an email address in the correct format, like name@example.org"
    )
    assert_accessible(page)
    page.get_by_label("Email address").fill("lead@northdale.example.org")
    page.get_by_role("button", name="Send the link").click()
    heading(page, "Check your email")
    expect(page.get_by_text("If lead@northdale.example.org has an account")).to_be_visible()
    assert_accessible(page)

    link = newest_link(live_app, "lead@northdale.example.org")
    assert link.startswith("/reset-password?token=")
    page.goto(link)
    heading(page, "Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("Confirm the new password").fill("too short")
    page.get_by_role("button", name="Change password").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        "Password must be 12 characters or more"
    )
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    heading(page, "Sign in")
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert_accessible(page)

    # The old password no longer works; the new one does.
    fill_sign_in(page, "lead@northdale.example.org", PASSWORD)
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    fill_sign_in(page, "lead@northdale.example.org", NEW_PASSWORD)
    heading(page, "Your partnerships")

    # The link works once.
    response = page.goto(link)
    assert response is not None and response.status == 400
    heading(page, "This link has expired")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    assert_accessible(page)


def test_change_password_from_the_account_page(page: Page, server: str, live_app: FastAPI) -> None:
    with app_session(live_app) as db:
        make_user(db, email="lead@northdale.example.org", organisation=NORTH, name="Nia Lead")
        db.commit()
    sign_in(page, "lead@northdale.example.org")
    page.get_by_role("link", name="Your account").click()
    heading(page, "Your account")
    expect(page.get_by_text("lead@northdale.example.org")).to_be_visible()
    expect(page.get_by_text(NORTH)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change password").click()
    heading(page, "Change your password")
    assert_accessible(page)

    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text("Your current password is not correct")
    expect(page.locator("#current-error")).to_contain_text("Your current password is not correct")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Current password")).to_be_focused()

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    heading(page, "Your account")
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    assert_accessible(page)

    # Still signed in here; the new password is the one that works from now on.
    page.get_by_role("button", name="Sign out").click()
    heading(page, "You have signed out")
    page.get_by_role("link", name="Sign in again").click()
    fill_sign_in(page, "lead@northdale.example.org", PASSWORD)
    expect(error_summary(page)).to_contain_text("Enter a correct email address and password")
    fill_sign_in(page, "lead@northdale.example.org", NEW_PASSWORD)
    heading(page, "Your partnerships")


def test_sign_out_from_the_header(page: Page, server: str, live_app: FastAPI) -> None:
    with app_session(live_app) as db:
        make_user(db, email="lead@northdale.example.org", organisation=NORTH)
        db.commit()
    sign_in(page, "lead@northdale.example.org")
    page.goto("/account")
    heading(page, "Your account")
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    heading(page, "You have signed out")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)

    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Faccount$"))
    heading(page, "Sign in")
    # Signing in again goes back to the page asked for.
    fill_sign_in(page, "lead@northdale.example.org")
    heading(page, "Your account")


# --- invitations, withdrawal --------------------------------------------------------------


def test_invitation_can_be_accepted_without_javascript(
    new_context: CreateContextCallback, server: str, live_app: FastAPI
) -> None:
    pid = lead_and_partnership(live_app)
    with app_session(live_app) as db:
        lead = make_user(db, email="deputy@northdale.example.org", organisation=NORTH)
        invite_partner(
            db,
            TEST_ACTOR,
            partnership=fetch(db, Partnership, pid),
            inviter=lead,
            email="officer@eastbrook.example.org",
            organisation_name=EAST,
            roles=[Role.OFFICER],
            base_url="http://testserver",
        )
        db.commit()
    page = new_context(java_script_enabled=False).new_page()
    link = newest_link(live_app, "officer@eastbrook.example.org")
    page.goto(link)
    heading(page, f"Join {PARTNERSHIP}")
    expect(page.locator("body")).not_to_have_class(re.compile("govuk-frontend-supported"))
    assert_accessible_without_scripts(new_context, link)
    page.get_by_label("Full name").fill("Ed Officer")
    page.get_by_role("button", name="Accept and join").click()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        "Password must be 12 characters or more"
    )
    accept(page, link, "Ed Officer")
    fill_sign_in(page, "officer@eastbrook.example.org")
    heading(page, PARTNERSHIP)
    page.get_by_role("link", name="Your partnerships").click()
    expect(page.get_by_role("row", name=PARTNERSHIP)).to_contain_text("Officer")
    page.get_by_role("button", name="Sign out").click()
    heading(page, "You have signed out")


def test_lead_withdraws_a_partner(page: Page, server: str, live_app: FastAPI) -> None:
    pid = lead_and_partnership(live_app)
    with app_session(live_app) as db:
        officer = make_user(db, email="officer@eastbrook.example.org", organisation=EAST)
        partner = join(db, fetch(db, Partnership, pid), officer, [Role.OFFICER])
        invite_person(
            db,
            TEST_ACTOR,
            partner=partner,
            inviter=officer,
            email="colleague@eastbrook.example.org",
            roles=[Role.VIEWER],
            base_url="http://testserver",
        )
        db.commit()
    sign_in(page, "lead@northdale.example.org")
    page.goto(f"/partnerships/{pid}/people")
    east = page.locator(".govuk-summary-card").filter(has_text=EAST)
    expect(east.locator(".govuk-tag")).to_have_text("Active")
    expect(east.get_by_role("button", name=re.compile("^Send again"))).to_be_visible()
    page.get_by_role("link", name=f"Withdraw {EAST} from the partnership").click()
    heading(page, f"Withdraw {EAST} from the partnership")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw the partner").click()
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text("Enter the reason the partner is withdrawing")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Reason for withdrawing")).to_be_focused()
    page.get_by_label("Reason for withdrawing").fill("Eastbrook is merging with Westmoor")
    page.get_by_role("button", name="Withdraw the partner").click()

    heading(page, "Partners and people")
    expect(page.get_by_text("The partner has withdrawn")).to_be_visible()
    expect(east.locator(".govuk-tag")).to_have_text("Withdrawn")
    expect(east).to_contain_text("Eastbrook is merging with Westmoor")
    expect(page.get_by_role("link", name=re.compile("^Withdraw "))).to_have_count(0)
    expect(page.get_by_role("link", name=f"Invite someone from {EAST}")).to_have_count(0)
    # Its open invitation is withdrawn with it, and cannot be sent again.
    expect(east.get_by_role("row", name="colleague@eastbrook.example.org")).to_contain_text(
        "Withdrawn"
    )
    expect(east.get_by_role("button")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Activity").click()
    expect(
        page.get_by_role("row", name="Withdrew a partner: Eastbrook is merging with Westmoor")
    ).to_have_count(1)


def test_invitations_can_be_sent_again_or_withdrawn(
    page: Page, new_context: CreateContextCallback, server: str, live_app: FastAPI
) -> None:
    pid = lead_and_partnership(live_app)
    with app_session(live_app) as db:
        lead = make_user(db, email="deputy@northdale.example.org", organisation=NORTH)
        for email in ("first@eastbrook.example.org", "second@eastbrook.example.org"):
            invite_partner(
                db,
                TEST_ACTOR,
                partnership=fetch(db, Partnership, pid),
                inviter=lead,
                email=email,
                organisation_name=EAST,
                roles=[Role.OFFICER],
                base_url="http://testserver",
            )
        db.commit()
    old_link = newest_link(live_app, "first@eastbrook.example.org")
    sign_in(page, "lead@northdale.example.org")
    page.goto(f"/partnerships/{pid}/people")
    invitations = page.get_by_role("table", name="Invitations not yet accepted")
    expect(invitations.get_by_role("row")).to_have_count(3)

    page.get_by_role("button", name="Send again to first@eastbrook.example.org").click()
    expect(
        page.get_by_text("A new invitation link has been sent to first@eastbrook.example.org")
    ).to_be_visible()
    new_link = newest_link(live_app, "first@eastbrook.example.org")
    assert new_link != old_link

    page.get_by_role(
        "button", name="Withdraw the invitation to second@eastbrook.example.org"
    ).click()
    expect(page.get_by_text("Invitation to second@eastbrook.example.org withdrawn")).to_be_visible()
    expect(invitations.get_by_role("row", name="second@eastbrook.example.org")).to_contain_text(
        "Withdrawn"
    )
    expect(
        page.get_by_role("button", name="Withdraw the invitation to second@eastbrook.example.org")
    ).to_have_count(0)
    assert_accessible(page)

    invitee = new_context().new_page()
    for link in (old_link, newest_link(live_app, "second@eastbrook.example.org")):
        response = invitee.goto(link)
        assert response is not None and response.status == 400
        heading(invitee, "This invitation link cannot be used")
    assert_accessible(invitee)
    accept(invitee, new_link, "Fran First")
    fill_sign_in(invitee, "first@eastbrook.example.org")
    heading(invitee, PARTNERSHIP)

    page.get_by_role("link", name="Activity").click()
    for text in (
        "Sent an invitation again: first@eastbrook.example.org",
        "Withdrew an invitation: second@eastbrook.example.org",
        "Accepted an invitation: first@eastbrook.example.org",
    ):
        expect(page.get_by_role("row", name=text)).to_have_count(1)
