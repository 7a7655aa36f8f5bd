"""Reading the funding formula as it stands: figures, tables, the content signed, who signed.

`content` is what a CEO or CFO signs; it reads only what it needs (the proposal, the partners'
figures, the Day 1 terms), and computes no table. `state` is everything the Day 1 page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from app.core.canonical import content_hash
from app.funding import formula
from app.funding.models import FundingInput, FundingProposal, FundingRole
from app.identity.models import Organisation
from app.identity.service import people_named
from app.partnerships.models import Partner, Partnership
from app.signatures.models import FUNDING, Signature, SignRole
from app.signatures.service import SubjectStatus, changes_since, history
from app.signatures.service import status as signature_status
from app.wizard.definition import Question, Roadmap
from app.wizard.models import SHARED_SCOPE, Answer
from app.wizard.progress import display_value
from app.wizard.service import active_partners, roadmap_of
from app.wizard.signing import open_warnings


def to_proposal(row: FundingProposal) -> formula.Proposal:
    """The stored proposal as the formula module takes it."""
    return formula.Proposal(
        method=row.method,
        one_off_cost=row.one_off_cost,
        annual_cost=row.annual_cost,
        years=row.years,
        annual_uplift_percent=row.annual_uplift_percent,
        base_share_percent=row.base_share_percent,
        driver_name=row.driver_name,
    )


def to_inputs(
    partners: list[tuple[Partner, Organisation]], rows: dict[str, FundingInput]
) -> list[formula.PartnerInputs]:
    """Every active partner's figures (None where not entered yet)."""
    out = []
    for partner, organisation in partners:
        row = rows.get(partner.id)
        out.append(
            formula.PartnerInputs(
                partner_id=partner.id,
                name=organisation.name,
                population=row.population if row else None,
                driver=row.driver if row else None,
                budget=row.budget if row else None,
                percentage=row.percentage if row else None,
            )
        )
    return out


@dataclass(frozen=True)
class FundingChange:
    """One thing that differs from what a CEO or CFO signed, as people read it."""

    label: str
    then: str
    now: str


@dataclass(frozen=True)
class SinceSigned:
    """A CEO's or CFO's signature that no longer counts because the formula changed."""

    signer: str  # "Name (Organisation)"
    signed_at: datetime
    changes: list[FundingChange]


@dataclass
class FundingState:
    """Everything the Day 1 page and the funding API show."""

    partnership: Partnership
    proposal: FundingProposal | None
    partners: list[tuple[Partner, Organisation]]
    inputs: dict[str, FundingInput]
    content: dict[str, Any]
    content_hash: str
    signatures: SubjectStatus
    signoffs: list[Signature]  # every decision, newest first
    problems: list[formula.Problem] = field(default_factory=list)
    blank_terms: list[Question] = field(default_factory=list)  # required Day 1 terms unanswered
    warnings: dict[str, str] = field(default_factory=dict)  # open on the Day 1 terms
    # (partner id, role) -> a superseded signature: who signed, when, and what changed since
    changed: dict[tuple[str, SignRole], SinceSigned] = field(default_factory=dict)
    table: formula.Table | None = None
    comparison: dict[formula.Method, formula.Table | list[formula.Problem]] = field(
        default_factory=dict
    )

    def current(self, partner_id: str, role: FundingRole) -> Signature | None:
        """The signature that counts for this partner and role, if any (rule 3)."""
        signature = self.signatures.latest(partner_id, SignRole(role.value))
        return signature if signature is not None and signature.current else None

    @property
    def agreed(self) -> bool:
        """Every active partner's CEO and CFO, two different people, signed this content."""
        return self.signatures.agreed

    @property
    def signable(self) -> bool:
        """There is a proposal, every figure is in and every required Day 1 term answered."""
        return self.proposal is not None and not self.problems and not self.blank_terms


def _terms(db: Session, partnership: Partnership, roadmap: Roadmap) -> dict[str, Any]:
    """The Day 1 stage's shared answers: the terms signed with the formula."""
    day1 = roadmap.funding_stage
    found = dict(
        db.exec(
            select(Answer.question_key, Answer.value).where(
                Answer.partnership_id == partnership.id,
                Answer.stage_key == day1.key,
                Answer.scope == SHARED_SCOPE,
            )
        ).all()
    )
    return {q.key: found.get(q.key) for q in day1.questions if q.scope == "shared"}


