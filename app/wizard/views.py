"""Pages: the task list, stage pages (with and without JavaScript), check your answers,
history, readiness score submission and comments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.core.throttle import spend
from app.identity.deps import actor_of
from app.identity.service import people_named
from app.partnerships.models import Role
from app.partnerships.permissions import Member
from app.signatures.service import history as signature_history
from app.wizard import flows
from app.wizard.definition import Question, QuestionType, Stage, Statement
from app.wizard.deps import RoadmapDep
from app.wizard.diff import word_diff
from app.wizard.forms import editable_items, field_id, fields_of, raw_of, read_version
from app.wizard.models import Answer
from app.wizard.permissions import CommentEditor, StageAccess, StageEditor, StageReader
from app.wizard.progress import STATE_LABELS, display_value
from app.wizard.service import (
    HISTORY_COST,
    StageView,
    StaleAnswer,
    active_partners,
    comments_of,
    comments_page,
    progress_of,
    revisions_of,
    stage_view,
    value_at,
)
from app.wizard.signing import stage_statuses
from app.wizard.values import InvalidValue

router = APIRouter(include_in_schema=False)


def _stage_url(access: StageAccess, suffix: str = "") -> str:
    return f"/partnerships/{access.member.partnership.id}/stages/{access.stage.key}{suffix}"


# Up to this many other partners, a stage page shows their answers under each question;
# beyond it, each question links to a page of every partner's answer to it.
INLINE_OTHERS = 12


def _view(db: SessionDep, access: StageAccess) -> StageView:
    return stage_view(
        db,
        stage=access.stage,
        partnership_id=access.member.partnership.id,
        partner_id=access.member.partner.id,
        others_up_to=INLINE_OTHERS,
    )


def _mine(view: StageView, item: Question | Statement) -> Answer | None:
    shared = isinstance(item, Question) and item.scope == "shared"
    return (view.shared if shared else view.own).get(item.key)


def _stored_form(view: StageView, stage: Stage) -> Form:
    values: dict[str, Any] = {}
    for item in editable_items(stage):
        values |= fields_of(item, _mine(view, item))
    return Form(values)


def _labels(item: Question | Statement) -> dict[str, str]:
    return {o.value: o.label for o in item.options} if isinstance(item, Question) else {}


@dataclass
class Conflict:
    """Someone else saved an item while the caller was editing it."""

    theirs: Answer
    shown: str
    by: str  # who saved theirs, with their organisation


def _conflict(db: SessionDep, item: Question | Statement, theirs: Answer, user_id: str) -> Conflict:
    if isinstance(item, Statement):
        value = theirs.value or {}
        evidence = value.get("evidence") or value.get("evidence_url") or ""
        shown = f"Score {value.get('score')}: {evidence}"
    else:
        shown = display_value(item.type, theirs.value, _labels(item)) or "(no answer)"
    if theirs.updated_by == user_id:
        by = "You (in another window or tab)"
    else:
        by = people_named(db, [theirs.updated_by]).get(theirs.updated_by, "Someone else")
    return Conflict(theirs, shown, by)


def _page(
    request: Request,
    db: SessionDep,
    roadmap: RoadmapDep,
    access: StageAccess,
    view: StageView,
    form: Form,
    conflicts: dict[str, Conflict],
    *,
    status: int = 200,
) -> Response:
    [standing] = stage_statuses(db, access.member.partnership.id, [view.progress])
    register = signature_history(db, access.member.partnership.id, access.stage.key)
    named = people_named(
        db, {s.user_id for s in register} | {s.revoked_by for s in register if s.revoked_by}
    )
    return render(
        request,
        "wizard/stage.html",
        {
            "member": access.member,
            "stage": access.stage,
            "view": view,
            "form": form,
            "conflicts": conflicts,
            "can_edit": access.can_edit,
            "progress": view.progress,
            "standing": standing,
            "comments": comments_of(db, access.member.partnership.id, access.stage.key),
            "signed": standing.signed,
            "register": register,
            "named": named,
            "can_sign": access.member.active and access.member.has(Role.SIGNATORY),
            "display": display_value,
            "labels": _labels,
            "field_id": field_id,
            "QuestionType": QuestionType,
            "state_labels": STATE_LABELS,
        },
        status_code=status,
    )


@router.get("/partnerships/{pid}/roadmap")
def task_list(request: Request, db: SessionDep, member: Member, roadmap: RoadmapDep) -> Response:
    """Day 1 funding, then the nine dimensions: where each stands, overall and per partner."""
    partners = active_partners(db, member.partnership.id)
    progress = progress_of(db, member.partnership.id, roadmap, [p.id for p, _ in partners])
    stages = stage_statuses(db, member.partnership.id, progress)
    return render(
        request,
        "wizard/tasks.html",
        {
            "member": member,
            "stages": stages,
            "state_labels": STATE_LABELS,
            "agreed": sum(1 for s in stages if s.key == "agreed"),
        },
    )


@router.get("/partnerships/{pid}/stages/{stage}")
def stage_page(
    request: Request, db: SessionDep, access: StageReader, roadmap: RoadmapDep
) -> Response:
    """A stage: purpose, guidance, the shared questions, your organisation's, readiness."""
    view = _view(db, access)
    return _page(request, db, roadmap, access, view, _stored_form(view, access.stage), {})


