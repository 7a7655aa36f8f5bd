"""A partnership of N partners, built through the project's own services, for the benchmarks.

Every partner is an organisation with an officer, a signatory, a CEO and a CFO; the lead
partner has the partnership lead as well. Every shared question, every partner question and
every readiness statement of every stage is answered with varied, valid values (pseudo-random
from a fixed seed, so two runs build the same partnership), scores are submitted for every
stage, the funding formula is proposed with every partner's figures, and the register holds a
fixed number of risks and comments (so that pages that show them do not grow with partners).

Run by hand: `.venv/bin/python -m bench.seed --partners 50 --url sqlite:///./bench.db`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from app.audit.service import Actor
from app.core.database import make_engine, session_scope
from app.core.migrations import upgrade
from app.core.paths import PROJECT_DIR, ROADMAP_DIR
from app.core.settings import Settings
from app.funding import flows as funding_flows
from app.funding.formula import Method
from app.funding.models import FundingRole
from app.identity.deps import Principal
from app.identity.models import OrganisationKind, User
from app.identity.passwords import hash_password
from app.identity.service import get_or_create_organisation, normalise_email
from app.partnerships.models import Partner, Partnership, Role
from app.partnerships.permissions import Membership, membership
from app.partnerships.service import add_partner, grant_role, start_partnership
from app.risks.common import COMMON_RISKS
from app.risks.service import RiskFields, adopt_common_risk, create_risk
from app.signatures import flows as signatures
from app.signatures.models import SignRole
from app.upgrade import upgrade_database
from app.wizard import flows as wizard_flows
from app.wizard.definition import Question, QuestionType, Roadmap, Statement
from app.wizard.loader import load_roadmap
from app.wizard.signing import STAGE
from app.wizard.values import normalise, normalise_score

PASSWORD = "bench partnership password 2026"  # noqa: S105 - every seeded account's, for sign-in
BASE_URL = "http://127.0.0.1:8000"
ACTOR_REQUEST = "bench-seed"
CACHE_DIR = PROJECT_DIR / "bench" / ".cache"
# Stage sign-offs the seed makes (a few partners each), and the stage nobody has signed, which
# the load benchmark has 20 signatories sign at once.
SIGNED_STAGES = ("business-scope", "governance")
UNSIGNED_STAGE = "sustainability"
COMMENTS_PER_STAGE = 3
CUSTOM_RISKS = 4
PARTNERS_PER_COMMIT = 10

# 20 x 20 place names: 400 distinct organisations before a number has to be added.
PREFIXES = (
    "North East West South Ash Bram Cal Dun Elm Fen Glen Hart Ivy Kings Lang Mill Oak Pen Red"
)
PREFIXES += " Stan"
SUFFIXES = "dale brook moor ford field ham ley wick bury ton worth stead mouth borough gate wood"
SUFFIXES += " minster well cross by"
KINDS = [
    ("District Council", OrganisationKind.DISTRICT_COUNCIL),
    ("Borough Council", OrganisationKind.DISTRICT_COUNCIL),
    ("County Council", OrganisationKind.COUNTY_COUNCIL),
    ("Fire and Rescue Service", OrganisationKind.FIRE),
    ("Police", OrganisationKind.POLICE),
    ("NHS Trust", OrganisationKind.NHS),
    ("Housing Association", OrganisationKind.HOUSING),
]
PEOPLE = {"officer": Role.OFFICER, "signatory": Role.SIGNATORY, "ceo": Role.CEO, "cfo": Role.CFO}
SENTENCES = [
    "The partners agree to start with the services that have the most in common.",
    "Each partner keeps its statutory duties; the shared service acts on its behalf.",
    "Residents should see no change in how they contact their own council.",
    "The joint team will be hosted by the lead partner and managed as one service.",
    "Costs and savings are reported to the joint committee every quarter.",
    "Staff were briefed at each partner and their unions have been consulted.",
    "Systems will be moved to one platform in two phases, the first after the pilot.",
    "Data is shared under one agreement that every partner's data protection officer signed.",
    "The business case will be reviewed after twelve months of live running.",
    "Any partner may leave with twelve months' notice, paying its share of exit costs.",
]


@dataclass(frozen=True)
class PartnerPeople:
    """One partner and the emails of its people (all with the password PASSWORD)."""

    partner_id: str
    organisation: str
    officer: str
    signatory: str
    ceo: str
    cfo: str


@dataclass(frozen=True)
class SeedInfo:
    """What the benchmarks need to know about a seeded partnership."""

    partnership_id: str
    password: str
    lead: str
    stage_keys: list[str]
    signed_stages: list[str]
    unsigned_stage: str
    partners: list[PartnerPeople]  # the lead partner first
    risk_ids: list[str]
    seconds: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> SeedInfo:
        data = json.loads(text)
        data["partners"] = [PartnerPeople(**p) for p in data["partners"]]
        return cls(**data)


def _names(index: int) -> tuple[str, str, OrganisationKind]:
    """Organisation name, email domain label and kind of the index-th partner."""
    prefixes, suffixes = PREFIXES.split(), SUFFIXES.split()
    place = prefixes[index // len(suffixes) % len(prefixes)] + suffixes[index % len(suffixes)]
    if index >= len(prefixes) * len(suffixes):
        place += f" {index // (len(prefixes) * len(suffixes)) + 1}"
    kind, organisation_kind = KINDS[index % len(KINDS)]
    return f"{place} {kind}", place.lower().replace(" ", "-"), organisation_kind


def _text(rng: random.Random, limit: int | None, sentences: int) -> str:
    text = " ".join(rng.sample(SENTENCES, sentences))
    return text[:limit].strip() if limit else text


def raw_value(question: Question, rng: random.Random) -> Any:
    """A valid answer to `question`, as a person would type or pick it."""
    low = int(question.min) if question.min is not None else 0
    high = int(question.max) if question.max is not None else 5000
    match question.type:
        case QuestionType.SHORT_TEXT:
            return _text(rng, question.max_length, 1)
        case QuestionType.LONG_TEXT:
            return _text(rng, question.max_length, rng.randint(2, 5))
        case QuestionType.SINGLE_CHOICE:
            return rng.choice(question.options).value
        case QuestionType.MULTIPLE_CHOICE:
            return [o.value for o in rng.sample(question.options, rng.randint(1, 3))]
        case QuestionType.YES_NO:
            return rng.choice(["yes", "no"])
        case QuestionType.NUMBER | QuestionType.SCALE:
            return str(rng.randint(low, high))
        case QuestionType.MONEY:
            return f"{rng.randint(1_000, 900_000)}.{rng.randint(0, 99):02d}"
        case QuestionType.DATE:
            return (dt.date(2026, 4, 1) + dt.timedelta(days=rng.randint(0, 700))).isoformat()
    raise AssertionError(f"no value for {question.type}")


def raw_score(rng: random.Random) -> dict[str, Any]:
    """A readiness score from 0 to 4 with its evidence."""
    return {"score": rng.randint(0, 4), "evidence": _text(rng, None, rng.randint(1, 2))}


def valid_value(item: Question | Statement, rng: random.Random) -> Any:
    """The stored (normalised) form of a fresh valid answer to a question or statement."""
    if isinstance(item, Statement):
        return normalise_score(item, raw_score(rng))
    return normalise(item, raw_value(item, rng))


def _user(db: Session, *, email: str, name: str, organisation_id: str, password_hash: str) -> User:
    """An account with a precomputed hash, as tests/factories.make_user makes one (Argon2
    hashing costs ~50 ms, so one hash serves every account)."""
    user = User(
        email=normalise_email(email),
        name=name,
        organisation_id=organisation_id,
        password_hash=password_hash,
    )
    db.add(user)
    db.flush()
    return user


def _member(db: Session, user: User, partnership_id: str) -> Membership:
    found = membership(db, Principal(user=user), partnership_id)
    assert found is not None, f"{user.email} has no role in the partnership"
    return found


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, request_id=ACTOR_REQUEST)


@dataclass
class _Partner:
    partner: Partner
    organisation: str
    people: dict[str, User]


class _Builder:
    """Builds one partnership step by step, in an order that keeps every step linear."""

    def __init__(self, engine: Engine, roadmap: Roadmap, partners: int) -> None:
        self.engine, self.roadmap, self.count = engine, roadmap, partners
        self.rng = random.Random(f"bench-{partners}")  # noqa: S311 - repeatable data, not secrets
        self.password_hash = hash_password(PASSWORD)
        self.partners: list[_Partner] = []
        self.partnership_id = ""
        self.lead: User | None = None
        self.risk_ids: list[str] = []

    def session(self) -> AbstractContextManager[Session]:
        return session_scope(
            self.engine, write=True, info={"base_url": BASE_URL, "roadmap": self.roadmap}
        )

    def partnership(self, db: Session) -> Partnership:
        partnership = db.get(Partnership, self.partnership_id)
        assert partnership is not None
        return partnership

    def people(self) -> None:
        """The partnership, its partners and their people."""
        for start in range(0, self.count, PARTNERS_PER_COMMIT):
            with self.session() as db:
                for index in range(start, min(start + PARTNERS_PER_COMMIT, self.count)):
                    self._partner(db, index)

    def _partner(self, db: Session, index: int) -> None:
        name, domain, kind = _names(index)
        organisation = get_or_create_organisation(db, name=name, kind=kind)
        people: dict[str, User] = {}

        def person(role: str) -> User:
            return _user(
                db,
                email=f"{role}@{domain}.example.org",
                name=f"{role.upper() if len(role) == 3 else role.title()} of {name}",
                organisation_id=organisation.id,
                password_hash=self.password_hash,
            )

        if index == 0:
            self.lead = person("lead")
            partnership = start_partnership(
                db,
                _actor(self.lead),
                creator=self.lead,
                name=f"Shared revenues and benefits of {self.count} partners",
                service="Revenues and benefits",
                description="A single revenues and benefits service, hosted by the lead partner.",
                roadmap_version=self.roadmap.version,
            )
            self.partnership_id = partnership.id
            partner = db.exec(select(Partner).where(Partner.partnership_id == partnership.id)).one()
            for role in (Role.PARTNER_LEAD, Role.OFFICER):
                grant_role(db, partner=partner, user=self.lead, role=role)
        else:
            partner = add_partner(
                db, partnership=self.partnership(db), organisation=organisation, active=True
            )
        for key, role in PEOPLE.items():
            people[key] = person(key)
            grant_role(db, partner=partner, user=people[key], role=role)
        self.partners.append(_Partner(partner, name, people))

    def funding_figures(self) -> None:
        """Every partner's figures, entered by its officer.

        Entered before the proposal exists: with a proposal, each entry recomputes every method
        for every partner, twice, which would make seeding quadratic in partners.
        """
        for start in range(0, self.count, PARTNERS_PER_COMMIT):
            with self.session() as db:
                for p in self.partners[start : start + PARTNERS_PER_COMMIT]:
                    officer = p.people["officer"]
                    funding_flows.enter_inputs(
                        db,
                        _actor(officer),
                        member=_member(db, officer, self.partnership_id),
                        data={
                            "population": str(self.rng.randint(40_000, 1_400_000)),
                            "driver": str(self.rng.randint(2_000, 90_000)),
                            "budget": f"{self.rng.randint(5_000_000, 900_000_000)}.00",
                        },
                    )

    def shared_answers(self) -> None:
        """Every shared question, answered by the lead through the full answering flow.

        Before any partner's own answers exist, so that the flow's reload of every answer stays
        cheap; and before the funding proposal, so that Day 1 answers do not recompute it.
        """
        assert self.lead is not None
        with self.session() as db:
            member = _member(db, self.lead, self.partnership_id)
            for stage in self.roadmap.stages:
                for question in stage.questions:
                    if question.scope == "shared":
                        wizard_flows.answer(
                            db,
                            _actor(self.lead),
                            member=member,
                            stage=stage,
                            key=question.key,
                            value=valid_value(question, self.rng),
                            read_version=0,
                            base_url=BASE_URL,
                        )

    def funding_proposal(self) -> None:
        """The lead proposes the cost pool and the method."""
        assert self.lead is not None
        with self.session() as db:
            funding_flows.propose(
                db,
                _actor(self.lead),
                member=_member(db, self.lead, self.partnership_id),
                data={
                    "method": Method.POPULATION.value,
                    "one_off_cost": "850000.00",
                    "annual_cost": "4200000.00",
                    "years": "5",
                    "annual_uplift_percent": "2.5",
                    "driver_name": "caseload",
                    "savings_method": "same-as-costs",
                    "exit_terms": "Twelve months' notice; the leaver pays its share of exit costs.",
                },
                read_version=0,
            )

    def own_answers(self) -> None:
        """Every partner's own questions and readiness scores, through the answering flow, and
        its submission per stage."""
        for start in range(0, self.count, PARTNERS_PER_COMMIT):
            with self.session() as db:
                for p in self.partners[start : start + PARTNERS_PER_COMMIT]:
                    officer = p.people["officer"]
                    member = _member(db, officer, self.partnership_id)
                    for stage in self.roadmap.stages:
                        items: list[Question | Statement] = [
                            q for q in stage.questions if q.scope == "partner"
                        ]
                        for item in [*items, *stage.statements]:
                            wizard_flows.answer(
                                db,
                                _actor(officer),
                                member=member,
                                stage=stage,
                                key=item.key,
                                value=valid_value(item, self.rng),
                                read_version=0,
                                base_url=BASE_URL,
                            )
                        wizard_flows.submit_scores(
                            db, _actor(officer), member=member, stage=stage, base_url=BASE_URL
                        )

    def comments(self) -> None:
        """A few comments on every stage, by officers of partners picked at random."""
        with self.session() as db:
            for stage in self.roadmap.stages:
                for _ in range(COMMENTS_PER_STAGE):
                    officer = self.rng.choice(self.partners).people["officer"]
                    wizard_flows.add_comment(
                        db,
                        _actor(officer),
                        member=_member(db, officer, self.partnership_id),
                        stage=stage,
                        key=self.rng.choice(stage.questions).key,
                        body=_text(self.rng, None, 2),
                    )

    def risks(self) -> None:
        """Every common risk adopted, and a few of the partnership's own."""
        assert self.lead is not None
        with self.session() as db:
            for common in COMMON_RISKS:
                self.risk_ids.append(
                    adopt_common_risk(
                        db,
                        _actor(self.lead),
                        partnership_id=self.partnership_id,
                        roadmap=self.roadmap,
                        common_key=common.key,
                        user_id=self.lead.id,
                    ).id
                )
            for n in range(CUSTOM_RISKS):
                self.risk_ids.append(
                    create_risk(
                        db,
                        _actor(self.lead),
                        partnership_id=self.partnership_id,
                        roadmap=self.roadmap,
                        risk=RiskFields(
                            title=f"Local risk {n + 1}: key staff leave during the transfer",
                            description=_text(self.rng, None, 2),
                            likelihood=self.rng.randint(1, 5),
                            impact=self.rng.randint(1, 5),
                            stage_key=self.rng.choice(self.roadmap.stages).key,
                            owner_partner_id=self.rng.choice(self.partners).partner.id,
                            mitigation=_text(self.rng, None, 1),
                        ),
                        user_id=self.lead.id,
                    ).id
                )

    def info(self, seconds: float) -> SeedInfo:
        assert self.lead is not None
        return SeedInfo(
            partnership_id=self.partnership_id,
            password=PASSWORD,
            lead=self.lead.email,
            stage_keys=[s.key for s in self.roadmap.stages],
            signed_stages=list(SIGNED_STAGES),
            unsigned_stage=UNSIGNED_STAGE,
            partners=[
                PartnerPeople(
                    partner_id=p.partner.id,
                    organisation=p.organisation,
                    **{key: user.email for key, user in p.people.items()},
                )
                for p in self.partners
            ],
            risk_ids=self.risk_ids,
            seconds=round(seconds, 1),
        )


