"""JSON API for the Day 1 funding formula (CONTRACT.md)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from app.core.deps import RoadmapDep, SessionDep
from app.core.problems import API_ERRORS, Problem
from app.funding import flows, formula
from app.funding.models import FundingRole
from app.funding.permissions import FiguresEditor, FundingLead, FundingMember, FundingSigner
from app.funding.schemas import (
    FundingOut,
    FundingSignIn,
    FundingSignoffOut,
    InputsIn,
    MethodResult,
    PartnerFundingOut,
    ProposalIn,
    RowOut,
    TableOut,
)
from app.funding.service import FundingState, state, what_if
from app.identity.deps import actor_of

router = APIRouter(prefix="/api/v1", tags=["funding"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Your role does not allow this"},
    404: {"description": "No such partnership that you are part of"},
    409: {"description": "The proposal changed since you read it"},
    422: {"description": "A figure is missing or not valid"},
}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def percent(share: Fraction) -> str:
    """A share as a percentage with two places (for display; the money is exact)."""
    return format(
        (Decimal(share.numerator) / Decimal(share.denominator) * 100).quantize(Decimal("0.01")), "f"
    )


def table_out(table: formula.Table) -> TableOut:
    return TableOut(
        method=table.method,
        rows=[
            RowOut(
                partner_id=r.partner_id,
                organisation=r.name,
                share_percent=percent(r.share),
                one_off=format(r.one_off, "f"),
                per_year=[format(y, "f") for y in r.per_year],
                total=format(r.total, "f"),
            )
            for r in table.rows
        ],
        one_off_total=format(table.one_off_total, "f"),
        year_totals=[format(y, "f") for y in table.year_totals],
        grand_total=format(table.grand_total, "f"),
    )


def funding_out(current: FundingState) -> FundingOut:
    p = current.proposal
    return FundingOut(
        proposal=ProposalIn(
            method=p.method,
            one_off_cost=format(p.one_off_cost, "f"),
            annual_cost=format(p.annual_cost, "f"),
            years=p.years,
            annual_uplift_percent=_text(p.annual_uplift_percent),
            base_share_percent=_text(p.base_share_percent),
            driver_name=p.driver_name,
            savings_method=p.savings_method,
            exit_terms=p.exit_terms,
            version=p.version,
        )
        if p
        else None,
        partners=[
            PartnerFundingOut(
                partner_id=partner.id,
                organisation=organisation.name,
                population=_text(i.population) if (i := current.inputs.get(partner.id)) else None,
                driver=_text(i.driver) if i else None,
                budget=_text(i.budget) if i else None,
                percentage=_text(i.percentage) if i else None,
                ceo_signed_at=(
                    s.created_at if (s := current.current(partner.id, FundingRole.CEO)) else None
                ),
                cfo_signed_at=(
                    s.created_at if (s := current.current(partner.id, FundingRole.CFO)) else None
                ),
            )
            for partner, organisation in current.partners
        ],
        problems=[pr.message for pr in current.problems],
        table=table_out(current.table) if current.table else None,
        every_method=[
            MethodResult(
                method=m,
                table=table_out(r) if isinstance(r, formula.Table) else None,
                problems=[] if isinstance(r, formula.Table) else [x.message for x in r],
            )
            for m, r in current.comparison.items()
        ],
        content_hash=current.content_hash,
        agreed=current.agreed,
    )


@router.get(
    "/partnerships/{pid}/funding",
    responses=ERRORS,
    summary="The proposal, every partner's figures, shares under every method, signatures",
)
def get_funding(db: SessionDep, member: FundingMember, roadmap: RoadmapDep) -> FundingOut:
    return funding_out(state(db, member.partnership, roadmap))


@router.put(
    "/partnerships/{pid}/funding",
    responses=ERRORS,
    summary="Propose the cost pool and the method (partnership lead only)",
)
def put_funding(
    body: ProposalIn, request: Request, db: SessionDep, lead: FundingLead, roadmap: RoadmapDep
) -> FundingOut:
    """Any change supersedes every funding signature."""
    try:
        flows.propose(
            db,
            actor_of(request, lead.principal),
            member=lead,
            data=body.model_dump(exclude={"version"}),
            read_version=body.version,
            roadmap=roadmap,
            base_url=request.app.state.settings.base_url,
        )
    except flows.FundingProblem as exc:
        raise Problem(422, str(exc), errors=[{"field": exc.field, "message": str(exc)}]) from None
    except flows.StaleProposal:
        raise Problem(409, "The proposal changed since you read it; nothing was changed.") from None
    db.commit()
    return funding_out(state(db, lead.partnership, roadmap))


@router.put(
    "/partnerships/{pid}/funding/inputs",
    responses=ERRORS,
    summary="Enter your own organisation's figures",
)
def put_inputs(
    body: InputsIn, request: Request, db: SessionDep, member: FiguresEditor, roadmap: RoadmapDep
) -> FundingOut:
    try:
        flows.enter_inputs(
            db,
            actor_of(request, member.principal),
            member=member,
            data=body.model_dump(),
            roadmap=roadmap,
            base_url=request.app.state.settings.base_url,
        )
    except flows.FundingProblem as exc:
        status = 403 if "role does not allow" in str(exc) else 422
        raise Problem(
            status, str(exc), errors=[{"field": exc.field, "message": str(exc)}]
        ) from None
    db.commit()
    return funding_out(state(db, member.partnership, roadmap))


@router.post(
    "/partnerships/{pid}/funding/signoffs",
    status_code=201,
    responses=ERRORS,
    summary="Sign the formula as your organisation's CEO or CFO",
)
def sign_funding(
    body: FundingSignIn,
    request: Request,
    db: SessionDep,
    member: FundingSigner,
    roadmap: RoadmapDep,
) -> FundingSignoffOut:
    try:
        signoff = flows.sign(
            db,
            actor_of(request, member.principal),
            member=member,
            role=body.role,
            password=body.password,
            roadmap=roadmap,
            base_url=request.app.state.settings.base_url,
        )
    except flows.FundingProblem as exc:
        status = 403 if exc.field == "role" and "Only your" in str(exc) else 422
        raise Problem(
            status, str(exc), errors=[{"field": exc.field, "message": str(exc)}]
        ) from None
    db.commit()
    return FundingSignoffOut(
        id=signoff.id,
        partner_id=signoff.partner_id,
        role=signoff.role,
        content_hash=signoff.content_hash,
        created_at=signoff.created_at,
    )


class WhatIfOut(BaseModel):
    title: str
    table: TableOut | None
    problems: list[str]


@router.get(
    "/partnerships/{pid}/funding/what-if",
    summary="The contributions if a partner left, or if an organisation joined",
)
def funding_what_if(
    db: SessionDep,
    member: FundingMember,
    roadmap: RoadmapDep,
    leave: Annotated[str | None, Query(max_length=32, description="A partner's id")] = None,
    join_name: Annotated[str | None, Query(max_length=200)] = None,
    join_population: Annotated[Decimal | None, Query(ge=0, le=Decimal("1e12"))] = None,
    join_driver: Annotated[Decimal | None, Query(ge=0, le=Decimal("1e12"))] = None,
    join_budget: Annotated[Decimal | None, Query(ge=0, le=Decimal("1e12"))] = None,
) -> WhatIfOut:
    """Give `leave` (a partner's id), or `join_name` with the newcomer's figures. Until the
    formula can be worked out, the answer lists what is missing instead of a table."""
    join = (join_name or "").strip() or None
    if not leave and not join:
        raise Problem(
            422,
            "Give a partner to leave, or an organisation to join.",
            errors=[{"field": "leave", "message": "give leave or join_name"}],
        )
    current = state(db, member.partnership, roadmap)
    if current.proposal is None or current.problems:
        missing = [p.message for p in current.problems] or ["There is no funding proposal yet"]
        return WhatIfOut(title="Cannot be worked out yet", table=None, problems=missing)
    found = what_if(
        current,
        leave=leave,
        join_name=join,
        join_population=join_population,
        join_driver=join_driver,
        join_budget=join_budget,
    )
    if found is None:
        raise Problem(
            422,
            "That partner is not an active partner of this partnership.",
            errors=[{"field": "leave", "message": "not an active partner"}],
        )
    title, result = found
    if isinstance(result, formula.Table):
        return WhatIfOut(title=title, table=table_out(result), problems=[])
    return WhatIfOut(title=title, table=None, problems=[p.message for p in result])
