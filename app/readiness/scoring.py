"""Readiness scoring: per partner, per dimension, per driver; the action plan and the verdict.

Pure and exact: frozen dataclasses in, frozen dataclasses out, no database, no web framework and
no floats. The model follows the brief (§5) and the roadmap's `readiness` section:

- A score (0-4) on a statement counts with the statement's weight. A partner's score for a stage
  is the weighted mean of its scored statements, scaled to 0-100 (mean / 4 x 100), computed
  exactly (as a fraction) and then rounded once to one decimal place, halves rounded up
  (ROUND_HALF_UP: 62.45 -> 62.5). Unscored statements are left out of the mean; the partner is
  marked incomplete for that stage and an "unscored" blocker is raised. A stage with nothing
  scored has no score (None).
- The partnership's score for a stage is the weakest partner's score (a partnership is as ready
  as its least ready member), shown only once every active partner has submitted its scores for
  the stage ("2 of 3 partners have scored" until then); beside it are the mean of the partners'
  scores (rounded the same way) and the spread (max - min), which shows where partners disagree
  most.
- Red/amber/green comes from `roadmap.readiness.rag`: below `red_below` is red, below
  `amber_below` amber, otherwise green.
- The action plan is every statement scored below `roadmap.readiness.action_below`, sorted by stage
  number, then score (lowest first), then partner name.
- The verdict is "ready" only when every condition the roadmap's `ready_requires` names holds:
  every partner has submitted its scores for every dimension; no dimension's partnership score
  is red; funding is agreed; every dimension stage is agreed; no open high risk lacks a
  mitigation; no evidence has expired. Otherwise it is "not ready" and lists the blockers, each
  naming its stage, partner or risk. Amber dimensions are conditions beside the verdict.

The nine dimensions are the stages of kind "dimension"; Day 1 funding (stage 0) has readiness
statements too, so it appears in `Assessment.stages`, the action plan and the evidence and
unscored blockers, but not in `Assessment.dimensions`, the driver view or the radar.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any

from app.wizard.blind import may_see
from app.wizard.definition import (
    Driver,
    RagThresholds,
    ReadyCondition,
    Roadmap,
    Stage,
    Statement,
)
from app.wizard.progress import WEIGHT_SCALE, Figures
from app.wizard.progress import figures as stage_figures

SCALE_MAX = 4
ONE_PLACE = Decimal("0.1")

# A stored score, as `app.wizard.values.normalise_score` returns it:
# {"score": 0-4, "evidence": str, "evidence_url": str | None, "valid_until": "YYYY-MM-DD" | None}
StoredScore = Mapping[str, Any]
# (stage key, statement key)
ScoreKey = tuple[str, str]
# (risk id, title) of an open high risk that has no mitigation
OpenRisk = tuple[str, str]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NOT_SCORED = "not scored"


class Verdict(StrEnum):
    READY = "ready"
    NOT_READY = "not ready"


class BlockerKind(StrEnum):
    """In the order blockers are listed."""

    FUNDING = "funding"
    STAGE = "stage"
    RED = "red"
    RISK = "risk"
    EVIDENCE = "evidence"
    UNSCORED = "unscored"  # a partner has not submitted its scores for a dimension


BLOCKER_ORDER = {kind: i for i, kind in enumerate(BlockerKind)}
DRIVER_ORDER = tuple(Driver)


# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerScores:
    """One partner's readiness scores: (stage key, statement key) -> stored score or None."""

    partner_id: str
    name: str
    scores: Mapping[ScoreKey, StoredScore | None]


NO_FIGURES = Figures()

# --- Outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerStageScore:
    """One partner's score for one stage."""

    partner_id: str
    partner_name: str
    score: Decimal | None
    rag: Rag
    scored: int
    total: int
    hidden: bool = False  # withheld from the viewer until both have submitted (blind scoring)

    @property
    def complete(self) -> bool:
        return self.scored == self.total


