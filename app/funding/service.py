"""Reading the funding formula as it stands: figures, tables, the content signed, who signed.

`content` is what a CEO or CFO signs; it reads only what it needs (the proposal, the partners'
figures, the Day 1 terms), and computes no table. `state` is everything the Day 1 page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from app.core.canonical import content_hash
from app.funding import formula
from app.funding.models import FundingInput, FundingProposal, FundingRole
from app.identity.models import Organisation
from app.partnerships.models import Partner, Partnership
from app.signatures.models import FUNDING, Signature, SignRole
from app.signatures.service import SubjectStatus, history
from app.signatures.service import status as signature_status
from app.wizard.definition import Roadmap
from app.wizard.models import SHARED_SCOPE, Answer
from app.wizard.service import active_partners


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
