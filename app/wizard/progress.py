"""Where each stage stands, from the answers alone (pure functions, no database).

Sign-off states (signed by k of n, agreed, changed since sign-off) are layered on top by the
sign-off domain; this module knows what has been answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.wizard.definition import ConsistencyHint, QuestionType, Roadmap, Stage
from app.wizard.models import SHARED_SCOPE

# An answer as the progress rules see it: (stage, question or statement, scope) -> value
AnswerMap = dict[tuple[str, str, str], Any]


class StageState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    READY = "ready"  # every required answer given by every partner: ready for sign-off


class PartnerState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"  # its own required answers given and its scores submitted


STATE_LABELS = {
    StageState.NOT_STARTED: "Not started",
    StageState.IN_PROGRESS: "In progress",
    StageState.READY: "Ready for sign-off",
    PartnerState.COMPLETE: "Complete",
}


@dataclass(frozen=True)
class Hint:
    """A consistency warning: shown on both stages it links."""

    key: str
    stage_key: str
    then_stage: str
    message: str


@dataclass
class StageProgress:
    stage: Stage
    state: StageState
    partners: dict[str, PartnerState]
    shared_answered: int
    shared_required: int
    missing_shared: list[str] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)


def _given(value: Any) -> bool:
    return value not in (None, "", [])


def _number(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _meets(
    value: Any,
    *,
    any_of: list[str],
    none_of: list[str],
    at_least: Decimal | None,
    at_most: Decimal | None,
) -> bool:
    """Whether a given answer passes every test asked of it (a multiple choice: `any_of`
    when one ticked value is among them, `none_of` when none is)."""
    chosen = set(value) if isinstance(value, list) else {value}
    if any_of and not chosen & set(any_of):
        return False
    if none_of and chosen & set(none_of):
        return False
    if at_least is None and at_most is None:
        return True
    number = _number(value)
    return (
        number is not None
        and (at_least is None or number >= at_least)
        and (at_most is None or number <= at_most)
    )


def rule_fires(rule: ConsistencyHint, trigger: Any) -> bool:
    """Whether the answer `trigger` (to the rule's `if_question`) sets the rule off."""
    return _given(trigger) and _meets(
        trigger,
        any_of=rule.if_values,
        none_of=[],
        at_least=rule.if_at_least,
        at_most=rule.if_at_most,
    )


def rule_met(rule: ConsistencyHint, target: Any) -> bool:
    """Whether the answer `target` (to the rule's `then_question`) satisfies the rule."""
    return _given(target) and _meets(
        target,
        any_of=rule.then_values,
        none_of=rule.then_not_values,
        at_least=rule.then_at_least,
        at_most=rule.then_at_most,
    )


def active_hints(roadmap: Roadmap, answers: AnswerMap) -> list[Hint]:
    """Every consistency rule that fires and is not met on the shared answers: the open
    warnings. Shared answers only (no per-partner loops): stage pages compute it each time."""
    found = []
    for stage in roadmap.stages:
        for rule in stage.hints:
            trigger = answers.get((stage.key, rule.if_question, SHARED_SCOPE))
            target = answers.get((rule.then_stage, rule.then_question, SHARED_SCOPE))
            if rule_fires(rule, trigger) and not rule_met(rule, target):
                found.append(Hint(rule.key, stage.key, rule.then_stage, rule.message))
    return found


def hints_on(roadmap: Roadmap, answers: AnswerMap, stage_key: str) -> list[Hint]:
    """The open warnings that concern one stage (either end of the rule)."""
    return [h for h in active_hints(roadmap, answers) if stage_key in (h.stage_key, h.then_stage)]


@dataclass(frozen=True)
class OwnProgress:
    """How many of a partner's own items in a stage it has answered: its required questions
    and statements, and any of them at all."""

    required: int = 0
    given: int = 0


# (stage key, partner id) -> what that partner has answered of its own items there
OwnCounts = Mapping[tuple[str, str], OwnProgress]


def own_items(stage: Stage) -> tuple[list[str], list[str]]:
    """The keys a partner answers for itself in `stage`: all of them, and the required ones
    (its required questions and every readiness statement)."""
    own = [q for q in stage.questions if q.scope == "partner"]
    every = [q.key for q in own] + [s.key for s in stage.statements]
    required = [q.key for q in own if q.required] + [s.key for s in stage.statements]
    return every, required


WEIGHT_SCALE = 100  # weights have at most two decimal places: sums stay whole numbers


@dataclass(frozen=True)
class Figures:
    """What one partner has done on one stage, as `PartnerStage` keeps it (see there)."""

    given: int = 0
    required_given: int = 0
    scored: int = 0
    weighted: int = 0
    weights: int = 0
    low: int = 0
    evidence_until: date | None = None
    drivers: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)