@dataclass(frozen=True)
class StageReadiness:
    """One stage: each partner's score, the partnership's (weakest) score, the mean and spread."""

    stage_key: str
    number: int
    title: str
    kind: str
    partners: tuple[PartnerStageScore, ...]
    score: Decimal | None  # the weakest partner's, once every partner has submitted its own
    mean: Decimal | None
    spread: Decimal | None
    rag: Rag
    weakest_partner_ids: tuple[str, ...]
    submitted: int = 0  # partners that have submitted their scores here
    required: int = 0  # active partners

    @property
    def all_submitted(self) -> bool:
        """Every active partner has submitted its scores here: the partnership's are shown."""
        return self.required > 0 and self.submitted == self.required

    @property
    def complete(self) -> bool:
        """Every partner has scored every statement of this stage."""
        return all(p.complete for p in self.partners)

    @cached_property
    def _by_partner(self) -> dict[str, PartnerStageScore]:
        return {p.partner_id: p for p in self.partners}

    def partner(self, partner_id: str) -> PartnerStageScore | None:
        """This partner's score here, or None (a lookup, so tables stay linear in partners)."""
        return self._by_partner.get(partner_id)


@dataclass(frozen=True)
class DriverScore:
    driver: Driver
    score: Decimal | None
    rag: Rag
    scored: int
    total: int


@dataclass(frozen=True)
class PartnerDrivers:
    """One partner's readiness read by driver across the nine dimensions."""

    partner_id: str
    partner_name: str
    drivers: tuple[DriverScore, ...]

    def driver(self, driver: Driver) -> DriverScore:
        return next(d for d in self.drivers if d.driver is driver)


@dataclass(frozen=True)
class Action:
    """A statement scored below the action threshold, and what the next level up looks like."""

    stage_key: str
    stage_number: int
    stage_title: str
    statement_key: str
    statement_text: str
    driver: Driver
    partner_id: str
    partner_name: str
    score: int
    next_level: int
    next_level_text: str


@dataclass(frozen=True)
class Blocker:
    """Why the partnership is not ready.

    `link_hint` is where to fix it, as a path relative to the partnership's pages
    (`/partnerships/{pid}/` + link_hint): "funding", "stages/<key>" or "risks".
    """

    kind: BlockerKind
    message: str
    stage_key: str | None
    partner_id: str | None
    link_hint: str


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    blockers: tuple[Blocker, ...]
    stages: tuple[StageReadiness, ...]
    drivers: tuple[PartnerDrivers, ...]
    actions: tuple[Action, ...]
    partners: tuple[tuple[str, str], ...]  # (partner id, name), sorted by name then id
    rag_thresholds: RagThresholds
    action_below: int
    today: dt.date
    conditions: tuple[str, ...] = ()  # amber dimensions: shown beside the verdict
    submitted: frozenset[tuple[str, str]] = frozenset()  # (stage key, partner id) submitted

    @property
    def ready(self) -> bool:
        return self.verdict is Verdict.READY

    @property
    def dimensions(self) -> tuple[StageReadiness, ...]:
        """The nine dimension stages (not Day 1 funding), in roadmap order."""
        return tuple(s for s in self.stages if s.kind == "dimension")

    def stage(self, key: str) -> StageReadiness | None:
        return next((s for s in self.stages if s.stage_key == key), None)

    def radar_data(
        self, *, partnership_label: str | None = None, only: Sequence[str] | None = None
    ) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[Decimal | None, ...]], ...]]:
        """Axes (dimension titles) and one series per partner (or per partner in `only`), ready
        for `radar.radar_svg`.

        With `partnership_label`, the partnership's (weakest) scores come first as a series.
        """
        dims = self.dimensions
        axes = tuple(d.title for d in dims)
        series: list[tuple[str, tuple[Decimal | None, ...]]] = []
        if partnership_label is not None:
            series.append((partnership_label, tuple(d.score for d in dims)))
        for partner_id, name in self.partners:
            if only is not None and partner_id not in only:
                continue
            values = []
            for d in dims:
                own = d.partner(partner_id)
                values.append(own.score if own else None)
            series.append((name, tuple(values)))
        return axes, tuple(series)