def _save_item(
    db: SessionDep,
    request: Request,
    access: StageEditor,
    view: StageView,
    form: Form,
    item: Question | Statement,
) -> Conflict | None:
    """Save one item from the form; record an error on the form, or return a conflict."""
    try:
        value = flows.check_value(access.stage, item.key, raw_of(item, form))
    except InvalidValue as exc:
        form.error(field_id(item), str(exc))
        return None
    stored, read = _mine(view, item), read_version(form, item.key)
    if stored is None and value is None:
        return None
    if stored is not None and stored.value == value:
        return None  # unchanged, or someone else made the same change
    if stored is not None and stored.version != read and value_at(db, stored.id, read) == value:
        return None  # the caller did not touch it; someone else changed it since
    try:
        saved = flows.answer(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            key=item.key,
            value=value,
            read_version=read,
            base_url=request.app.state.settings.base_url,
        )
    except StaleAnswer as exc:
        if exc.current is None:
            raise
        if exc.current.value == value:  # they saved exactly what the caller did: no conflict
            form.values[f"v:{item.key}"] = str(exc.current.version)
            return None
        form.values[f"v:{item.key}"] = str(exc.current.version)  # saving again keeps mine
        return _conflict(db, item, exc.current, access.member.principal.user.id)
    form.values[f"v:{item.key}"] = str(saved.version)
    return None


def _editable(access: StageAccess, form: Form) -> list[Question | Statement]:
    return [i for i in editable_items(access.stage) if f"v:{i.key}" in form.values]


@router.post("/partnerships/{pid}/stages/{stage}")
def save_stage(
    request: Request, db: SessionDep, access: StageEditor, roadmap: RoadmapDep, form: FormData
) -> Response:
    """Save and continue (works without JavaScript). Valid answers are kept even when others
    on the page have errors; a conflict shows both values."""
    view = _view(db, access)
    conflicts: dict[str, Conflict] = {}
    for item in _editable(access, form):
        conflict = _save_item(db, request, access, view, form, item)
        if conflict is not None:
            conflicts[item.key] = conflict
    db.commit()
    if form.errors or conflicts:
        view = _view(db, access)
        return _page(
            request, db, roadmap, access, view, form, conflicts, status=400 if form.errors else 409
        )
    target = _stage_url(access, "/check") if "continue" in form.values else _stage_url(access)
    response = RedirectResponse(target, status_code=303)
    flash(request, response, "Your answers have been saved")
    return response


@router.post("/partnerships/{pid}/stages/{stage}/answers/{key}")
def save_one(
    request: Request,
    key: str,
    db: SessionDep,
    access: StageEditor,
    roadmap: RoadmapDep,
    form: FormData,
) -> Response:
    """htmx: save one answer as it changes; answers with the item, saved or in conflict."""
    item = access.stage.item(key)
    if item is None:
        raise HTTPException(404)
    view = _view(db, access)
    conflict = _save_item(db, request, access, view, form, item)
    db.commit()
    view = _view(db, access)
    return render(
        request,
        "wizard/_item_response.html",
        {
            "member": access.member,
            "stage": access.stage,
            "view": view,
            "form": form,
            "item": item,
            "conflict": conflict,
            "can_edit": True,
            "saved": not form.errors and not conflict,
            "comments": comments_of(db, access.member.partnership.id, access.stage.key),
            "display": display_value,
            "labels": _labels,
            "field_id": field_id,
            "QuestionType": QuestionType,
        },
    )


@router.get("/partnerships/{pid}/stages/{stage}/answers/{key}")
def every_answer(request: Request, key: str, db: SessionDep, access: StageReader) -> Response:
    """Every other partner's answer to one of a stage's own questions or statements (blind
    scoring applied): what the stage page shows inline for a small partnership."""
    item = access.stage.item(key)
    if item is None or (isinstance(item, Question) and item.scope == "shared"):
        raise HTTPException(404)
    view = stage_view(
        db,
        stage=access.stage,
        partnership_id=access.member.partnership.id,
        partner_id=access.member.partner.id,
    )
    return render(
        request,
        "wizard/answers.html",
        {
            "member": access.member,
            "stage": access.stage,
            "item": item,
            "view": view,
            "display": display_value,
            "labels": _labels,
        },
    )


