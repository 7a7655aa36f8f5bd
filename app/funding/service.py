"""Reading the funding formula as it stands: figures, tables, the content signed, who signed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from app.core.canonical import content_hash
from app.funding import formula
from app.funding.models import FundingInput, FundingProposal, FundingRole, FundingSignoff
from app.identity.models import Organisation
from app.partnerships.models import Partner, Partnership
from app.wizard.definition import Roadmap
from app.wizard.models import SHARED_SCOPE
from app.wizard.service import active_partners, answers_of


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
    signoffs: list[FundingSignoff]
    problems: list[formula.Problem] = field(default_factory=list)
    table: formula.Table | None = None
    comparison: dict[formula.Method, formula.Table | list[formula.Problem]] = field(
        default_factory=dict
    )

    def current(self, partner_id: str, role: FundingRole) -> FundingSignoff | None:
        """The signature that counts for this partner and role, if any (rule 3)."""
        return next(
            (
                s
                for s in self.signoffs
                if s.partner_id == partner_id
                and s.role is role
                and s.superseded_at is None
                and s.content_hash == self.content_hash
            ),
            None,
        )

    @property
    def agreed(self) -> bool:
        """Every active partner's CEO and CFO, two different people, signed this content."""
        if self.proposal is None or self.problems or not self.partners:
            return False
        for partner, _ in self.partners:
            ceo, cfo = (
                self.current(partner.id, FundingRole.CEO),
                self.current(partner.id, FundingRole.CFO),
            )
            if ceo is None or cfo is None or ceo.user_id == cfo.user_id:
                return False
        return True


def state(db: Session, partnership: Partnership, roadmap: Roadmap) -> FundingState:
    """The funding formula as it stands, in five queries whatever the number of partners."""
    proposal = db.exec(
        select(FundingProposal).where(FundingProposal.partnership_id == partnership.id)
    ).first()
    partners = active_partners(db, partnership.id)
    inputs = {
        i.partner_id: i
        for i in db.exec(select(FundingInput).where(FundingInput.partnership_id == partnership.id))
    }
    signoffs = list(
        db.exec(
            select(FundingSignoff)
            .where(FundingSignoff.partnership_id == partnership.id)
            .order_by(col(FundingSignoff.created_at).desc())
        ).all()
    )
    day1 = next(s for s in roadmap.stages if s.kind == "funding")
    answers = answers_of(db, partnership.id, day1.key)
    terms = {
        q.key: (
            answers[(day1.key, q.key, SHARED_SCOPE)].value
            if (day1.key, q.key, SHARED_SCOPE) in answers
            else None
        )
        for q in day1.questions
        if q.scope == "shared"
    }
    figures = to_inputs(partners, inputs)
    content: dict[str, Any] = {
        "partnership_id": partnership.id,
        "formula": formula.canonical(to_proposal(proposal), figures) if proposal else None,
        "terms": terms,
        "partners": sorted(p.id for p, _ in partners),
    }
    result = FundingState(
        partnership, proposal, partners, inputs, content, content_hash(content), signoffs
    )
    if proposal is not None:
        result.problems = formula.validate(to_proposal(proposal), figures)
        if not result.problems:
            result.table = formula.contributions(to_proposal(proposal), figures)
        result.comparison = formula.compare_methods(to_proposal(proposal), figures)
    return result


def is_agreed(db: Session, partnership: Partnership, roadmap: Roadmap) -> bool:
    """Whether the funding formula is agreed (for the banner and the task list)."""
    return state(db, partnership, roadmap).agreed


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