# --- Arithmetic -----------------------------------------------------------------------------


def round_one_place(value: Fraction | Decimal) -> Decimal:
    """Round exactly to one decimal place, halves away from zero (ROUND_HALF_UP)."""
    exact = Fraction(value)
    tenths = math.floor(abs(exact) * 10 + Fraction(1, 2))
    signed = -tenths if exact < 0 else tenths
    return (Decimal(signed) / 10).quantize(ONE_PLACE)


def weighted_score(pairs: Iterable[tuple[Decimal, int]]) -> Decimal | None:
    """Weighted mean of (weight, score 0-4) pairs on 0-100, one decimal place; None if empty.

    Weights have at most two decimal places, so in hundredths the sums are whole numbers and
    the one division is exact (`score_of_figures`).
    """
    weighted = weights = 0
    for weight, score in pairs:
        scaled = int(weight * WEIGHT_SCALE)
        weighted, weights = weighted + scaled * score, weights + scaled
    return score_of_figures(weighted, weights)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """Arithmetic mean, one decimal place (ROUND_HALF_UP); None if empty."""
    if not values:
        return None
    return round_one_place(Fraction(sum(values, Decimal(0))) / len(values))


def rag(score: Decimal | None, thresholds: RagThresholds) -> Rag:
    """Red below `red_below`, amber below `amber_below`, otherwise green."""
    if score is None:
        return Rag.NOT_SCORED
    if score < thresholds.red_below:
        return Rag.RED
    if score < thresholds.amber_below:
        return Rag.AMBER
    return Rag.GREEN


def score_value(stored: StoredScore | None) -> int | None:
    """The 0-4 score in a stored score, or None when there is none."""
    if stored is None:
        return None
    raw = stored.get("score")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= SCALE_MAX:
        raise ValueError(f"a readiness score must be a whole number from 0 to 4, not {raw!r}")
    return raw


def valid_until(stored: StoredScore | None) -> dt.date | None:
    """The date a score's evidence is valid until, or None."""
    if stored is None:
        return None
    raw = stored.get("valid_until")
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return dt.date.fromisoformat(str(raw))