def seed_signatures(builder: _Builder) -> None:
    """Every signature the seed makes, in one place.

    A few partners other than the lead sign SIGNED_STAGES (so the lead's signatory still sees
    the form to sign), and the CEO and CFO of the lead and of one more partner sign the funding
    formula. Each signature re-checks a password (~50 ms), so there are only a few.
    """
    signers = builder.partners[1:4]
    with builder.session() as db:
        for stage in (s for s in builder.roadmap.stages if s.key in SIGNED_STAGES):
            for p in signers:
                signatory = p.people["signatory"]
                signatures.sign(
                    db,
                    _actor(signatory),
                    member=_member(db, signatory, builder.partnership_id),
                    subject=stage.key,
                    source=STAGE,
                    role=SignRole.SIGNATORY,
                    password=PASSWORD,
                    shown_hash=None,
                )
        for p in builder.partners[:2]:
            for role in (FundingRole.CEO, FundingRole.CFO):
                user = p.people[role.value]
                funding_flows.sign(
                    db,
                    _actor(user),
                    member=_member(db, user, builder.partnership_id),
                    role=role,
                    password=PASSWORD,
                )


def seed(database_url: str, partners: int, *, progress: bool = False) -> SeedInfo:
    """Migrate the database at `database_url` and build a partnership of `partners` partners."""
    if partners < 2:
        raise ValueError("a partnership needs at least two partners")
    started = time.perf_counter()
    upgrade(database_url)
    engine = make_engine(database_url)
    builder = _Builder(engine, load_roadmap(ROADMAP_DIR), partners)
    try:
        steps: dict[str, Callable[[], None]] = {
            "people": builder.people,
            "funding figures": builder.funding_figures,
            "shared answers": builder.shared_answers,
            "funding proposal": builder.funding_proposal,
            "comments": builder.comments,
            "risks": builder.risks,
            "partners' answers": builder.own_answers,
            "signatures": partial(seed_signatures, builder),
        }
        for name, step in steps.items():
            step()
            if progress:
                print(f"  {name}: done at {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        engine.dispose()
    return builder.info(time.perf_counter() - started)


def _settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, secret_key="bench" * 10)


