"""JSON API for the Day 1 funding formula (CONTRACT.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from app.core import patterns
from app.core.deps import SessionDep
from app.core.problems import API_ERRORS, Problem
from app.funding import flows, formula
from app.funding.formula import percent
from app.funding.models import FundingRole
from app.funding.permissions import FiguresEditor, FundingLead, FundingMember, FundingSigner
from app.funding.schemas import (
    ChangeSinceSigned,
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
from app.signatures.models import SignRole
from app.wizard.deps import RoadmapDep

router = APIRouter(prefix="/api/v1", tags=["funding"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Your role does not allow this, or the password is wrong"},
    404: {"description": "No such partnership that you are part of"},
    409: {"description": "The proposal changed since you read it, or it cannot be signed yet"},
    422: {"description": "A figure is missing or not valid"},
}


def refused(problem: flows.FundingProblem) -> Problem:
    """The problem document for a funding action that could not be done."""
    status = 422
    if isinstance(problem, flows.NotAllowed):
        status = 403
    elif isinstance(problem, flows.NotNow):
        status = 409
    return Problem(status, str(problem), errors=[{"field": problem.field, "message": str(problem)}])


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


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
                changed_since_signed=[
                    ChangeSinceSigned(
                        role=role,
                        signer=was.signer,
                        signed_at=was.signed_at,
                        changes=[
                            {"label": c.label, "then": c.then, "now": c.now} for c in was.changes
                        ],
                    )
                    for role in (FundingRole.CEO, FundingRole.CFO)
                    if (was := current.changed.get((partner.id, SignRole(role.value))))
                ],
            )
            for partner, organisation in current.partners
        ],
        problems=[pr.message for pr in current.problems],
        blank_terms=[q.label for q in current.blank_terms],
        warnings=[{"key": k, "message": m} for k, m in current.warnings.items()],
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
        )
    except flows.FundingProblem as exc:
        raise refused(exc) from None
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
        )
    except flows.FundingProblem as exc:
        raise refused(exc) from None
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
            shown_hash=body.content_hash,
            acknowledged=body.acknowledged,
        )
    except flows.FundingProblem as exc:
        raise refused(exc) from None
    db.commit()
    return FundingSignoffOut(
        id=signoff.id,
        partner_id=signoff.partner_id,
        role=FundingRole(signoff.role.value),
        content_hash=signoff.content_hash,
        created_at=signoff.created_at,
    )


class WhatIfOut(BaseModel):
    # A plain dict is a ConfigDict (a TypedDict), and needs no import.
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "title": "If Eastbrook Borough Council left",
                    "table": {
                        "method": "population",
                        "rows": [
                            {
                                "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                                "organisation": "Northdale District Council",
                                "share_percent": "100.00",
                                "one_off": "250000.00",
                                "per_year": ["1000000.00", "1020000.00", "1040400.00"],
                                "total": "3310400.00",
                            }
                        ],
                        "one_off_total": "250000.00",
                        "year_totals": ["1000000.00", "1020000.00", "1040400.00"],
                        "grand_total": "3310400.00",
                    },
                    "problems": [],
                }
            ]
        }
    }
    title: str
    table: TableOut | None
    problems: list[str]


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _what_if_out(current: FundingState, **change: Any) -> WhatIfOut:
    """The what-if as a table or, until the formula can be worked out, what is missing."""
    found = what_if(current, **change)
    if found is None:
        missing = [p.message for p in current.problems] or ["There is no funding proposal yet"]
        return WhatIfOut(title="Cannot be worked out yet", table=None, problems=missing)
    title, result = found
    if isinstance(result, formula.Table):
        return WhatIfOut(title=title, table=table_out(result), problems=[])
    return WhatIfOut(title=title, table=None, problems=[p.message for p in result])


@router.get(
    "/partnerships/{pid}/funding/what-if/leave/{partner_id}",
    summary="The contributions if a partner left",
    responses={404: {"description": "No such partnership, or no such active partner in it"}},
)
def funding_what_if_leave(
    partner_id: str, db: SessionDep, member: FundingMember, roadmap: RoadmapDep
) -> WhatIfOut:
    current = state(db, member.partnership, roadmap)
    if not any(partner.id == partner_id for partner, _ in current.partners):
        raise HTTPException(404, "No such active partner in this partnership")
    return _what_if_out(current, leave=partner_id)


@router.get(
    "/partnerships/{pid}/funding/what-if/join",
    summary="The contributions if an organisation joined with the figures given",
)
def funding_what_if_join(
    db: SessionDep,
    member: FundingMember,
    roadmap: RoadmapDep,
    name: Annotated[str, Query(max_length=200, pattern=patterns.VISIBLE)],
    population: Annotated[str | None, Query(pattern=patterns.QUANTITY)] = None,
    driver: Annotated[str | None, Query(pattern=patterns.QUANTITY)] = None,
    budget: Annotated[str | None, Query(pattern=patterns.POUNDS)] = None,
) -> WhatIfOut:
    """The newcomer's figures are the ones the method in force needs, as decimal strings like
    the partners' own figures."""
    return _what_if_out(
        state(db, member.partnership, roadmap),
        join_name=name.strip(),
        join_population=_decimal(population),
        join_driver=_decimal(driver),
        join_budget=_decimal(budget),
    )