def long_date(day: dt.date) -> str:
    """3 March 2026 (GOV.UK style, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# --- The assessment -------------------------------------------------------------------------


def _scored(
    partner: PartnerScores, stage: Stage, statements: Iterable[Statement]
) -> list[tuple[Statement, int]]:
    found = []
    for statement in statements:
        value = score_value(partner.scores.get((stage.key, statement.key)))
        if value is not None:
            found.append((statement, value))
    return found


def score_of_figures(weighted: int, weights: int) -> Decimal | None:
    """A weighted mean on 0-100 from its sums (weights scaled alike), one decimal place, halves
    up: in whole numbers, tenths = floor(weighted x 1000 / (weights x 4) + 1/2)."""
    if weights == 0:
        return None
    denominator = weights * SCALE_MAX
    tenths = (2 * weighted * 1000 + denominator) // (2 * denominator)
    return Decimal(tenths).scaleb(-1)


def _stage_readiness(
    stage: Stage,
    partners: Sequence[tuple[str, str]],
    figures: Mapping[tuple[str, str], Figures],
    thresholds: RagThresholds,
    submitted: Collection[tuple[str, str]],
) -> StageReadiness:
    own: list[PartnerStageScore] = []
    for partner_id, name in partners:
        found = figures.get((stage.key, partner_id), NO_FIGURES)
        score = score_of_figures(found.weighted, found.weights)
        own.append(
            PartnerStageScore(
                partner_id=partner_id,
                partner_name=name,
                score=score,
                rag=rag(score, thresholds),
                scored=found.scored,
                total=len(stage.statements),
            )
        )
    done = sum(1 for pid, _ in partners if (stage.key, pid) in submitted)
    # The partnership's score is its weakest partner's: shown only once every partner has
    # submitted its own, so that it never reads as ready on a few partners' scores.
    values = [p.score for p in own if p.score is not None] if done == len(partners) else []
    weakest = min(values) if values else None
    return StageReadiness(
        stage_key=stage.key,
        number=stage.number,
        title=stage.title,
        kind=stage.kind,
        partners=tuple(own),
        score=weakest,
        mean=mean(values),
        spread=(max(values) - weakest) if weakest is not None else None,
        rag=rag(weakest, thresholds),
        weakest_partner_ids=tuple(
            p.partner_id for p in own if weakest is not None and p.score == weakest
        ),
        submitted=done,
        required=len(partners),
    )


def _statements_by_driver(dimensions: Sequence[Stage]) -> dict[Driver, int]:
    """How many statements each driver has across the dimensions."""
    counts = dict.fromkeys(DRIVER_ORDER, 0)
    for stage in dimensions:
        for statement in stage.statements:
            counts[statement.driver] += 1
    return counts


def _drivers(
    partner: tuple[str, str],
    dimensions: Sequence[Stage],
    figures: Mapping[tuple[str, str], Figures],
    thresholds: RagThresholds,
    totals: Mapping[Driver, int],
) -> PartnerDrivers:
    partner_id, name = partner
    result = []
    for driver in DRIVER_ORDER:
        weighted = weights = scored = 0
        total = totals[driver]
        for stage in dimensions:
            found = figures.get((stage.key, partner_id), NO_FIGURES)
            ws, w, n = found.drivers.get(driver.value, (0, 0, 0))
            weighted, weights, scored = weighted + ws, weights + w, scored + n
        score = score_of_figures(weighted, weights)
        result.append(DriverScore(driver, score, rag(score, thresholds), scored, total))
    return PartnerDrivers(partner_id, name, tuple(result))


def action_plan(roadmap: Roadmap, partners: Sequence[PartnerScores]) -> list[Action]:
    """Every statement scored below the action threshold, in order, with the next level."""
    return _actions(roadmap, sorted(partners, key=lambda p: (p.name, p.partner_id)))


def _actions(roadmap: Roadmap, partners: Sequence[PartnerScores]) -> list[Action]:
    below = roadmap.readiness.action_below
    actions = []
    for stage in roadmap.stages:
        for partner in partners:
            for statement, value in _scored(partner, stage, stage.statements):
                if value >= below:
                    continue
                actions.append(
                    Action(
                        stage_key=stage.key,
                        stage_number=stage.number,
                        stage_title=stage.title,
                        statement_key=statement.key,
                        statement_text=statement.text,
                        driver=statement.driver,
                        partner_id=partner.partner_id,
                        partner_name=partner.name,
                        score=value,
                        next_level=value + 1,
                        next_level_text=statement.levels[value + 1],
                    )
                )
    order = {(s.key, st.key): i for s in roadmap.stages for i, st in enumerate(s.statements)}
    actions.sort(
        key=lambda a: (
            a.stage_number,
            a.score,
            a.partner_name,
            a.partner_id,
            order[(a.stage_key, a.statement_key)],
        )
    )
    return actions


def _evidence_blockers(
    roadmap: Roadmap,
    partners: Sequence[tuple[str, str]],
    figures: Mapping[tuple[str, str], Figures],
    today: dt.date,
) -> list[Blocker]:
    blockers = []
    for stage in roadmap.stages:
        for partner_id, name in partners:
            until = figures.get((stage.key, partner_id), NO_FIGURES).evidence_until
            if until is None or until >= today:
                continue
            blockers.append(
                Blocker(
                    kind=BlockerKind.EVIDENCE,
                    message=f"{name}'s evidence in {stage.title} expired on {long_date(until)}.",
                    stage_key=stage.key,
                    partner_id=partner_id,
                    link_hint=f"stages/{stage.key}",
                )
            )
    return blockers


def _unsubmitted_blockers(
    stages: Sequence[StageReadiness],
    partners: Sequence[tuple[str, str]],
    submitted: Collection[tuple[str, str]],
) -> list[Blocker]:
    if not partners:
        return [
            Blocker(
                kind=BlockerKind.UNSCORED,
                message="No partner has scored its readiness yet.",
                stage_key=None,
                partner_id=None,
                link_hint="roadmap",
            )
        ]
    return [
        Blocker(
            kind=BlockerKind.UNSCORED,
            message=f"{name} has not submitted its readiness scores for {stage.title} yet.",
            stage_key=stage.stage_key,
            partner_id=partner_id,
            link_hint=f"stages/{stage.stage_key}#readiness",
        )
        for stage in stages
        if stage.kind == "dimension"
        for partner_id, name in partners
        if (stage.stage_key, partner_id) not in submitted
    ]


def _red_blockers(
    stages: Sequence[StageReadiness], names: Mapping[str, str], red_below: int
) -> list[Blocker]:
    return [
        Blocker(
            kind=BlockerKind.RED,
            message=f"{stage.title} is red: "
            + " and ".join(names[pid] for pid in stage.weakest_partner_ids)
            + f" scored {stage.score}, below {red_below}.",
            stage_key=stage.stage_key,
            partner_id=stage.weakest_partner_ids[0],
            link_hint=f"stages/{stage.stage_key}#readiness",
        )
        for stage in stages
        if stage.kind == "dimension" and stage.rag is Rag.RED
    ]


def figures_of(roadmap: Roadmap, partner: PartnerScores) -> dict[tuple[str, str], Figures]:
    """One partner's figures per stage from its statement scores (as `PartnerStage` keeps them)."""
    out = {}
    for stage in roadmap.stages:
        own = {
            st.key: partner.scores.get((stage.key, st.key))
            for st in stage.statements
            if partner.scores.get((stage.key, st.key)) is not None
        }
        for value in own.values():
            score_value(value)  # refuse a malformed score
        out[(stage.key, partner.partner_id)] = stage_figures(
            stage, own, roadmap.readiness.action_below
        )
    return out


