"""Pages: review and sign a stage (or decline), and what changed since you signed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.core.canonical import canonical_json
from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.identity.deps import actor_of
from app.signatures import flows
from app.signatures.models import Decision, SignRole
from app.signatures.service import Change, changes_since, hash_of, history
from app.wizard.definition import Question, Stage
from app.wizard.diff import word_diff
from app.wizard.permissions import StageAccess, StageSignatory
from app.wizard.progress import display_value
from app.wizard.signing import STAGE, open_warnings, unanswered

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
        if not isinstance(value, dict):
            return str(value)
        evidence = value.get("evidence") or value.get("evidence_url") or ""
        return f"Score {value.get('score')}" + (f": {evidence}" if evidence else "")

    return show


def _sign_page(
    request: Request,
    db: SessionDep,
    access: StageAccess,
    form: Form,
    *,
    status: int = 200,
    moved: list[Change] | None = None,
) -> Response:
    member, stage = access.member, access.stage
    content = STAGE.contents(db, member.partnership, stage.key, [member.partner.id])[
        member.partner.id
    ]
    decisions = history(db, member.partnership.id, stage.key, member.partner.id)
    last = next((s for s in decisions if s.decision is Decision.SIGNED), None)
    changes = changes_since(last.content, content) if last and not last.current else []
    return render(
        request,
        "wizard/sign.html",
        {
            "member": member,
            "stage": stage,
            "content": content,
            "content_hash": hash_of(content),
            "content_json": canonical_json(content).decode(),
            "warnings": open_warnings(db, member.partnership.id, stage),
            # What stops signing, shown before the password is asked for (issue 14).
            "unanswered": unanswered(stage, content),
            "form": form,
            "history": decisions,
            "last": last,
            "changes": changes,
            "moved": moved or [],
            "labels": _labels(stage),
            "word_diff": word_diff,
            "show": _shower(stage),
        },
        status_code=status,
    )


def _done(access: StageAccess) -> str:
    return f"/partnerships/{access.member.partnership.id}/stages/{access.stage.key}#sign-off"


@router.get("/partnerships/{pid}/stages/{stage}/sign")
def sign_page(request: Request, db: SessionDep, access: StageSignatory) -> Response:
    """Check what you are signing (with its fingerprint), then sign or decline."""
    return _sign_page(request, db, access, Form())


@router.post("/partnerships/{pid}/stages/{stage}/sign")
def sign(request: Request, db: SessionDep, access: StageSignatory, form: FormData) -> Response:
    """Sign the content the page showed (its hash comes back in the form), nothing else."""
    try:
        flows.sign(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            subject=access.stage.key,
            source=STAGE,
            role=SignRole.SIGNATORY,
            password=form.get("password"),
            shown_hash=form.get("content_hash") or "",
            warnings=open_warnings(db, access.member.partnership.id, access.stage),
            acknowledged=form.get_list("acknowledge"),
        )
    except flows.ContentChanged as exc:
        db.rollback()
        form.error("changes", str(exc))
        shown = _shown(form)
        moved = changes_since(shown, exc.content) if shown else []
        return _sign_page(request, db, access, form, status=409, moved=moved)
    except flows.Unacknowledged as exc:
        db.rollback()
        form.error("acknowledge", _unacknowledged(exc, access.stage))
        return _sign_page(request, db, access, form, status=400)
    except flows.WrongPassword as exc:
        db.rollback()
        form.error("password", str(exc))
        return _sign_page(request, db, access, form, status=400)
    except flows.SignatureProblem as exc:
        # Not the password's fault (unanswered questions, already signed): said at the top, and
        # never under the password field.
        db.rollback()
        form.error("sign", str(exc))
        return _sign_page(request, db, access, form, status=400)
    db.commit()
    response = RedirectResponse(_done(access), status_code=303)
    flash(request, response, f"You have signed {access.stage.title} for your organisation")
    return response


def _unacknowledged(exc: flows.Unacknowledged, stage: Stage) -> str:
    many = len(exc.keys) > 1
    return (
        f"Confirm that you have read {'each' if many else 'the'} open warning on {stage.title} "
        "before signing" + (f" ({len(exc.keys)} not confirmed)" if many else "")
    )


def _shown(form: Form) -> dict[str, Any]:
    """The content the page showed, as it sent it back, if it matches the hash it showed.

    Only used to say what changed; what is signed is always read from the database.
    """
    try:
        shown = json.loads(form.get("shown_content"))
    except ValueError:
        return {}
    if not isinstance(shown, dict) or hash_of(shown) != form.get("content_hash"):
        return {}
    return shown


@router.post("/partnerships/{pid}/stages/{stage}/decline")
def decline(request: Request, db: SessionDep, access: StageSignatory, form: FormData) -> Response:
    try:
        flows.decline(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            subject=access.stage.key,
            source=STAGE,
            role=SignRole.SIGNATORY,
            reason=form.get("reason"),
        )
    except flows.SignatureProblem as exc:
        db.rollback()
        form.error("reason", str(exc))
        return _sign_page(request, db, access, form, status=400)
    db.commit()
    response = RedirectResponse(_done(access), status_code=303)
    flash(request, response, "You have declined to sign. The partnership lead has been told.")
    return response
