"""Pages: review and sign a stage (or decline), what changed since you signed, revoking."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, read_form
from app.core.templating import render
from app.identity.deps import actor_of
from app.signoff import flows
from app.signoff.permissions import SignOffRevoker, StageSignatory
from app.signoff.service import changes_since, hash_of, signoffs_of, stage_content
from app.wizard.definition import Question, Stage
from app.wizard.diff import word_diff
from app.wizard.permissions import StageAccess
from app.wizard.progress import display_value
from app.wizard.service import answers_of

router = APIRouter(include_in_schema=False)


def _labels(stage: Stage) -> dict[str, str]:
    labels = {q.key: q.label for q in stage.questions}
    return labels | {s.key: s.text for s in stage.statements}


def _shower(stage: Stage) -> Callable[[str, Any], str]:
    """How a value of the stage reads on the page."""

    def show(key: str, value: Any) -> str:
        item = stage.item(key)
        if value in (None, "", []):
            return "Not answered"
        if isinstance(item, Question):
            return display_value(item.type, value, {o.value: o.label for o in item.options})
        evidence = value.get("evidence") or value.get("evidence_url") or ""
        return f"Score {value.get('score')}" + (f": {evidence}" if evidence else "")

    return show


def _sign_page(
    request: Request, db: SessionDep, access: StageAccess, form: Form, status: int = 200
) -> Response:
    member, stage = access.member, access.stage
    content = stage_content(
        member.partnership,
        stage,
        member.partner.id,
        answers_of(db, member.partnership.id, stage.key),
    )
    history = [
        s
        for s in signoffs_of(db, member.partnership.id, stage.key)
        if s.partner_id == member.partner.id
    ]
    last = next((s for s in history if s.decision.value == "signed"), None)
    changes = changes_since(last.content, content) if last and not last.current else []
    return render(
        request,
        "signoff/sign.html",
        {
            "member": member,
            "stage": stage,
            "content": content,
            "content_hash": hash_of(content),
            "form": form,
            "history": history,
            "last": last,
            "changes": changes,
            "labels": _labels(stage),
            "word_diff": word_diff,
            "show": _shower(stage),
        },
        status_code=status,
    )


@router.get("/partnerships/{pid}/stages/{stage}/sign")
def sign_page(request: Request, db: SessionDep, access: StageSignatory) -> Response:
    """Check what you are signing (with its fingerprint), then sign or decline."""
    return _sign_page(request, db, access, Form())


@router.post("/partnerships/{pid}/stages/{stage}/sign")
async def sign(request: Request, db: SessionDep, access: StageSignatory) -> Response:
    form = await read_form(request)
    try:
        flows.sign(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            password=form.get("password"),
            base_url=request.app.state.settings.base_url,
        )
    except flows.SignOffProblem as exc:
        form.error("password", str(exc))
        return _sign_page(request, db, access, form, status=400)
    db.commit()
    response = RedirectResponse(
        f"/partnerships/{access.member.partnership.id}/stages/{access.stage.key}#sign-off",
        status_code=303,
    )
    flash(request, response, f"You have signed {access.stage.title} for your organisation")
    return response


@router.post("/partnerships/{pid}/stages/{stage}/decline")
async def decline(request: Request, db: SessionDep, access: StageSignatory) -> Response:
    form = await read_form(request)
    try:
        flows.decline(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            reason=form.get("reason"),
            base_url=request.app.state.settings.base_url,
        )
    except flows.SignOffProblem as exc:
        form.error("reason", str(exc))
        return _sign_page(request, db, access, form, status=400)
    db.commit()
    response = RedirectResponse(
        f"/partnerships/{access.member.partnership.id}/stages/{access.stage.key}#sign-off",
        status_code=303,
    )
    flash(request, response, "You have declined to sign. The partnership lead has been told.")
    return response


@router.post("/signoffs/{sid}/revoke")
async def revoke(request: Request, db: SessionDep, access: SignOffRevoker) -> Response:
    form = await read_form(request)
    signoff = access.signoff
    url = f"/partnerships/{signoff.partnership_id}/stages/{signoff.stage_key}#sign-off"
    try:
        flows.revoke(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            signoff=signoff,
            reason=form.get("reason") or "Revoked by the signatory",
        )
    except flows.SignOffProblem as exc:
        response = RedirectResponse(url, status_code=303)
        flash(request, response, str(exc))
        return response
    db.commit()
    response = RedirectResponse(url, status_code=303)
    flash(request, response, "The sign-off is revoked")
    return response
