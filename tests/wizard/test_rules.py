"""Consistency rules: each one in the roadmap fires on a real contradiction and clears when
the answers agree; together they cover all nine dimensions and Day 1."""

from typing import Any

import pytest

from app.core.paths import ROADMAP_DIR
from app.wizard.definition import ConsistencyHint, Roadmap
from app.wizard.loader import load_roadmap
from app.wizard.models import SHARED_SCOPE
from app.wizard.progress import active_hints, hints_on

# rule key -> (the answer that sets it off, a contradicting (or blank) answer to the other
# question, an answer to it that agrees). Real values of the roadmap's questions.
CASES: dict[str, tuple[Any, Any, Any]] = {
    "staff-move-needs-tupe": ("yes", "no-staff-move", "tupe-transfer"),
    "residents-served-need-sign-in-decision": (["residents", "businesses"], None, "no"),
    "pension-strain-needs-pension-answer": (
        ["staff-costs", "redundancy-pension-strain"],
        None,
        "Strain costs are met by the employing partner.",
    ),
    "notice-period-needs-exit-provisions": ("12", "no", "yes"),
    "realised-savings-need-benefits-owner": ("by-realised-savings", None, "Head of finance"),
    "supplier-method-lock-in": (["supplier-specific"], None, "Data returned as CSV."),
    "single-sign-on-needs-identity-provider": (["saml", "scim"], "separate-accounts", "federated"),
    "company-needs-vehicle": ("company-board", "joint-committee", "company"),
    "no-change-manager": ("no", "no", "yes"),
    "citizen-sign-in-needs-dpia": ("yes", "not-required", "completed"),
    "citizen-sign-in-needs-confidence-level": ("yes", "no-sign-in", "medium"),
    "no-citizen-sign-in-but-confidence-level": ("no", "medium", "no-sign-in"),
    "federation-needs-trust": ("federated", "not-decided", "federation-agreement"),
    "personal-data-needs-lawful-basis": (["personal"], None, ["public-task"]),
    "special-data-needs-condition": (
        ["special-category"],
        None,
        "Substantial public interest: statutory purposes.",
    ),
    "personal-data-needs-dpia": (["children"], "not-started", "in-progress"),
    "outsourced-needs-procurement": ("public-cloud", "nothing-to-buy", "framework-call-off"),
    "untested-continuity": ("no", None, "A recovery test within four hours."),
    "sensitive-information-needs-staff-mfa": ("official-sensitive", "no", "yes"),
    "tupe-needs-consultation": ("tupe-transfer", "not-yet", "consulted"),
    "no-staff-move-contradicts-scope": ("no-staff-move", "yes", "no"),
    "no-staff-involvement": ("not-yet", None, "secondment"),
    "personal-messages-need-dsa": ("yes", "not-started", "drafting"),
    "round-the-clock-needs-availability": ("round-the-clock", "98.5", "99.9"),
    "round-the-clock-needs-quick-recovery": ("round-the-clock", "48", "24"),
}
# What each rule's trigger question is answered with when the rule must not fire.
QUIET: dict[str, Any] = {
    "staff-move-needs-tupe": "no",
    "residents-served-need-sign-in-decision": ["businesses"],
    "notice-period-needs-exit-provisions": "0",
    "realised-savings-need-benefits-owner": "equal",
    "single-sign-on-needs-identity-provider": ["scim"],
    "company-needs-vehicle": "joint-committee",
    "citizen-sign-in-needs-dpia": "no",
    "tupe-needs-consultation": "secondment",
    "round-the-clock-needs-availability": "office-hours",
}

ROADMAP = load_roadmap(ROADMAP_DIR)
RULES = {rule.key: (stage.key, rule) for stage in ROADMAP.stages for rule in stage.hints}


def _answers(stage: str, rule: ConsistencyHint, trigger: Any, target: Any) -> dict[Any, Any]:
    answers = {(stage, rule.if_question, SHARED_SCOPE): trigger}
    if target is not None:
        answers[(rule.then_stage, rule.then_question, SHARED_SCOPE)] = target
    return answers


def _open(roadmap: Roadmap, answers: dict[Any, Any]) -> set[str]:
    return {h.key for h in active_hints(roadmap, answers)}


def test_every_rule_in_the_roadmap_has_a_case() -> None:
    assert sorted(RULES) == sorted(CASES)


def test_the_rules_cover_every_dimension_and_day_1() -> None:
    assert len(RULES) >= 12
    touched = {stage for stage, _ in RULES.values()} | {r.then_stage for _, r in RULES.values()}
    assert touched == {s.key for s in ROADMAP.stages}
    assert len(touched) == 10
    assert ROADMAP.funding_stage.key in touched
    # every stage also starts at least one rule of its own: each dimension states a relation
    assert {stage for stage, _ in RULES.values()} == {s.key for s in ROADMAP.stages}


@pytest.mark.parametrize("key", sorted(CASES))
def test_a_rule_fires_on_a_contradiction(key: str) -> None:
    stage, rule = RULES[key]
    trigger, contradiction, _agreeing = CASES[key]
    answers = _answers(stage, rule, trigger, contradiction)
    assert key in _open(ROADMAP, answers)
    # and shows on both stages it links
    for end in (stage, rule.then_stage):
        assert key in {h.key for h in hints_on(ROADMAP, answers, end)}


@pytest.mark.parametrize("key", sorted(CASES))
def test_a_rule_clears_when_the_answers_agree(key: str) -> None:
    stage, rule = RULES[key]
    trigger, _contradiction, agreeing = CASES[key]
    assert key not in _open(ROADMAP, _answers(stage, rule, trigger, agreeing))


@pytest.mark.parametrize("key", sorted(CASES))
def test_a_rule_is_quiet_until_its_trigger_is_answered(key: str) -> None:
    stage, rule = RULES[key]
    _trigger, contradiction, _agreeing = CASES[key]
    assert key not in _open(ROADMAP, _answers(stage, rule, None, contradiction))
    if key in QUIET:
        assert key not in _open(ROADMAP, _answers(stage, rule, QUIET[key], contradiction))


def test_the_contradictions_the_issue_found_are_flagged() -> None:
    """Staff transfer under TUPE while staff are "not yet involved"; residents signing in
    while the identity stage says they don't: both answered, so a blank-only check missed them."""
    answers = {
        ("legal-issues", "staff-transfer", SHARED_SCOPE): "tupe-transfer",
        ("sustainability", "staff-consultation", SHARED_SCOPE): "not-yet",
        ("identity-management", "citizen-sign-in", SHARED_SCOPE): "yes",
        ("identity-management", "citizen-confidence-level", SHARED_SCOPE): "no-sign-in",
    }
    found = _open(ROADMAP, answers)
    assert {"tupe-needs-consultation", "citizen-sign-in-needs-confidence-level"} <= found


def test_a_number_that_is_not_a_number_does_not_meet_a_numeric_rule() -> None:
    stage, rule = RULES["round-the-clock-needs-availability"]
    assert rule.key in _open(ROADMAP, _answers(stage, rule, "round-the-clock", "lots"))