def assess(
    roadmap: Roadmap,
    partners: Sequence[PartnerScores],
    *,
    funding_agreed: bool,
    stages_agreed: Mapping[str, bool],
    risks: Sequence[OpenRisk],
    today: dt.date,
    submitted: Collection[tuple[str, str]] | None = None,
) -> Assessment:
    """The partnership's readiness from every partner's statement scores: scores, drivers, the
    action plan, blockers and the verdict (`assess_figures`, with the action plan).

    `submitted` holds (stage key, partner id) for each partner that has submitted its scores
    for a stage; without it, a partner that has scored every statement of a stage counts as
    having submitted them (for working out what a set of scores would make).
    """
    ids = [p.partner_id for p in partners]
    if len(set(ids)) != len(ids):
        raise ValueError("each partner may appear only once")
    found: dict[tuple[str, str], Figures] = {}
    for partner in partners:
        found |= figures_of(roadmap, partner)
    if submitted is None:
        submitted = {
            (stage.key, p.partner_id)
            for stage in roadmap.stages
            for p in partners
            if found[(stage.key, p.partner_id)].scored == len(stage.statements)
        }
    ordered = sorted(partners, key=lambda p: (p.name, p.partner_id))
    return assess_figures(
        roadmap,
        [(p.partner_id, p.name) for p in partners],
        found,
        actions=_actions(roadmap, ordered),
        funding_agreed=funding_agreed,
        stages_agreed=stages_agreed,
        risks=risks,
        today=today,
        submitted=submitted,
    )