@router.get("/partnerships/{pid}/stages/{stage}/check")
def check_answers(request: Request, db: SessionDep, access: StageReader) -> Response:
    """What a signatory will sign: the shared answers and the caller's organisation's."""
    view = _view(db, access)
    return render(
        request,
        "wizard/check.html",
        {
            "member": access.member,
            "stage": access.stage,
            "view": view,
            "can_edit": access.can_edit,
            "can_sign": access.member.active and access.member.has(Role.SIGNATORY),
            "display": display_value,
            "labels": _labels,
            "mine": lambda i: _mine(view, i),
        },
    )


@router.post("/partnerships/{pid}/stages/{stage}/scores/submit")
def submit_scores(request: Request, db: SessionDep, access: StageEditor) -> Response:
    """Submit the organisation's readiness scores; the other partners' then show."""
    try:
        flows.submit_scores(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            base_url=request.app.state.settings.base_url,
        )
    except flows.ScoresIncomplete as exc:
        response = RedirectResponse(_stage_url(access, "#readiness"), status_code=303)
        flash(request, response, str(exc))
        return response
    db.commit()
    response = RedirectResponse(_stage_url(access, "#readiness"), status_code=303)
    flash(request, response, "Your readiness scores are submitted. The other partners' are shown.")
    return response


@router.get("/partnerships/{pid}/stages/{stage}/history")
def history(
    request: Request,
    db: SessionDep,
    access: StageReader,
    key: str | None = None,
    after: str | None = Query(default=None, max_length=32),
) -> Response:
    """The saves of the stage's answers (or one answer's) the caller may see, newest first,
    a page at a time, long text as a diff."""
    item = access.stage.item(key) if key else None
    if key and item is None:
        raise HTTPException(404)
    spend(request, access.member.principal.user.id, HISTORY_COST)
    rows, following = revisions_of(
        db,
        stage=access.stage,
        partnership_id=access.member.partnership.id,
        reader_partner_id=access.member.partner.id,
        key=key,
        after=after,
    )
    organisations = {
        p.id: o.name
        for p, o in active_partners(db, access.member.partnership.id)
        if p.id in {r.answer.scope for r in rows}
    }
    return render(
        request,
        "wizard/history.html",
        {
            "member": access.member,
            "stage": access.stage,
            "item": item,
            "rows": rows,
            "following": following,
            "organisations": organisations,
            "word_diff": word_diff,
            "display": display_value,
            "labels": _labels,
            "QuestionType": QuestionType,
        },
    )


@router.get("/partnerships/{pid}/stages/{stage}/comments/{key}")
def comments(
    request: Request,
    db: SessionDep,
    access: StageReader,
    key: str,
    after: str | None = Query(default=None, max_length=32),
) -> Response:
    """A question's comments, newest first, a page at a time (the stage page shows the newest
    few)."""
    item = access.stage.item(key)
    if item is None:
        raise HTTPException(404)
    rows, following = comments_page(
        db, access.member.partnership.id, access.stage.key, key=key, after=after
    )
    return render(
        request,
        "wizard/comments.html",
        {
            "member": access.member,
            "stage": access.stage,
            "item": item,
            "rows": rows,
            "following": following,
        },
    )


@router.post("/partnerships/{pid}/stages/{stage}/comments/{key}")
def add_comment(
    request: Request, key: str, db: SessionDep, access: StageEditor, form: FormData
) -> Response:
    try:
        flows.add_comment(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            key=key,
            body=form.get("body"),
        )
    except LookupError:
        raise HTTPException(404) from None
    except InvalidValue as exc:
        response = RedirectResponse(_stage_url(access, f"#comments-{key}"), status_code=303)
        flash(request, response, f"Comment not added: {exc}")
        return response
    db.commit()
    response = RedirectResponse(_stage_url(access, f"#comments-{key}"), status_code=303)
    flash(request, response, "Comment added")
    return response


@router.post("/comments/{cid}/resolve")
def resolve_comment(request: Request, db: SessionDep, access: CommentEditor) -> Response:
    flows.resolve_comment(
        db, actor_of(request, access.member.principal), member=access.member, comment=access.comment
    )
    db.commit()
    comment = access.comment
    url = (
        f"/partnerships/{comment.partnership_id}/stages/{comment.stage_key}"
        f"#comments-{comment.question_key}"
    )
    response = RedirectResponse(url, status_code=303)
    flash(request, response, "Comment resolved")
    return response
