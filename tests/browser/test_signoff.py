"""Signing off with an open consistency warning, and revoking, in a real browser without
JavaScript: each warning must be ticked before the signature is taken, and a revocation asks
for a reason and a confirmation, then shows in the register. Every page passes axe-core."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from app.core.paths import ROADMAP_DIR
from app.wizard.definition import Stage
from app.wizard.loader import load_roadmap
from tests.browser.test_wizard import (
    assert_accessible_without_scripts,
    error_summary,
    heading,
    signed_in,
)
from tests.factories import PASSWORD, World, app_session, make_world, sample_value

ROADMAP = load_roadmap(ROADMAP_DIR)
GOVERNANCE = ROADMAP.stage("governance")
assert GOVERNANCE is not None
RULE = next(h for h in GOVERNANCE.hints if h.key == "company-needs-vehicle")


@pytest.fixture
def world(server: str, live_app: FastAPI) -> World:
    with app_session(live_app) as db:
        return make_world(db)


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
