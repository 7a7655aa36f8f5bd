"""Sample agreements for the export tests and benchmark: the real roadmap, every answer filled.

Answers are as long as the roadmap lets them be (within reason), and names carry `&` and `<` so
that escaping mistakes show up. Everything is derived from a seed, so a sample is repeatable.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from functools import cache

from app.core.paths import ROADMAP_DIR
from app.export.schema import (
    Agreement,
    AnswerEntry,
    AuditEntry,
    FundingEntry,
    FundingRowEntry,
    PartnerEntry,
    PartnerFiguresEntry,
    PartnerRecordEntry,
    PartnerStageEntry,
    QuestionEntry,
    ReadinessEntry,
    RiskEntry,
    SignOffEntry,
    StageEntry,
)
from app.wizard.definition import Question, QuestionType, Roadmap
from app.wizard.loader import load_roadmap

PLACES = [
    "Ashford", "Canterbury", "Dover", "Folkestone & Hythe", "Maidstone", "Medway", "Sevenoaks",
    "Swale", "Thanet", "Tonbridge & Malling", "Tunbridge Wells", "Dartford", "Gravesham",
    "Hastings", "Rother", "Wealden", "Lewes", "Eastbourne", "Brighton & Hove", "Adur", "Arun",
    "Chichester", "Crawley", "Horsham", "Mid Sussex", "Worthing", "Guildford", "Waverley",
    "Woking", "Elmbridge", "Epsom & Ewell", "Mole Valley", "Reigate & Banstead", "Runnymede",
    "Spelthorne", "Surrey Heath", "Tandridge", "Basingstoke", "East Hampshire", "Eastleigh",
    "Fareham", "Gosport", "Hart", "Havant", "New Forest", "Rushmoor", "Test Valley",
    "Winchester", "Isle of Wight", "Portsmouth",
]  # fmt: skip
KINDS = ["Borough Council", "District Council", "City Council", "Council"]
PEOPLE = [
    "Alex Morgan", "Sam O'Neill", "Priya Shah", "Tom Jenkins", "Aisha Begum", "Rhys Evans",
    "Fiona MacLeod", "Kwame Mensah", "Joanna Kowalska", "Liam Byrne", "Mei Chen", "David Cohen",
]  # fmt: skip
# Words for answers; "&" and "<" are there on purpose. No upper-case "DRAFT" anywhere: the tests
# look for that word to tell a draft from an agreed document.
SENTENCES = [
    "The partners will share one revenues & benefits team, managed by the lead partner.",
    "Staff transfer under TUPE on the go-live date, with their terms protected.",
    "Each partner keeps its own statutory duties; the shared service acts on its behalf.",
    "Savings of <5% in the first year are expected, rising as systems are merged.",
    "The joint committee reviews performance each quarter against the agreed indicators.",
    "A single case management system replaces the four in use today.",
    "Data is shared under an information sharing agreement signed by every partner.",
    "Customers will see no change in how they contact their own council.",
    "Exit costs are shared in proportion to each partner's funding share at the time.",
    "The service desk is open 8am to 6pm on working days, with out-of-hours cover for urgent work.",
    "Benefits are tracked against the baseline agreed in the business-scope stage.",
    "Disputes go first to the officer board, then to the joint committee, then to mediation.",
]


def _text(rng: random.Random, length: int) -> str:
    """Sentences until about `length` characters, in paragraphs of three sentences."""
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < length - 90:
        sentences.append(rng.choice(SENTENCES))
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return "\n\n".join(paragraphs)


def _answer(rng: random.Random, q: Question) -> str:
    """An answer as a person reads it, as long as the question allows (up to 1,500 characters)."""
    labels = [o.label for o in q.options]
    match q.type:
        case QuestionType.LONG_TEXT:
            return _text(rng, min(q.max_length or 1500, 1500))
        case QuestionType.SHORT_TEXT:
            return "Head of Shared Services & Digital <Revenues>"[: q.max_length or 200]
        case QuestionType.SINGLE_CHOICE:
            return max(labels, key=len)
        case QuestionType.MULTIPLE_CHOICE:
            return ", ".join(labels)
        case QuestionType.YES_NO:
            return "Yes"
        case QuestionType.DATE:
            return "1 April 2027"
        case QuestionType.MONEY:
            return "£1,250,000.00"
        case QuestionType.SCALE:
            return "4"
        case _:
            return "12,500"


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _organisations(n: int) -> list[str]:
    names = [f"{PLACES[i % len(PLACES)]} {KINDS[i % len(KINDS)]}" for i in range(n)]
    if n > 2:
        names[2] = "Smith & <Jones> Shared Services Ltd"
    # Beyond the list of places a number keeps every name different.
    return [name if i < len(PLACES) else f"{name} {i + 1}" for i, name in enumerate(names)]


def _shares(weights: list[int], amount: Decimal) -> list[Decimal]:
    """`amount` split by `weights` to the penny, leftover pennies to the largest remainders."""
    pennies = int(amount * 100)
    total = sum(weights)
    exact = [Decimal(pennies * w) / total for w in weights]
    floors = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: pennies - sum(floors)]:
        floors[i] += 1
    return [Decimal(p) / 100 for p in floors]


def make_agreement(
    partners: int = 5, *, draft: bool = True, roadmap: Roadmap | None = None, seed: int = 1
) -> Agreement:
    """An agreement with `partners` partners and every shared answer filled."""
    roadmap = roadmap or _roadmap()
    rng = random.Random(seed)  # noqa: S311  (repeatable sample text, not a secret)
    start = datetime(2027, 3, 3, 14, 5, tzinfo=UTC)
    orgs = _organisations(partners)
    ids = [f"p{i:03d}" for i in range(partners)]
    partnership_id = "0f3c2a9e5b7d4c1a8e6f0b2d4a6c8e01"

    stages = []
    signoffs = []
    # Day 1 funding is in the funding appendix, not a stage of the body (as in app.export.build).
    dimensions = [s for s in roadmap.stages if s.kind == "dimension"]
    for n, stage in enumerate(dimensions):
        agreed = not draft or n % 3 != 1
        signed = partners if agreed else max(partners - 1, 0)
        answers = [
            AnswerEntry(key=q.key, question=q.label, answer=_answer(rng, q))
            for q in stage.questions
            if q.scope == "shared"
        ]
        stages.append(
            StageEntry(
                key=stage.key,
                number=stage.number,
                title=stage.title,
                agreed=agreed,
                signed_by=signed,
                partners=partners,
                shared_answers=answers,
            )
        )
        for i in range(signed):
            signoffs.append(
                SignOffEntry(
                    kind="stage",
                    stage=stage.key,
                    role="signatory",
                    person=PEOPLE[i % len(PEOPLE)],
                    organisation=orgs[i],
                    partner_id=ids[i],
                    signed_at=start - timedelta(days=30 - n, hours=i),
                    content_hash=_hash("stage", stage.key, i, seed),
                    counts=True,
                )
            )
    for i in range(partners):
        for role in ("ceo", "cfo"):
            signoffs.append(
                SignOffEntry(
                    kind="funding",
                    stage=None,
                    role=role,
                    person=PEOPLE[(i + 5) % len(PEOPLE)],
                    organisation=orgs[i],
                    partner_id=ids[i],
                    signed_at=start - timedelta(days=2, minutes=i),
                    content_hash=_hash("funding", role, i, seed),
                    counts=role == "cfo" or i % 4 != 3,
                    state="current" if role == "cfo" or i % 4 != 3 else "superseded",
                )
            )

    day1 = next(s for s in roadmap.stages if s.kind == "funding")
    questions = [
        QuestionEntry(stage=stage.key, key=q.key, text=q.label, kind="question")
        for stage in roadmap.stages
        for q in stage.questions
        if q.scope == "partner"
    ] + [
        QuestionEntry(stage=stage.key, key=st.key, text=st.text, kind="statement")
        for stage in roadmap.stages
        for st in stage.statements
    ]
    records = [
        PartnerRecordEntry(
            partner_id=ids[i],
            organisation=orgs[i],
            figures=PartnerFiguresEntry(
                population=str(50000 + 1000 * i), driver=None, budget=None, percentage=None
            ),
            stages=[
                PartnerStageEntry(
                    stage=stage.key,
                    answers={
                        q.key: _answer(rng, q)[:300]
                        for q in stage.questions
                        if q.scope == "partner"
                    },
                    scores={
                        st.key: {
                            "score": (i + k) % 5,
                            "evidence": rng.choice(SENTENCES),
                            "evidence_url": None,
                            "valid_until": None,
                        }
                        for k, st in enumerate(stage.statements)
                    },
                )
                for stage in roadmap.stages
            ],
        )
        for i in range(partners)
    ]
    weights = [100 + 37 * ((i * 7) % 11) for i in range(partners)]
    years = 3
    one_off, annual = Decimal("250000.00"), Decimal("1200000.00")
    one_offs = _shares(weights, one_off)
    per_year = _shares(weights, annual)
    percents = _shares(weights, Decimal(100))
    rows = [
        FundingRowEntry(
            partner_id=ids[i],
            organisation=orgs[i],
            share_percent=str(percents[i].quantize(Decimal("0.01"), ROUND_DOWN)),
            one_off=str(one_offs[i]),
            per_year=[str(per_year[i])] * years,
            total=str(one_offs[i] + per_year[i] * years),
        )
        for i in range(partners)
    ]
    return Agreement(
        partnership_id=partnership_id,
        name="Kent & Sussex <Shared> Revenues Partnership",
        service="Shared revenues & benefits service",
        description=_text(rng, 900),
        roadmap_version=roadmap.version,
        generated_at=start,
        draft=draft,
        verdict="not ready" if draft else "ready",
        partners=[
            PartnerEntry(partner_id=ids[i], organisation=orgs[i], is_lead=i == 0, status="active")
            for i in range(partners)
        ],
        stages=stages,
        signoffs=signoffs,
        funding=FundingEntry(
            terms=[
                AnswerEntry(key=q.key, question=q.label, answer=_answer(rng, q))
                for q in day1.questions
                if q.scope == "shared"
            ],
            method="population",
            agreed=not draft,
            content_hash=_hash("funding", seed),
            one_off_cost=str(one_off),
            annual_cost=str(annual),
            years=years,
            rows=rows,
            grand_total=str(one_off + annual * years),
        ),
        questions=questions,
        partner_records=records,
        risks=[
            RiskEntry(
                title=f"Risk {k + 1}: {rng.choice(SENTENCES)[:60]}",
                stage=dimensions[k % len(dimensions)].key if k % 4 else None,
                likelihood=1 + k % 5,
                impact=1 + (k * 3) % 5,
                score=(1 + k % 5) * (1 + (k * 3) % 5),
                owner=PEOPLE[k % len(PEOPLE)] if k % 5 else None,
                mitigation=_text(rng, 300),
                status="open" if k % 3 else "closed",
            )
            for k in range(8)
        ],
        readiness=ReadinessEntry(
            collected_at=start - timedelta(days=1),
            verdict="not ready" if draft else "ready",
            dimensions=[
                {"stage": s.title, "score": str(60 + 3 * j), "rag": "amber"}
                for j, s in enumerate(dimensions)
            ],
            blockers=[f"{s.title} is not agreed by every partner" for s in stages if not s.agreed],
            snapshot_hash=_hash("readiness", seed),
        ),
        audit=AuditEntry(
            chain=partnership_id,
            head_hash=_hash("audit", seed),
            events=1234 + partners,
            how_to_verify=(
                "Each audit event carries the SHA-256 of the event before it & so the head hash "
                "fixes the whole history.\n\nTo check this document, run `roadmap agreement "
                "verify FILE.json` on the service with the JSON export; `roadmap audit verify "
                "--partnership ID` checks the chain alone."
            ),
        ),
    )


@cache
def _roadmap() -> Roadmap:
    """The roadmap in force, loaded once per process."""
    return load_roadmap(ROADMAP_DIR)