def assess_figures(
    roadmap: Roadmap,
    partners: Sequence[tuple[str, str]],
    figures: Mapping[tuple[str, str], Figures],
    *,
    actions: Sequence[Action],
    funding_agreed: bool,
    stages_agreed: Mapping[str, bool],
    risks: Sequence[OpenRisk],
    today: dt.date,
    submitted: Collection[tuple[str, str]],
    drivers_for: Collection[str] | None = None,
) -> Assessment:
    """The partnership's readiness from each partner's figures per stage: scores, drivers,
    blockers and the verdict; `actions` is the action plan, worked out from statement scores
    by whoever needs it (`action_plan`). Drivers are read for the partners in `drivers_for`
    (every partner when None): only a page that shows one partner in detail needs them.

    `stages_agreed` maps each dimension stage's key to whether every partner has agreed it (a
    missing key counts as not agreed); `risks` are the open high risks without a mitigation.
    """
    ids = [pid for pid, _ in partners]
    if len(set(ids)) != len(ids):
        raise ValueError("each partner may appear only once")
    ordered = sorted(partners, key=lambda p: (p[1], p[0]))
    thresholds = roadmap.readiness.rag
    stages = sorted(roadmap.stages, key=lambda s: s.number)
    dimensions = [s for s in stages if s.kind == "dimension"]

    readiness = tuple(_stage_readiness(s, ordered, figures, thresholds, submitted) for s in stages)
    requires = set(roadmap.readiness.ready_requires)
    totals = _statements_by_driver(dimensions)

    blockers: list[Blocker] = []
    if not funding_agreed and ReadyCondition.FUNDING_AGREED in requires:
        funding = next((s for s in stages if s.kind == "funding"), None)
        blockers.append(
            Blocker(
                kind=BlockerKind.FUNDING,
                message="Day 1 funding is not agreed by every partner yet.",
                stage_key=funding.key if funding else None,
                partner_id=None,
                link_hint="funding",
            )
        )
    for stage in dimensions:
        if ReadyCondition.EVERY_STAGE_AGREED not in requires:
            break
        if not stages_agreed.get(stage.key, False):
            blockers.append(
                Blocker(
                    kind=BlockerKind.STAGE,
                    message=f"{stage.title} is not agreed by every partner yet.",
                    stage_key=stage.key,
                    partner_id=None,
                    link_hint=f"stages/{stage.key}",
                )
            )
    for _risk_id, title in sorted(risks, key=lambda r: (r[1], r[0])):
        if ReadyCondition.HIGH_RISKS_MITIGATED not in requires:
            break
        blockers.append(
            Blocker(
                kind=BlockerKind.RISK,
                message=f'The high risk "{title}" is open and has no mitigation.',
                stage_key=None,
                partner_id=None,
                link_hint="risks",
            )
        )
    names = dict(ordered)
    if ReadyCondition.NO_DIMENSION_RED in requires:
        blockers += _red_blockers(readiness, names, thresholds.red_below)
    if ReadyCondition.EVIDENCE_CURRENT in requires:
        blockers += _evidence_blockers(roadmap, ordered, figures, today)
    if ReadyCondition.EVERY_PARTNER_SUBMITTED in requires:
        blockers += _unsubmitted_blockers(readiness, ordered, submitted)

    numbers = {s.key: s.number for s in stages}
    # A stable sort: within one kind, stage and partner, the order built above stands.
    blockers.sort(
        key=lambda b: (
            BLOCKER_ORDER[b.kind],
            numbers.get(b.stage_key, -1) if b.stage_key else -1,
            names.get(b.partner_id, "") if b.partner_id else "",
            b.partner_id or "",
        )
    )
    return Assessment(
        verdict=Verdict.NOT_READY if blockers else Verdict.READY,
        blockers=tuple(blockers),
        stages=readiness,
        drivers=tuple(
            _drivers(p, dimensions, figures, thresholds, totals)
            for p in ordered
            if drivers_for is None or p[0] in drivers_for
        ),
        actions=tuple(actions),
        partners=tuple(ordered),
        rag_thresholds=thresholds,
        action_below=roadmap.readiness.action_below,
        today=today,
        conditions=tuple(
            f"{s.title} is amber: {s.score}, below {thresholds.amber_below}."
            for s in readiness
            if s.kind == "dimension" and s.rag is Rag.AMBER
        ),
        submitted=frozenset(submitted),
    )