def _files_digest(*roots: Path) -> str:
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        ):
            digest.update(str(path.relative_to(PROJECT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key() -> str:
    """Changes when the roadmap or this seed change. (A new migration does not: the cached
    database is brought up to date when it is used, as an instance's would be.)"""
    return _files_digest(ROADMAP_DIR, Path(__file__))


def cached_sqlite(partners: int) -> tuple[Path, SeedInfo]:
    """A seeded SQLite file of `partners` partners from bench/.cache, seeded first if missing.

    Callers work on a copy. `SeedInfo.seconds` says how long the seeding took when it ran.
    """
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    stem = f"seed-{partners}p-{cache_key()}"
    path, meta = CACHE_DIR / f"{stem}.db", CACHE_DIR / f"{stem}.json"
    if path.exists() and meta.exists():
        upgrade_database(_settings(f"sqlite:///{path}"))
        return path, SeedInfo.from_json(meta.read_text())
    for stale in CACHE_DIR.glob(f"seed-{partners}p-*"):
        stale.unlink()
    building = CACHE_DIR / f"{stem}.building.db"
    print(f"seeding {partners} partners into {path}", flush=True)
    info = seed(f"sqlite:///{building}", partners, progress=True)
    building.rename(path)
    meta.write_text(info.to_json())
    return path, info


def main() -> None:
    """Seed a database by hand and print what was made."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partners", type=int, default=3)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to seed")
    args = parser.parse_args()
    info = seed(args.url, args.partners, progress=True)
    print(f"seeded {args.partners} partners in {info.seconds} s: partnership {info.partnership_id}")
    print(f"sign in as {info.lead}, or as officer@, signatory@, ceo@ or cfo@ any partner's domain")
    print(f"password: {PASSWORD}")


if __name__ == "__main__":
    main()
