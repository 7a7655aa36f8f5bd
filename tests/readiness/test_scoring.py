"""Readiness scoring, checked against figures worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.readiness.scoring import (
    Assessment,
    BlockerKind,
    PartnerScores,
    Rag,
    Verdict,
    assess,
    mean,
    rag,
    round_one_place,
    weighted_score,
)
from app.wizard.definition import Driver, Question, Roadmap, Stage, Statement
from app.wizard.loader import load_roadmap

ROADMAP = load_roadmap(Path("roadmap"))
TODAY = dt.date(2026, 6, 1)
D = Decimal


# --- Helpers --------------------------------------------------------------------------------


def statement(key: str, weight: int | str = 1, driver: Driver = Driver.LEADERSHIP) -> Statement:
    return Statement(
        key=key,
        text=f"Statement {key}",
        driver=driver,
        weight=Decimal(weight),
        evidence="Some evidence.",
        levels={n: f"{key} level {n}" for n in range(5)},
    )


def stage(key: str, number: int, statements: list[Statement]) -> Stage:
    return Stage(
        key=key,
        number=number,
        kind="funding" if number == 0 else "dimension",
        title=key.capitalize(),
        purpose="Purpose.",
        guidance="Guidance.",
        questions=[Question(key=f"q{i}", type="short_text", label="Q?") for i in range(6)],
        statements=statements,
    )


def roadmap(*stages: Stage) -> Roadmap:
    return Roadmap(version="2026.1", title="Test", readiness=ROADMAP.readiness, stages=list(stages))


def scored(value: int, valid_until: str | dt.date | None = None) -> dict[str, Any]:
    return {
        "score": value,
        "evidence": "Minute 12",
        "evidence_url": None,
        "valid_until": valid_until,
    }


def partner(
    pid: str, name: str, scores: Mapping[tuple[str, str], int | dict[str, Any] | None]
) -> PartnerScores:
    return PartnerScores(
        pid,
        name,
        {k: (scored(v) if isinstance(v, int) else v) for k, v in scores.items()},
    )


def all_scored(rm: Roadmap, value: int, **overrides: int | None) -> dict[tuple[str, str], Any]:
    """Every statement of `rm` scored `value`, except `overrides` (statement key -> score)."""
    scores: dict[tuple[str, str], Any] = {}
    for s in rm.stages:
        for t in s.statements:
            v = overrides.get(t.key, value)
            scores[(s.key, t.key)] = None if v is None else scored(v)
    return scores


def run(
    rm: Roadmap,
    partners: Sequence[PartnerScores],
    *,
    funding_agreed: bool = True,
    stages_agreed: Mapping[str, bool] | None = None,
    risks: Sequence[tuple[str, str]] = (),
    submitted: set[tuple[str, str]] | None = None,
) -> Assessment:
    agreed = stages_agreed if stages_agreed is not None else {s.key: True for s in rm.stages}
    return assess(
        rm,
        partners,
        funding_agreed=funding_agreed,
        stages_agreed=agreed,
        risks=risks,
        today=TODAY,
        submitted=submitted,
    )


FOUR = [statement("s1"), statement("s2"), statement("s3"), statement("s4")]


# --- Arithmetic -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # (weight, score) pairs; expected = sum(w*s) / sum(w) / 4 * 100
        ([(1, 4), (2, 2), (1, 0)], "50.0"),  # (4 + 4 + 0) / 4 = 2
        ([(1, 4)], "100.0"),
        ([(1, 0)], "0.0"),
        ([(3, 3), (2, 2), (3, 1)], "50.0"),  # (9 + 4 + 3) / 8 = 2
        ([(1, 1), (1, 2), (1, 2)], "41.7"),  # 5/3 / 4 * 100 = 41.666...
        ([(1, 1), (3, 0)], "6.3"),  # 1/4 / 4 * 100 = 6.25, half up (not 6.2)
        ([(1, 3), (3, 4)], "93.8"),  # 15/4 / 4 * 100 = 93.75, half up
        ([(1, 1), (1, 1), (1, 0)], "16.7"),  # 2/3 / 4 * 100 = 16.666...
        ([("0.5", 4), ("1.5", 2)], "62.5"),  # (2 + 3) / 2 = 2.5
        ([(10, 3), (1, 0)], "68.2"),  # 30/11 / 4 * 100 = 68.18...
    ],
)
def test_weighted_score(pairs: list[tuple[int | str, int]], expected: str) -> None:
    result = weighted_score((D(w), s) for w, s in pairs)
    assert result == D(expected)
    assert str(result) == expected


def test_weighted_score_of_nothing_is_none() -> None:
    assert weighted_score([]) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 20), "0.1"),
        (Fraction(3, 20), "0.2"),
        (Fraction(5, 20), "0.3"),
        (D("62.45"), "62.5"),
        (D("62.449"), "62.4"),
        (D("-1.25"), "-1.3"),
        (D("100"), "100.0"),
    ],
)
def test_round_one_place_is_half_up(value: Fraction | Decimal, expected: str) -> None:
    assert str(round_one_place(value)) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["50.0", "50.1"], "50.1"),  # 50.05 rounds up
        (["100.0", "50.0", "75.0"], "75.0"),
        (["0.0"], "0.0"),
        (["10.0", "10.0", "10.1"], "10.0"),  # 10.0333...
    ],
)
def test_mean(values: list[str], expected: str) -> None:
    assert mean([D(v) for v in values]) == D(expected)


def test_mean_of_nothing_is_none() -> None:
    assert mean([]) is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (None, Rag.NOT_SCORED),
        ("0.0", Rag.RED),
        ("49.9", Rag.RED),
        ("50.0", Rag.AMBER),  # the real roadmap: red below 50
        ("74.9", Rag.AMBER),
        ("75.0", Rag.GREEN),  # amber below 75
        ("100.0", Rag.GREEN),
    ],
)
def test_rag_boundaries_with_the_real_thresholds(score: str | None, expected: Rag) -> None:
    assert ROADMAP.readiness.rag.red_below == 50
    assert ROADMAP.readiness.rag.amber_below == 75
    assert rag(None if score is None else D(score), ROADMAP.readiness.rag) is expected


# --- Scores per partner and per stage -------------------------------------------------------


def test_unscored_statements_are_left_out_but_mark_the_partner_incomplete() -> None:
    rm = roadmap(
        stage(
            "alpha",
            1,
            [statement("s1", 1), statement("s2", 2), statement("s3", 1), statement("s4", 5)],
        )
    )
    a = run(
        rm, [partner("p1", "Aston", {("alpha", "s1"): 4, ("alpha", "s2"): 2, ("alpha", "s3"): 0})]
    )
    alpha = a.stages[0]
    own = alpha.partners[0]
    assert own.score == D("50.0")  # (4*1 + 2*2 + 0*1) / 4 = 2; s4 is left out
    assert (own.scored, own.total, own.complete) == (3, 4, False)
    assert not alpha.complete
    assert alpha.score is None  # the partnership's waits for every partner to submit
    assert (alpha.submitted, alpha.required) == (0, 1)
    assert a.verdict is Verdict.NOT_READY
    [blocker] = a.blockers
    assert blocker.kind is BlockerKind.UNSCORED
    assert (blocker.stage_key, blocker.partner_id) == ("alpha", "p1")
    assert blocker.message == "Aston has not submitted its readiness scores for Alpha yet."


def test_a_stage_with_nothing_scored_has_no_score() -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    a = run(rm, [partner("p1", "Aston", {}), partner("p2", "Bury", {("alpha", "s1"): None})])
    alpha = a.stages[0]
    assert [p.score for p in alpha.partners] == [None, None]
    assert [p.rag for p in alpha.partners] == [Rag.NOT_SCORED, Rag.NOT_SCORED]
    assert (alpha.score, alpha.mean, alpha.spread, alpha.rag) == (None, None, None, Rag.NOT_SCORED)
    assert alpha.weakest_partner_ids == ()
    assert [b.message for b in a.blockers] == [
        "Aston has not submitted its readiness scores for Alpha yet.",
        "Bury has not submitted its readiness scores for Alpha yet.",
    ]


@pytest.mark.parametrize(
    ("scores", "weakest", "mean_", "spread", "rag_", "weakest_ids"),
    [
        # one score per partner (A, B, C) on every statement of a stage of four weight-1 statements
        ((4, 2, 3), "50.0", "75.0", "50.0", Rag.AMBER, ("b",)),
        ((4, 4, 4), "100.0", "100.0", "0.0", Rag.GREEN, ("a", "b", "c")),
        ((1, 3, 3), "25.0", "58.3", "50.0", Rag.RED, ("a",)),  # (25 + 75 + 75) / 3 = 58.33
        ((3, 3, 2), "50.0", "66.7", "25.0", Rag.AMBER, ("c",)),
    ],
)
def test_the_partnership_is_as_ready_as_its_weakest_partner(
    scores: tuple[int, int, int],
    weakest: str,
    mean_: str,
    spread: str,
    rag_: Rag,
    weakest_ids: tuple[str, ...],
) -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    partners = [
        partner(pid, name, {("alpha", t.key): value for t in FOUR})
        for pid, name, value in zip("abc", ["Aston", "Bury", "Crewe"], scores, strict=True)
    ]
    alpha = run(rm, partners).stages[0]
    assert alpha.score == D(weakest)
    assert alpha.mean == D(mean_)
    assert alpha.spread == D(spread)
    assert alpha.rag is rag_
    assert alpha.weakest_partner_ids == weakest_ids
    assert alpha.complete


def test_the_mean_is_of_the_rounded_partner_scores_and_rounds_half_up() -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    high = {("alpha", "s1"): 4, ("alpha", "s2"): 4, ("alpha", "s3"): 4, ("alpha", "s4"): 3}
    low = {("alpha", "s1"): 0, ("alpha", "s2"): 0, ("alpha", "s3"): 0, ("alpha", "s4"): 1}
    alpha = run(rm, [partner("a", "Aston", high), partner("b", "Bury", low)]).stages[0]
    assert [p.score for p in alpha.partners] == [D("93.8"), D("6.3")]  # 93.75 and 6.25, half up
    assert alpha.mean == D("50.1")  # (93.8 + 6.3) / 2 = 50.05, half up
    assert alpha.spread == D("87.5")
    assert alpha.score == D("6.3")


def test_the_partnership_score_waits_until_every_partner_has_submitted() -> None:
    """One partner's 75.0 is not the partnership's: it shows once every partner has scored
    (before, a partnership of one scorer read "75.0 green")."""
    rm = roadmap(stage("alpha", 1, FOUR))
    aston = partner("a", "Aston", {("alpha", t.key): 3 for t in FOUR})
    bury = partner("b", "Bury", {("alpha", t.key): 2 for t in FOUR})
    waiting = run(rm, [aston, bury], submitted={("alpha", "a")}).stages[0]
    assert (waiting.score, waiting.mean, waiting.spread) == (None, None, None)
    assert waiting.rag is Rag.NOT_SCORED
    assert (waiting.submitted, waiting.required) == (1, 2)
    assert [p.score for p in waiting.partners] == [D("75.0"), D("50.0")]  # each its own
    done = run(rm, [aston, bury], submitted={("alpha", "a"), ("alpha", "b")}).stages[0]
    assert (done.score, done.mean, done.spread) == (D("50.0"), D("62.5"), D("25.0"))


def test_partners_are_sorted_by_name_then_id() -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    a = run(rm, [partner("z", "Crewe", {}), partner("y", "Aston", {}), partner("x", "Aston", {})])
    assert a.partners == (("x", "Aston"), ("y", "Aston"), ("z", "Crewe"))
    assert [p.partner_id for p in a.stages[0].partners] == ["x", "y", "z"]


def test_a_partner_may_appear_only_once() -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    with pytest.raises(ValueError, match="only once"):
        run(rm, [partner("a", "Aston", {}), partner("a", "Aston again", {})])


@pytest.mark.parametrize("bad", [5, -1, True, "3", 2.0])
def test_a_malformed_score_is_refused(bad: object) -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    p = PartnerScores("a", "Aston", {("alpha", "s1"): {"score": bad}})
    with pytest.raises(ValueError, match="0 to 4"):
        run(rm, [p])


def test_scores_for_unknown_statements_are_ignored() -> None:
    rm = roadmap(stage("alpha", 1, FOUR))
    scores: dict[tuple[str, str], int | None] = {("alpha", t.key): 4 for t in FOUR}
    scores[("alpha", "gone")] = 0
    scores[("gone", "s1")] = 0
    alpha = run(rm, [partner("a", "Aston", scores)]).stages[0]
    assert alpha.score == D("100.0")


def test_the_real_roadmap_at_exactly_50_and_75() -> None:
    a = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 2))])
    assert {s.score for s in a.stages} == {D("50.0")}
    assert {s.rag for s in a.stages} == {Rag.AMBER}
    b = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 3))])
    assert {s.score for s in b.stages} == {D("75.0")}
    assert {s.rag for s in b.stages} == {Rag.GREEN}


def test_the_real_roadmap_has_nine_dimensions_after_funding() -> None:
    a = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 4))])
    assert [s.number for s in a.stages] == list(range(10))
    assert a.stages[0].kind == "funding"
    assert [s.number for s in a.dimensions] == list(range(1, 10))


def test_a_real_dimension_weighted_by_hand() -> None:
    governance = ROADMAP.stage("governance")
    assert governance is not None
    statements = governance.statements
    values = [(i % 5) for i in range(len(statements))]
    expected_exact = (
        sum(
            (Fraction(t.weight) * v for t, v in zip(statements, values, strict=True)),
            Fraction(0),
        )
        / sum((Fraction(t.weight) for t in statements), Fraction(0))
        * 25
    )
    scores = {("governance", t.key): v for t, v in zip(statements, values, strict=True)}
    a = run(ROADMAP, [partner("a", "Aston", scores)])
    own = a.stage("governance")
    assert own is not None
    assert own.score == round_one_place(expected_exact)


# --- Driver view ----------------------------------------------------------------------------


def test_the_driver_view_reads_across_dimensions_and_not_funding() -> None:
    rm = roadmap(
        stage("funding", 0, [statement(f"f{i}", 1, Driver.LEADERSHIP) for i in range(4)]),
        stage(
            "alpha",
            1,
            [
                statement("a1", 1, Driver.LEADERSHIP),
                statement("a2", 2, Driver.PEOPLE),
                statement("a3", 1, Driver.PEOPLE),
                statement("a4", 1, Driver.PROCESSES),
            ],
        ),
        stage(
            "beta",
            2,
            [
                statement("b1", 3, Driver.LEADERSHIP),
                statement("b2", 1, Driver.PEOPLE),
                statement("b3", 1, Driver.PROCESSES),
                statement("b4", 1, Driver.PROCESSES),
            ],
        ),
    )
    scores = {
        **{("funding", f"f{i}"): 0 for i in range(4)},
        ("alpha", "a1"): 4,
        ("alpha", "a2"): 1,
        ("alpha", "a3"): 4,
        ("alpha", "a4"): 2,
        ("beta", "b1"): 2,
        ("beta", "b2"): None,
        ("beta", "b4"): 3,
    }
    a = run(rm, [partner("a", "Aston", scores)])
    [drivers] = a.drivers
    assert [d.driver for d in drivers.drivers] == list(Driver)
    leadership = drivers.driver(Driver.LEADERSHIP)
    assert leadership.score == D("62.5")  # (4*1 + 2*3) / 4 = 2.5; funding's f1-f4 left out
    assert (leadership.scored, leadership.total) == (2, 2)
    people = drivers.driver(Driver.PEOPLE)
    assert people.score == D("50.0")  # (1*2 + 4*1) / 3 = 2; b2 unscored
    assert (people.scored, people.total) == (2, 3)
    processes = drivers.driver(Driver.PROCESSES)
    assert processes.score == D("62.5")  # (2 + 3) / 2 = 2.5; b3 unscored
    assert processes.rag is Rag.AMBER
    nothing = drivers.driver(Driver.POLICY_AND_STRATEGY)
    assert (nothing.score, nothing.rag, nothing.total) == (None, Rag.NOT_SCORED, 0)


# --- Action plan ----------------------------------------------------------------------------


def test_the_action_plan_lists_low_scores_in_order_with_the_next_level() -> None:
    rm = roadmap(stage("funding", 0, FOUR), stage("alpha", 1, FOUR), stage("beta", 2, FOUR))
    crewe = partner(
        "c",
        "Crewe",
        {("beta", "s1"): 0, ("alpha", "s2"): 2, ("alpha", "s3"): 3, ("funding", "s4"): 1},
    )
    aston = partner(
        "a", "Aston", {("alpha", "s4"): 2, ("alpha", "s1"): 1, ("beta", "s2"): 4, ("beta", "s3"): 2}
    )
    bury = partner("b", "Bury", {("alpha", "s3"): 2, ("alpha", "s2"): 0})
    a = run(rm, [crewe, aston, bury])
    assert rm.readiness.action_below == 3
    assert [(x.stage_key, x.score, x.partner_name, x.statement_key) for x in a.actions] == [
        ("funding", 1, "Crewe", "s4"),
        ("alpha", 0, "Bury", "s2"),
        ("alpha", 1, "Aston", "s1"),
        ("alpha", 2, "Aston", "s4"),
        ("alpha", 2, "Bury", "s3"),
        ("alpha", 2, "Crewe", "s2"),
        ("beta", 0, "Crewe", "s1"),
        ("beta", 2, "Aston", "s3"),
    ]
    first = a.actions[1]
    assert (first.partner_id, first.stage_title, first.stage_number) == ("b", "Alpha", 1)
    assert first.statement_text == "Statement s2"
    assert (first.next_level, first.next_level_text) == (1, "s2 level 1")
    assert a.actions[-1].next_level_text == "s3 level 3"


def test_the_action_plan_uses_the_real_level_descriptions() -> None:
    governance = ROADMAP.stage("governance")
    assert governance is not None
    target = governance.statements[0]
    scores = all_scored(ROADMAP, 4, **{target.key: 2})
    a = run(ROADMAP, [partner("a", "Aston", scores)])
    [action] = a.actions
    assert (action.stage_key, action.statement_key, action.score) == ("governance", target.key, 2)
    assert action.statement_text == target.text
    assert action.driver is target.driver
    assert action.next_level_text == target.levels[3]


def test_nothing_at_or_above_the_threshold_is_an_action() -> None:
    a = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 3))])
    assert a.actions == ()


# --- Blockers and verdict -------------------------------------------------------------------


def test_ready_when_everything_holds() -> None:
    scores = all_scored(ROADMAP, 4)
    a = run(ROADMAP, [partner("a", "Aston", scores), partner("b", "Bury", all_scored(ROADMAP, 3))])
    assert a.verdict is Verdict.READY
    assert a.ready
    assert a.blockers == ()
    assert a.actions == ()


def test_red_is_never_ready() -> None:
    """Every dimension red (every statement scored 0): not ready, one blocker per dimension
    naming the weakest partner and its score (before, this read "Ready")."""
    a = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 0))])
    assert not a.ready
    red = [b for b in a.blockers if b.kind is BlockerKind.RED]
    dimensions = [s for s in ROADMAP.stages if s.kind == "dimension"]
    assert [b.stage_key for b in red] == [s.key for s in dimensions]
    assert red[0].message == f"{dimensions[0].title} is red: Aston scored 0.0, below 50."
    assert len(a.actions) == sum(len(s.statements) for s in ROADMAP.stages)


def test_amber_is_ready_with_conditions() -> None:
    """Every statement scored 2 is 50.0: amber, not red. Ready, with each amber dimension as
    a condition beside the verdict."""
    a = run(ROADMAP, [partner("a", "Aston", all_scored(ROADMAP, 2))])
    assert a.ready
    dimensions = [s for s in ROADMAP.stages if s.kind == "dimension"]
    assert a.conditions == tuple(f"{s.title} is amber: 50.0, below 75." for s in dimensions)


def _governance_statement() -> Statement:
    governance = ROADMAP.stage("governance")
    assert governance is not None
    return governance.statements[1]


@pytest.mark.parametrize(
    ("change", "kind", "message", "stage_key", "partner_id", "link_hint"),
    [
        (
            {"funding_agreed": False},
            BlockerKind.FUNDING,
            "Day 1 funding is not agreed by every partner yet.",
            "day1-funding",
            None,
            "funding",
        ),
        (
            {"stages_agreed": {"governance": False}},
            BlockerKind.STAGE,
            "Governance is not agreed by every partner yet.",
            "governance",
            None,
            "stages/governance",
        ),
        (
            {"risks": [("r1", "Partners withdraw & costs rise")]},
            BlockerKind.RISK,
            'The high risk "Partners withdraw & costs rise" is open and has no mitigation.',
            None,
            None,
            "risks",
        ),
        (
            {"expired": "2026-05-31"},
            BlockerKind.EVIDENCE,
            "Bury's evidence in Governance expired on 31 May 2026.",
            "governance",
            "b",
            "stages/governance",
        ),
        (
            {"unscored": True},
            BlockerKind.UNSCORED,
            "Bury has not submitted its readiness scores for Governance yet.",
            "governance",
            "b",
            "stages/governance#readiness",
        ),
    ],
)
def test_every_blocker_kind(
    change: dict[str, Any],
    kind: BlockerKind,
    message: str,
    stage_key: str | None,
    partner_id: str | None,
    link_hint: str,
) -> None:
    target = _governance_statement()
    governance = ROADMAP.stage("governance")
    assert governance is not None
    bury = all_scored(ROADMAP, 3)
    if "expired" in change:
        bury[("governance", target.key)] = scored(3, change["expired"])
    if "unscored" in change:
        bury[("governance", target.key)] = None
    agreed = {s.key: True for s in ROADMAP.stages if s.kind == "dimension"}
    agreed.update(change.get("stages_agreed", {}))
    a = assess(
        ROADMAP,
        [partner("a", "Aston", all_scored(ROADMAP, 4)), partner("b", "Bury", bury)],
        funding_agreed=change.get("funding_agreed", True),
        stages_agreed=agreed,
        risks=change.get("risks", []),
        today=TODAY,
    )
    assert a.verdict is Verdict.NOT_READY
    assert not a.ready
    [blocker] = a.blockers
    assert blocker.kind is kind
    expected = message.format(text=target.text, count=len(governance.statements))
    assert blocker.message == expected
    assert (blocker.stage_key, blocker.partner_id, blocker.link_hint) == (
        stage_key,
        partner_id,
        link_hint,
    )


def test_a_missing_stage_counts_as_not_agreed_and_funding_is_not_a_stage() -> None:
    a = assess(
        ROADMAP,
        [partner("a", "Aston", all_scored(ROADMAP, 4))],
        funding_agreed=True,
        stages_agreed={"day1-funding": True, "governance": True},
        risks=[],
        today=TODAY,
    )
    assert [b.stage_key for b in a.blockers] == [
        s.key for s in ROADMAP.stages if s.kind == "dimension" and s.key != "governance"
    ]
    assert {b.kind for b in a.blockers} == {BlockerKind.STAGE}


@pytest.mark.parametrize(
    ("valid_until", "expired"),
    [
        ("2026-05-31", True),
        (dt.date(2026, 5, 31), True),
        ("2026-06-01", False),  # valid until today: still valid
        ("2027-01-01", False),
        (None, False),
        ("", False),
    ],
)
def test_evidence_expires_after_its_valid_until_date(
    valid_until: str | dt.date | None, expired: bool
) -> None:
    scores = all_scored(ROADMAP, 4)
    scores[("governance", _governance_statement().key)] = scored(4, valid_until)
    a = run(ROADMAP, [partner("a", "Aston", scores)])
    assert [b.kind for b in a.blockers] == ([BlockerKind.EVIDENCE] if expired else [])


def test_expired_evidence_on_an_unscored_statement_is_not_a_blocker_of_its_own() -> None:
    scores = all_scored(ROADMAP, 4)
    scores[("governance", _governance_statement().key)] = {
        "score": None,
        "evidence": "",
        "valid_until": "2020-01-01",
    }
    a = run(ROADMAP, [partner("a", "Aston", scores)])
    assert [b.kind for b in a.blockers] == [BlockerKind.UNSCORED]


def test_no_partners_is_not_ready() -> None:
    a = run(ROADMAP, [])
    assert a.verdict is Verdict.NOT_READY
    assert [b.message for b in a.blockers] == ["No partner has scored its readiness yet."]


def test_blockers_are_listed_by_kind_then_stage_then_partner() -> None:
    governance = ROADMAP.stage("governance")
    legal = ROADMAP.stage("legal-issues")
    assert governance is not None
    assert legal is not None
    crewe = all_scored(ROADMAP, 4, **{legal.statements[0].key: None})
    crewe[("governance", governance.statements[2].key)] = scored(3, "2026-01-02")
    crewe[("governance", governance.statements[0].key)] = scored(3, "2026-01-01")
    aston = all_scored(ROADMAP, 4, **{governance.statements[0].key: None})
    a = assess(
        ROADMAP,
        [partner("c", "Crewe", crewe), partner("a", "Aston", aston)],
        funding_agreed=False,
        stages_agreed={"sustainability": True, "governance": True},
        risks=[("r2", "Zebra crossing"), ("r1", "Asbestos")],
        today=TODAY,
    )
    summary = [(b.kind.value, b.stage_key, b.partner_id) for b in a.blockers]
    dimensions = [s.key for s in ROADMAP.stages if s.kind == "dimension"]
    assert summary == [
        ("funding", "day1-funding", None),
        *[("stage", k, None) for k in dimensions if k not in {"sustainability", "governance"}],
        ("risk", None, None),
        ("risk", None, None),
        ("evidence", "governance", "c"),  # one per partner and stage: its earliest expiry
        ("unscored", "governance", "a"),
        ("unscored", "legal-issues", "c"),
    ]
    assert "Asbestos" in a.blockers[8].message
    assert "Zebra" in a.blockers[9].message
    assert a.blockers[10].message == "Crewe's evidence in Governance expired on 1 January 2026."


def test_the_same_input_gives_the_same_assessment() -> None:
    partners = [
        partner("b", "Bury", all_scored(ROADMAP, 1)),
        partner("a", "Aston", all_scored(ROADMAP, 2)),
    ]
    first = run(ROADMAP, partners, funding_agreed=False, risks=[("r", "R")])
    second = run(ROADMAP, list(reversed(partners)), funding_agreed=False, risks=[("r", "R")])
    assert first == second


def test_radar_data_has_the_nine_dimensions_and_a_series_per_partner() -> None:
    scores = all_scored(ROADMAP, 2)
    a = run(ROADMAP, [partner("b", "Bury", all_scored(ROADMAP, 4)), partner("a", "Aston", scores)])
    axes, series = a.radar_data(partnership_label="Partnership")
    assert axes == tuple(s.title for s in ROADMAP.stages if s.kind == "dimension")
    assert [name for name, _ in series] == ["Partnership", "Aston", "Bury"]
    assert series[0][1] == (D("50.0"),) * 9
    assert series[2][1] == (D("100.0"),) * 9
    assert [name for name, _ in a.radar_data()[1]] == ["Aston", "Bury"]


# --- Properties -----------------------------------------------------------------------------

WEIGHTS = st.sampled_from(["0.5", "1", "1.5", "2", "3", "7", "10"])
SCORE = st.one_of(st.none(), st.integers(min_value=0, max_value=4))


@st.composite
def stage_and_partners(draw: st.DrawFn) -> tuple[Roadmap, list[PartnerScores]]:
    weights = draw(st.lists(WEIGHTS, min_size=4, max_size=7))
    statements = [statement(f"s{i}", w) for i, w in enumerate(weights)]
    rm = roadmap(stage("alpha", 1, statements))
    count = draw(st.integers(min_value=1, max_value=6))
    partners = [
        partner(
            f"p{i}",
            f"Partner {i}",
            {("alpha", t.key): draw(SCORE) for t in statements},
        )
        for i in range(count)
    ]
    return rm, partners


@given(stage_and_partners())
def test_the_partnership_score_is_never_above_a_partner_and_the_mean_lies_between(
    case: tuple[Roadmap, list[PartnerScores]],
) -> None:
    rm, partners = case
    alpha = run(rm, partners).stages[0]
    values = [p.score for p in alpha.partners if p.score is not None]
    if not values or not alpha.complete:  # shown only once every partner has scored
        assert (alpha.score, alpha.mean, alpha.spread) == (None, None, None)
        return
    assert alpha.score is not None
    assert alpha.mean is not None
    assert all(alpha.score <= v for v in values)
    assert alpha.score in values
    assert min(values) <= alpha.mean <= max(values)
    assert alpha.spread == max(values) - min(values)
    assert alpha.score.as_tuple().exponent == -1
    assert alpha.mean.as_tuple().exponent == -1


@given(st.lists(st.tuples(WEIGHTS, st.integers(min_value=0, max_value=4)), min_size=1))
def test_a_weighted_score_is_between_the_lowest_and_highest_score(
    pairs: list[tuple[str, int]],
) -> None:
    result = weighted_score((D(w), s) for w, s in pairs)
    assert result is not None
    scores = [s for _, s in pairs]
    assert D(min(scores) * 25) <= result <= D(max(scores) * 25)
    total = sum((Fraction(D(w)) * s for w, s in pairs), Fraction(0))
    exact = total / sum((Fraction(D(w)) for w, _ in pairs), Fraction(0)) * 25
    assert abs(Fraction(result) - exact) <= Fraction(1, 20)
