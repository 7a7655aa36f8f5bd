"""JSON API for sign-offs (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS, Problem
from app.identity.deps import actor_of
from app.signoff import flows
from app.signoff.models import SignOff
from app.signoff.permissions import SignOffRevoker, StageSignatory
from app.signoff.schemas import ReasonRequest, SignOffOut, SignRequest
from app.signoff.service import signoffs_of
from app.wizard.permissions import StageReader

router = APIRouter(prefix="/api/v1", tags=["sign-off"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not a signatory of your organisation, or the password is wrong"},
    404: {"description": "No such partnership that you are part of, or no such stage"},
    409: {"description": "Not now: questions unanswered, already signed, or no longer current"},
}


def refused(problem: flows.SignOffProblem) -> Problem:
    """The problem document for a sign-off that could not be made."""
    if isinstance(problem, flows.NotAllowed):
        return Problem(403, str(problem))
    if isinstance(problem, flows.NotNow):
        return Problem(409, str(problem))
    return Problem(422, str(problem))


def signoff_out(s: SignOff) -> SignOffOut:
    return SignOffOut(
        id=s.id,
        stage=s.stage_key,
        partner_id=s.partner_id,
        user_id=s.user_id,
        decision=s.decision.value,
        reason=s.reason,
        content_hash=s.content_hash,
        roadmap_version=s.roadmap_version,
        created_at=s.created_at,
        current=s.current,
        superseded_at=s.superseded_at,
        superseded_by=s.superseded_by,
        revoked_at=s.revoked_at,
    )


@router.get(
    "/partnerships/{pid}/stages/{stage}/signoffs",
    responses=ERRORS,
    summary="Every sign-off decision on a stage, newest first",
)
def list_signoffs(db: SessionDep, access: StageReader) -> list[SignOffOut]:
    return [signoff_out(s) for s in signoffs_of(db, access.member.partnership.id, access.stage.key)]


@router.post(
    "/partnerships/{pid}/stages/{stage}/signoffs",
    status_code=201,
    responses=ERRORS,
    summary="Sign the stage for your own organisation, as it stands now",
)
def sign(body: SignRequest, request: Request, db: SessionDep, access: StageSignatory) -> SignOffOut:
    """The answer includes `content_hash`: the SHA-256 of the canonical content signed."""
    try:
        signoff = flows.sign(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            password=body.password,
            base_url=request.app.state.settings.base_url,
        )
    except flows.SignOffProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signoff_out(signoff)


@router.post(
    "/partnerships/{pid}/stages/{stage}/signoffs/decline",
    status_code=201,
    responses=ERRORS,
    summary="Decline to sign, with a reason",
)
def decline(
    body: ReasonRequest, request: Request, db: SessionDep, access: StageSignatory
) -> SignOffOut:
    try:
        signoff = flows.decline(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            reason=body.reason,
            base_url=request.app.state.settings.base_url,
        )
    except flows.SignOffProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signoff_out(signoff)


@router.post(
    "/signoffs/{sid}/revoke",
    responses=ERRORS,
    summary="Revoke a sign-off (the signer or their organisation's signatory)",
)
def revoke(
    body: ReasonRequest, request: Request, db: SessionDep, access: SignOffRevoker
) -> SignOffOut:
    try:
        flows.revoke(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            signoff=access.signoff,
            reason=body.reason,
        )
    except flows.SignOffProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signoff_out(access.signoff)
