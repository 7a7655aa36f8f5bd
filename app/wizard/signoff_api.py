"""JSON API for stage sign-offs (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from app.core.deps import SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, page
from app.core.problems import API_ERRORS
from app.identity.deps import actor_of
from app.signatures import flows
from app.signatures.api import refused, signature_out
from app.signatures.models import SignRole
from app.signatures.schemas import (
    ReasonRequest,
    SignatureOut,
    SignPreview,
    SignRequest,
    WarningOut,
)
from app.signatures.service import hash_of, history
from app.wizard.permissions import StageReader, StageSignatory
from app.wizard.signing import STAGE, open_warnings

router = APIRouter(prefix="/api/v1", tags=["sign-off"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not a signatory of your organisation, or the password is wrong"},
    422: {
        "description": "Not valid, or an open warning was not acknowledged (`unacknowledged` "
        "names the keys)"
    },
    404: {"description": "No such partnership that you are part of, or no such stage"},
    409: {
        "description": "Not now: questions unanswered, already signed, or the content changed "
        "since the hash you sent (`current_hash` and `current_content` say how it stands)"
    },
}


@router.get(
    "/partnerships/{pid}/stages/{stage}/signoffs",
    responses=ERRORS,
    summary="Every sign-off decision on a stage, newest first",
)
def list_signoffs(
    request: Request,
    response: Response,
    db: SessionDep,
    access: StageReader,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[SignatureOut]:
    """Paginated: a stage re-signed after every change gathers decisions for years."""
    decisions = history(db, access.member.partnership.id, access.stage.key)
    chosen = page(
        decisions,
        key=lambda s: s.id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [signature_out(s) for s in chosen]


@router.get(
    "/partnerships/{pid}/stages/{stage}/signoffs/preview",
    responses=ERRORS,
    summary="What you would sign now: the content, its hash and the open warnings",
)
def preview(db: SessionDep, access: StageSignatory) -> SignPreview:
    """Send back `content_hash` and every warning's key in `acknowledged` to sign this."""
    member = access.member
    content = STAGE.contents(db, member.partnership, access.stage.key, [member.partner.id])[
        member.partner.id
    ]
    warnings = open_warnings(db, member.partnership.id, access.stage)
    return SignPreview(
        stage=access.stage.key,
        partner_id=member.partner.id,
        content=content,
        content_hash=hash_of(content),
        warnings=[WarningOut(key=k, message=m) for k, m in warnings.items()],
        refusal=STAGE.refusal(db, member.partnership, access.stage.key, content),
    )


@router.post(
    "/partnerships/{pid}/stages/{stage}/signoffs",
    status_code=201,
    responses=ERRORS,
    summary="Sign the stage for your own organisation, as it stands now",
)
def sign(
    body: SignRequest, request: Request, db: SessionDep, access: StageSignatory
) -> SignatureOut:
    """The answer includes `content_hash`: the SHA-256 of the canonical content signed. Send
    the hash you were shown as `content_hash` to sign only that content."""
    try:
        signature = flows.sign(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            subject=access.stage.key,
            source=STAGE,
            role=SignRole.SIGNATORY,
            password=body.password,
            shown_hash=body.content_hash,
            warnings=open_warnings(db, access.member.partnership.id, access.stage),
            acknowledged=body.acknowledged,
        )
    except flows.SignatureProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signature_out(signature)


@router.post(
    "/partnerships/{pid}/stages/{stage}/signoffs/decline",
    status_code=201,
    responses=ERRORS,
    summary="Decline to sign, with a reason",
)
def decline(
    body: ReasonRequest, request: Request, db: SessionDep, access: StageSignatory
) -> SignatureOut:
    try:
        signature = flows.decline(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            subject=access.stage.key,
            source=STAGE,
            role=SignRole.SIGNATORY,
            reason=body.reason,
        )
    except flows.SignatureProblem as exc:
        raise refused(exc) from None
    db.commit()
    return signature_out(signature)
