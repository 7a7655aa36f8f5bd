"""JSON API for the risk register (CONTRACT.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from app.core.deps import SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, page
from app.core.problems import API_ERRORS, PROBLEM_JSON, Problem, problem
from app.identity.deps import actor_of
from app.partnerships.permissions import Lead, Member
from app.risks import service
from app.risks.common import COMMON_RISKS
from app.risks.models import Risk
from app.risks.permissions import RiskEditor, RiskOfEditor, RiskOfLead, RiskOfMember
from app.risks.schemas import (
    AdoptCommon,
    CommonRiskOut,
    HeatCellOut,
    RiskCreate,
    RiskOut,
    RiskUpdate,
)
from app.wizard.deps import RoadmapDep

router = APIRouter(prefix="/api/v1", tags=["risks"], responses=API_ERRORS)

READ_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    404: {"description": "No such partnership (or risk) that you are part of"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **READ_ERRORS,
    403: {"description": "Your role does not allow this (viewers read only)"},
    422: {"description": "Invalid input; `errors` names each field"},
}
# Rules that depend on stored data, which a JSON Schema cannot express: the OpenAPI document
# says them in the 422 answer of the routes they apply to (issue 13).
OWNER_AND_STAGE_RULE = (
    "`stage_key` must be a stage of the roadmap in force, and `owner_partner_id` an active "
    "partner of this partnership"
)
NEW_RISK_ERRORS: dict[int | str, dict[str, Any]] = {
    **WRITE_ERRORS,
    422: {"description": f"Invalid input; `errors` names each field: {OWNER_AND_STAGE_RULE}"},
}
STALE_DETAIL = (
    "Someone else has changed this risk since you read it. `current` is the risk as it is now; "
    "send your change again with its version if it still applies."
)


def _invalid(exc: service.RiskProblem) -> Problem:
    return Problem(422, exc.message, errors=[{"field": exc.field, "message": exc.message}])


def _stale(current: Risk) -> Response:
    """409 with the risk as it is now, so the caller can show both versions."""
    body = json.loads(bytes(problem(409, STALE_DETAIL).body))
    body["current"] = RiskOut.model_validate(current).model_dump(mode="json")
    return JSONResponse(body, status_code=409, media_type=PROBLEM_JSON)


@router.get(
    "/partnerships/{pid}/risks",
    summary="The risk register, highest score first",
    responses=READ_ERRORS,
)
def list_risks(
    request: Request,
    response: Response,
    db: SessionDep,
    member: Member,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[RiskOut]:
    """Every risk of the partnership, open or not, with its score, highest first; paginated."""
    risks = service.list_risks(db, partnership_id=member.partnership.id)
    chosen = page(
        risks, key=lambda r: r.id, limit=limit, cursor=cursor, request=request, response=response
    )
    return [RiskOut.model_validate(r) for r in chosen]


@router.post(
    "/partnerships/{pid}/risks",
    status_code=201,
    summary="Add a risk to the register (any member but a viewer)",
    responses=NEW_RISK_ERRORS,
)
def create_risk(
    body: RiskCreate, request: Request, db: SessionDep, editor: RiskEditor, roadmap: RoadmapDep
) -> RiskOut:
    try:
        risk = service.create_risk(
            db,
            actor_of(request, editor.principal),
            partnership_id=editor.partnership.id,
            roadmap=roadmap,
            risk=service.RiskFields(**body.model_dump()),
            user_id=editor.principal.user.id,
        )
    except service.RiskProblem as exc:
        raise _invalid(exc) from None
    db.commit()
    return RiskOut.model_validate(risk)


@router.get(
    "/partnerships/{pid}/risks/heat-map",
    summary="Open risks counted by likelihood and impact (five by five)",
    responses=READ_ERRORS,
)
def heat_map(db: SessionDep, member: Member) -> list[HeatCellOut]:
    """25 cells, most likely first; each carries its score and band (low, medium, high)."""
    found = service.heat_map(db, partnership_id=member.partnership.id)
    return [HeatCellOut.model_validate(cell) for cell in found.cells()]


@router.get(
    "/partnerships/{pid}/risks/common",
    summary="The common risks, and whether each is in the register",
    responses=READ_ERRORS,
)
def common_risks(db: SessionDep, member: Member) -> list[CommonRiskOut]:
    """Risks that sink most partnerships, drawn from experience, ready to adopt."""
    taken = service.adopted_keys(db, partnership_id=member.partnership.id)
    return [
        CommonRiskOut(
            key=c.key,
            title=c.title,
            description=c.description,
            stage_key=c.stage_key,
            likelihood=c.likelihood,
            impact=c.impact,
            score=c.score,
            mitigation=c.mitigation,
            adopted=c.key in taken,
        )
        for c in COMMON_RISKS
    ]


@router.post(
    "/partnerships/{pid}/risks/adopt",
    status_code=201,
    summary="Add a common risk to the register (partnership lead only)",
    responses={**WRITE_ERRORS, 409: {"description": "That common risk is already in the register"}},
)
def adopt_common_risk(
    body: AdoptCommon, request: Request, db: SessionDep, lead: Lead, roadmap: RoadmapDep
) -> RiskOut:
    """The risk starts with the suggested score and mitigation; change them like any other."""
    try:
        risk = service.adopt_common_risk(
            db,
            actor_of(request, lead.principal),
            partnership_id=lead.partnership.id,
            roadmap=roadmap,
            common_key=body.common_key,
            user_id=lead.principal.user.id,
        )
    except service.AlreadyAdopted as exc:
        raise Problem(409, exc.message) from None
    except service.RiskProblem as exc:
        raise _invalid(exc) from None
    db.commit()
    return RiskOut.model_validate(risk)


@router.get("/risks/{rid}", summary="One risk", responses=READ_ERRORS)
def get_risk(access: RiskOfMember) -> RiskOut:
    """Read a risk and its `version` before changing it."""
    return RiskOut.model_validate(access.risk)


@router.patch(
    "/risks/{rid}",
    summary="Change a risk (any member but a viewer)",
    response_model=RiskOut,
    responses={
        **WRITE_ERRORS,
        409: {"description": "Stale `version`: the body's `current` is the risk as it is now"},
        422: {
            "description": f"Invalid input; `errors` names each field: {OWNER_AND_STAGE_RULE}; "
            "and marking it mitigated needs a `mitigation`, sent or already stored"
        },
    },
)
def update_risk(
    body: RiskUpdate, request: Request, db: SessionDep, access: RiskOfEditor, roadmap: RoadmapDep
) -> RiskOut | Response:
    """Send only the fields to change, with the `version` you read."""
    principal = access.membership.principal
    try:
        risk = service.update_risk(
            db,
            actor_of(request, principal),
            risk=access.risk,
            read_version=body.version,
            changes=replace(service.RiskFields.of(access.risk), **body.changes()),
            roadmap=roadmap,
            user_id=principal.user.id,
        )
    except service.StaleRisk as exc:
        if exc.current is None:
            raise Problem(404, "This risk has been deleted.") from None
        return _stale(exc.current)
    except service.RiskProblem as exc:
        raise _invalid(exc) from None
    db.commit()
    return RiskOut.model_validate(risk)


@router.delete(
    "/risks/{rid}",
    status_code=204,
    summary="Delete a risk recorded by mistake (partnership lead only)",
    responses=WRITE_ERRORS,
)
def delete_risk(request: Request, db: SessionDep, access: RiskOfLead) -> Response:
    """Close a risk instead unless it should never have been recorded; the audit trail keeps
    what a deleted risk said."""
    service.delete_risk(db, actor_of(request, access.membership.principal), risk=access.risk)
    db.commit()
    return Response(status_code=204)