def _proposal(db: Session, partnership_id: str) -> FundingProposal | None:
    return db.exec(
        select(FundingProposal).where(FundingProposal.partnership_id == partnership_id)
    ).first()


def _inputs(db: Session, partnership_id: str) -> dict[str, FundingInput]:
    return {
        i.partner_id: i
        for i in db.exec(select(FundingInput).where(FundingInput.partnership_id == partnership_id))
    }


def _content(
    partnership: Partnership,
    proposal: FundingProposal | None,
    figures: list[formula.PartnerInputs],
    terms: dict[str, Any],
    partners: list[tuple[Partner, Organisation]],
) -> dict[str, Any]:
    return {
        "partnership_id": partnership.id,
        "formula": formula.canonical(to_proposal(proposal), figures) if proposal else None,
        "terms": terms,
        "partners": sorted(p.id for p, _ in partners),
    }


def content(db: Session, partnership: Partnership, roadmap: Roadmap) -> dict[str, Any]:
    """What a CEO or CFO signs: the formula with every partner's figures, the Day 1 terms and
    the set of partners (so that a partner joining or leaving supersedes every signature)."""
    partners = active_partners(db, partnership.id)
    figures = to_inputs(partners, _inputs(db, partnership.id))
    return _content(
        partnership,
        _proposal(db, partnership.id),
        figures,
        _terms(db, partnership, roadmap),
        partners,
    )


def day1_warnings(db: Session, partnership_id: str) -> dict[str, str]:
    """The consistency warnings open on the Day 1 terms (key -> message): a CEO or CFO
    acknowledges each when signing the formula, as a signatory does on a stage."""
    return open_warnings(db, partnership_id, roadmap_of(db).funding_stage)


def blank_terms(roadmap: Roadmap, terms: dict[str, Any]) -> list[Question]:
    """The required Day 1 terms not answered yet: the formula is signed with its terms, so a
    CEO or CFO cannot sign a formula whose savings, exit or true-up rules are still blank."""
    return [
        q
        for q in roadmap.funding_stage.questions
        if q.scope == "shared" and q.required and terms.get(q.key) in (None, "", [])
    ]


# How the proposal's parts read (formula.canonical's keys).
PROPOSAL_LABELS = {
    "method": "Method",
    "one_off_cost": "One-off cost",
    "annual_cost": "Annual cost",
    "years": "Years",
    "annual_uplift_percent": "Annual uplift (%)",
    "base_share_percent": "Equal base share (%)",
    "driver_name": "Cost driver",
    "schema": "Formula version",
}
FIGURE_LABELS = {
    "population": "population",
    "driver": "driver",
    "budget": "budget",
    "percentage": "agreed percentage",
}


def _plain(value: Any) -> str:
    return "Not given" if value in (None, "", []) else str(value)


def _figure_changes(then: list[Any], now: list[Any]) -> list[FundingChange]:
    """Each partner's figures that differ, named by partner and figure."""
    before = {p["partner_id"]: p for p in then or []}
    after = {p["partner_id"]: p for p in now or []}
    out = []
    for pid in sorted(set(before) | set(after)):
        old, new = before.get(pid, {}), after.get(pid, {})
        name = new.get("name") or old.get("name") or pid
        for key, label in FIGURE_LABELS.items():
            if old.get(key) != new.get(key):
                out.append(
                    FundingChange(f"{name}: {label}", _plain(old.get(key)), _plain(new.get(key)))
                )
    return out


