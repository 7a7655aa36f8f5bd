"""Pages: revoking a signature, on a page of its own that asks why and for a confirmation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.identity.deps import actor_of
from app.identity.service import people_named
from app.signatures import flows
from app.signatures.models import FUNDING, Signature
from app.signatures.permissions import SignatureAccess, SignatureRevoker
from app.wizard.service import roadmap_of

router = APIRouter(include_in_schema=False)

CONFIRMATION = "confirm"


def _back(signature: Signature) -> str:
    """Where the signature is listed: the funding page, or the stage's sign-off register."""
    if signature.subject == FUNDING:
        return f"/partnerships/{signature.partnership_id}/funding#signatures"
    return f"/partnerships/{signature.partnership_id}/stages/{signature.subject}#sign-off"


def _title(db: SessionDep, signature: Signature) -> str:
    roadmap = roadmap_of(db)
    if signature.subject == FUNDING:
        return roadmap.funding_stage.title
    stage = roadmap.stage(signature.subject)
    return stage.title if stage else signature.subject


def _page(
    request: Request, db: SessionDep, access: SignatureAccess, form: Form, *, status: int = 200
) -> Response:
    signature = access.signature
    return render(
        request,
        "signatures/revoke.html",
        {
            "member": access.member,
            "signature": signature,
            "title": _title(db, signature),
            "signer": people_named(db, [signature.user_id]).get(signature.user_id, "Someone"),
            "back": _back(signature),
            "form": form,
        },
        status_code=status,
    )


@router.get("/signoffs/{sid}/revoke")
def revoke_page(request: Request, db: SessionDep, access: SignatureRevoker) -> Response:
    """What is being revoked, and why: a reason and a confirmation before anything happens."""
    return _page(request, db, access, Form())


@router.post("/signoffs/{sid}/revoke")
def revoke(request: Request, db: SessionDep, access: SignatureRevoker, form: FormData) -> Response:
    """Revoke with the reason given, once confirmed; the register and history show both."""
    signature = access.signature
    if not form.get("reason").strip():
        form.error("reason", "Enter the reason for revoking this signature")
    if form.get(CONFIRMATION) != "yes":
        form.error(CONFIRMATION, "Confirm that your organisation's signature will stop counting")
    if form.errors:
        return _page(request, db, access, form, status=400)
    try:
        flows.revoke(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            signature=signature,
            reason=form.get("reason"),
        )
    except flows.SignatureProblem as exc:
        db.rollback()
        form.error("reason", str(exc))
        return _page(
            request, db, access, form, status=409 if isinstance(exc, flows.NotNow) else 400
        )
    db.commit()
    response = RedirectResponse(_back(signature), status_code=303)
    flash(request, response, "The signature is revoked. The register shows it with your reason.")
    return response