def score_of(value: Any) -> int | None:
    """The 0-4 score in a stored readiness answer, or None."""
    score = value.get("score") if isinstance(value, dict) else None
    return score if isinstance(score, int) and not isinstance(score, bool) else None


def figures(stage: Stage, own: Mapping[str, Any], action_below: int) -> Figures:
    """A partner's figures on `stage` from its own answers there (key -> stored value)."""
    every, required = own_items(stage)
    given = [k for k in every if _given(own.get(k))]
    scored, weighted, weights, low = 0, 0, 0, 0
    until: date | None = None
    drivers: dict[str, tuple[int, int, int]] = {}
    for statement in stage.statements:
        value = own.get(statement.key)
        score = score_of(value)
        if score is None:
            continue
        weight = int(statement.weight * WEIGHT_SCALE)
        scored, weighted, weights = scored + 1, weighted + weight * score, weights + weight
        low += score < action_below
        valid = value.get("valid_until") if isinstance(value, dict) else None
        if valid:
            day = date.fromisoformat(str(valid))
            until = day if until is None or day < until else until
        ws, w, n = drivers.get(statement.driver.value, (0, 0, 0))
        drivers[statement.driver.value] = (ws + weight * score, w + weight, n + 1)
    return Figures(
        given=len(given),
        required_given=sum(1 for k in given if k in required),
        scored=scored,
        weighted=weighted,
        weights=weights,
        low=low,
        evidence_until=until,
        drivers=drivers,
    )


def partner_state(required: int, progress: OwnProgress, submitted: bool) -> PartnerState:
    """How far one partner has got with its own questions and readiness scores (`required`:
    how many of its own items the stage requires)."""
    if submitted and progress.required >= required:
        return PartnerState.COMPLETE
    return PartnerState.IN_PROGRESS if progress.given or submitted else PartnerState.NOT_STARTED


def stage_progress(
    roadmap: Roadmap,
    shared: AnswerMap,
    own: OwnCounts,
    partner_ids: Iterable[str],
    submissions: set[tuple[str, str]],
    *,
    only: Stage | None = None,
) -> list[StageProgress]:
    """The state of every stage (or `only` one), overall and per active partner.

    `shared` holds the shared answers (of every stage: consistency hints look across them);
    `own` says what each partner has answered of its own items; `submissions` holds (stage
    key, partner id) for each partner that submitted its scores.
    """
    partner_ids = list(partner_ids)
    hints = active_hints(roadmap, shared)
    result = []
    for stage in [only] if only is not None else roadmap.stages:
        questions = [q for q in stage.questions if q.scope == "shared"]
        required = [q for q in questions if q.required]
        missing = [
            q.key for q in required if not _given(shared.get((stage.key, q.key, SHARED_SCOPE)))
        ]
        answered = sum(1 for q in questions if _given(shared.get((stage.key, q.key, SHARED_SCOPE))))
        needed = len(own_items(stage)[1])
        partners = {
            pid: partner_state(
                needed,
                own.get((stage.key, pid), OwnProgress()),
                (stage.key, pid) in submissions,
            )
            for pid in partner_ids
        }
        if not missing and partners and all(s is PartnerState.COMPLETE for s in partners.values()):
            state = StageState.READY
        elif answered or any(s is not PartnerState.NOT_STARTED for s in partners.values()):
            state = StageState.IN_PROGRESS
        else:
            state = StageState.NOT_STARTED
        result.append(
            StageProgress(
                stage=stage,
                state=state,
                partners=partners,
                shared_answered=answered,
                shared_required=len(required),
                missing_shared=missing,
                hints=[h for h in hints if stage.key in (h.stage_key, h.then_stage)],
            )
        )
    return result


def display_value(question_type: QuestionType, value: Any, labels: dict[str, str]) -> str:
    """An answer as a person reads it on a summary list."""
    if not _given(value):
        return ""
    if question_type is QuestionType.MULTIPLE_CHOICE:
        return ", ".join(labels.get(v, v) for v in value)
    if question_type is QuestionType.SINGLE_CHOICE:
        return str(labels.get(value, value))
    if question_type is QuestionType.YES_NO:
        return "Yes" if value == "yes" else "No"
    if question_type is QuestionType.DATE:
        day = date.fromisoformat(value)
        return f"{day.day} {day.strftime('%B %Y')}"
    if question_type is QuestionType.MONEY:
        return f"£{Decimal(value):,.2f}"
    return str(value)