def visible_to(assessment: Assessment, viewer: str) -> Assessment:
    """The assessment as one partner may see it: partners score blind (`wizard.blind`).

    Another partner's hidden score on a stage is withheld, and so is everything made from it:
    its driver view, its actions, its line on the radar. The partnership's own figures (score,
    mean, spread) need no hiding: they exist only once every partner has submitted, the
    viewer's partner included.
    """
    done = assessment.submitted
    stages = tuple(
        replace(
            s,
            partners=tuple(
                p
                if may_see(done, viewer, s.stage_key, p.partner_id)
                else replace(p, score=None, rag=Rag.NOT_SCORED, scored=0, hidden=True)
                for p in s.partners
            ),
        )
        for s in assessment.stages
    )
    every = [s.stage_key for s in assessment.dimensions]
    drivers = tuple(
        d
        for d in assessment.drivers
        if all(may_see(done, viewer, key, d.partner_id) for key in every)
    )
    actions = tuple(
        a for a in assessment.actions if may_see(done, viewer, a.stage_key, a.partner_id)
    )
    return replace(assessment, stages=stages, drivers=drivers, actions=actions)


# --- Where partners disagree ---------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerView:
    """One partner's score on one statement, with its evidence."""

    partner_id: str
    name: str
    score: int | None
    evidence: str
    evidence_url: str | None


@dataclass(frozen=True)
class Disagreement:
    """A statement on which partners' scores differ: how far apart, and each partner's view."""

    stage_key: str
    stage_title: str
    statement_key: str
    statement_text: str
    spread: int  # highest score less lowest
    views: tuple[PartnerView, ...]  # lowest score first

    @property
    def scored(self) -> tuple[PartnerView, ...]:
        return tuple(v for v in self.views if v.score is not None)


def disagreements(
    roadmap: Roadmap,
    partners: Sequence[PartnerScores],
    opened: Collection[str],
    limit: int,
) -> list[Disagreement]:
    """The statements on which partners differ most, in the stages every partner has
    submitted (`opened`: partners score blind until then): the widest spread first, then the
    most partners away from the middle, then roadmap order; at most `limit`, and none where
    all agree."""
    found = []
    order = 0
    for stage in roadmap.stages:
        if stage.key not in opened:
            continue
        for statement in stage.statements:
            order += 1
            views = []
            for p in partners:
                stored = p.scores.get((stage.key, statement.key))
                views.append(
                    PartnerView(
                        p.partner_id,
                        p.name,
                        score_value(stored),
                        str((stored or {}).get("evidence") or ""),
                        (stored or {}).get("evidence_url") or None,
                    )
                )
            values = [v.score for v in views if v.score is not None]
            if len(values) < 2 or max(values) == min(values):
                continue
            middle = Fraction(sum(values), len(values))
            distance = sum(abs(v - middle) for v in values)
            views.sort(key=lambda v: (v.score is None, v.score, v.name, v.partner_id))
            found.append(
                (
                    -(max(values) - min(values)),
                    -distance,
                    order,
                    Disagreement(
                        stage.key,
                        stage.title,
                        statement.key,
                        statement.text,
                        max(values) - min(values),
                        tuple(views),
                    ),
                )
            )
    found.sort(key=lambda f: f[:3])
    return [d for *_, d in found[:limit]]
