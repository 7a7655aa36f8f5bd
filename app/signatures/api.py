"""JSON API: revoking a signature, and the shapes every signing route shares."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS, Problem
from app.identity.deps import actor_of
from app.signatures import flows
from app.signatures.models import Signature
from app.signatures.permissions import SignatureRevoker
from app.signatures.schemas import ReasonRequest, SignatureOut, WarningOut

router = APIRouter(prefix="/api/v1", tags=["sign-off"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the signer, nor a holder of the same role in their organisation"},
    404: {"description": "No such signature in a partnership that you are part of"},
    409: {"description": "Not now: the signature no longer counts"},
}


def refused(problem: flows.SignatureProblem) -> Problem:
    """The problem document for a decision that could not be recorded."""
    if isinstance(problem, flows.ContentChanged):
        return Problem(
            409,
            str(problem),
            extra={
                "shown_hash": problem.shown_hash,
                "current_hash": problem.current_hash,
                "current_content": problem.content,
            },
        )
    if isinstance(problem, flows.Unacknowledged):
        return Problem(
            422,
            str(problem),
            errors=[{"field": "acknowledged", "message": str(problem)}],
            extra={"unacknowledged": problem.keys},
        )
    if isinstance(problem, flows.NotAllowed):
        return Problem(403, str(problem))
    if isinstance(problem, flows.NotNow):
        return Problem(409, str(problem))
    return Problem(422, str(problem))


def signature_out(s: Signature) -> SignatureOut:
    return SignatureOut(
        id=s.id,
        stage=s.subject,
        partner_id=s.partner_id,
        user_id=s.user_id,
        role=s.role.value,
        state=s.state,
        decision=s.decision.value,
        reason=s.reason,
        content_hash=s.content_hash,
        roadmap_version=s.roadmap_version,
        created_at=s.created_at,
        current=s.current,
        superseded_at=s.superseded_at,
        superseded_by=s.superseded_by,
        revoked_at=s.revoked_at,
        revoke_reason=s.revoke_reason,
        acknowledged=[WarningOut(**w) for w in s.acknowledged or []],
    )


@router.post(
    "/signoffs/{sid}/revoke",
    responses=ERRORS,
    summary="Revoke a signature (the signer, or a holder of the same role in their organisation)",
)
def revoke(
    body: ReasonRequest, request: Request, db: SessionDep, access: SignatureRevoker
) -> SignatureOut:
    try:
        flows.revoke(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            signature=access.signature,
            reason=body.reason,
        )
    except flows.SignatureProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signature_out(access.signature)
