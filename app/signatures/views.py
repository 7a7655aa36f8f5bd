"""Pages: revoking a signature."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import FormData
from app.identity.deps import actor_of
from app.signatures import flows
from app.signatures.models import FUNDING
from app.signatures.permissions import SignatureRevoker

router = APIRouter(include_in_schema=False)


@router.post("/signoffs/{sid}/revoke")
def revoke(request: Request, db: SessionDep, access: SignatureRevoker, form: FormData) -> Response:
    signature = access.signature
    url = (
        f"/partnerships/{signature.partnership_id}/funding#signatures"
        if signature.subject == FUNDING
        else f"/partnerships/{signature.partnership_id}/stages/{signature.subject}#sign-off"
    )
    try:
        flows.revoke(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            signature=signature,
            reason=form.get("reason") or "Revoked by the signatory",
        )
    except flows.SignatureProblem as exc:
        db.rollback()
        response = RedirectResponse(url, status_code=303)
        flash(request, response, str(exc))
        return response
    db.commit()
    response = RedirectResponse(url, status_code=303)
    flash(request, response, "The signature is revoked")
    return response