def changes_since_signed(
    signed: dict[str, Any], current: FundingState, roadmap: Roadmap
) -> list[FundingChange]:
    """What differs between the content a signature bound to and the formula as it stands:
    the proposal, each partner's figures, the Day 1 terms, and who the partners are."""
    terms = {q.key: q for q in roadmap.funding_stage.questions}
    names = {  # a partner that has left is named as it was signed
        p["partner_id"]: p["name"]
        for content in (signed, current.content)
        for p in (content.get("formula") or {}).get("partners", [])
    }
    out: list[FundingChange] = []
    for change in changes_since(signed, current.content):
        if change.part == "terms":
            question = terms.get(change.key)

            def show(value: Any, q: Question | None = question) -> str:
                if value in (None, "", []) or q is None:
                    return _plain(value)
                return display_value(q.type, value, {o.value: o.label for o in q.options})

            label = question.label if question else change.key
            out.append(FundingChange(label, show(change.then), show(change.now)))
        elif change.part == "formula" and change.key == "partners":
            out.extend(_figure_changes(change.then, change.now))
        elif change.part == "formula":
            label = PROPOSAL_LABELS.get(change.key, change.key)
            out.append(FundingChange(label, _plain(change.then), _plain(change.now)))
        elif change.part == "partners":
            before, after = set(change.then or []), set(change.now or [])
            joined = sorted(names.get(p, "a partner") for p in after - before)
            left = sorted(names.get(p, "a partner") for p in before - after)
            text = "; ".join(
                ([f"joined: {', '.join(joined)}"] if joined else [])
                + ([f"left: {', '.join(left)}"] if left else [])
            )
            out.append(
                FundingChange(
                    "Partners", f"{len(before)} partners", f"{len(after)} partners ({text})"
                )
            )
        else:
            out.append(FundingChange(change.key, _plain(change.then), _plain(change.now)))
    return out


def problems(db: Session, partnership: Partnership) -> list[formula.Problem] | None:
    """What stops the formula being signed: None when there is no proposal yet."""
    proposal = _proposal(db, partnership.id)
    if proposal is None:
        return None
    partners = active_partners(db, partnership.id)
    return formula.validate(to_proposal(proposal), to_inputs(partners, _inputs(db, partnership.id)))


def state(
    db: Session, partnership: Partnership, roadmap: Roadmap, *, every_method: bool = True
) -> FundingState:
    """The funding formula as it stands, in a few queries whatever the number of partners;
    with the shares under every method side by side unless `every_method` is False."""
    proposal = _proposal(db, partnership.id)
    partners = active_partners(db, partnership.id)
    inputs = _inputs(db, partnership.id)
    figures = to_inputs(partners, inputs)
    signed = _content(partnership, proposal, figures, _terms(db, partnership, roadmap), partners)
    result = FundingState(
        partnership,
        proposal,
        partners,
        inputs,
        signed,
        content_hash(signed),
        signature_status(db, partnership.id, FUNDING),
        history(db, partnership.id, FUNDING),
        blank_terms=blank_terms(roadmap, signed["terms"]),
        warnings=day1_warnings(db, partnership.id),
    )
    superseded = [
        (partner_id, role, signature)
        for partner_id, standing in result.signatures.partners.items()
        for role, signature in standing.latest.items()
        if signature.superseded_at is not None and signature.revoked_at is None
    ]
    signers = people_named(db, {signature.user_id for _, _, signature in superseded})
    for partner_id, role, signature in superseded:
        result.changed[(partner_id, role)] = SinceSigned(
            signers.get(signature.user_id, "Someone"),
            signature.created_at,
            changes_since_signed(signature.content or {}, result, roadmap),
        )
    if proposal is not None:
        result.problems = formula.validate(to_proposal(proposal), figures)
        if not result.problems:
            result.table = formula.contributions(to_proposal(proposal), figures)
        if every_method:
            result.comparison = formula.compare_methods(to_proposal(proposal), figures)
    return result


WhatIf = tuple[str, formula.Table | list[formula.Problem]]


def what_if(
    current: FundingState,
    *,
    leave: str | None = None,
    join_name: str | None = None,
    join_population: Decimal | None = None,
    join_driver: Decimal | None = None,
    join_budget: Decimal | None = None,
) -> WhatIf | None:
    """The table if a partner left, or if a named organisation joined with its figures."""
    if current.proposal is None or current.problems:
        return None
    figures = to_inputs(current.partners, current.inputs)
    proposal = to_proposal(current.proposal)
    if leave:
        name = next((o.name for p, o in current.partners if p.id == leave), None)
        if name is None:
            return None
        return f"If {name} left", formula.what_if_leaves(proposal, figures, leave)
    if join_name:
        newcomer = formula.PartnerInputs(
            partner_id="newcomer",
            name=join_name,
            population=join_population,
            driver=join_driver,
            budget=join_budget,
            percentage=None,
        )
        return f"If {join_name} joined", formula.what_if_joins(proposal, figures, newcomer)
    return None
