"""JSON API for the roadmap: the definition, stages, answers with versions, history, scores."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from app.core.deps import SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, next_page
from app.core.problems import API_ERRORS, Problem
from app.core.throttle import spend
from app.identity.deps import actor_of
from app.partnerships.permissions import Member
from app.wizard import flows
from app.wizard.definition import Roadmap
from app.wizard.deps import RoadmapDep
from app.wizard.models import Answer
from app.wizard.permissions import CommentEditor, StageEditor, StageReader
from app.wizard.schemas import (
    AnswerOut,
    AnswerPut,
    CommentIn,
    CommentOut,
    OtherPartnerOut,
    PartnerStateOut,
    RevisionOut,
    StageDetail,
    StageSummary,
)
from app.wizard.service import (
    HISTORY_COST,
    StaleAnswer,
    active_partners,
    comments_page,
    progress_of,
    revisions_of,
    stage_view,
    submissions_of,
)
from app.wizard.signing import stage_statuses
from app.wizard.values import InvalidValue

router = APIRouter(prefix="/api/v1", tags=["roadmap"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Your role does not allow this"},
    404: {"description": "No such partnership that you are part of, or no such stage"},
}


def _out(key: str, answer: Answer) -> AnswerOut:
    return AnswerOut(
        key=key,
        scope=answer.scope,
        value=answer.value,
        version=answer.version,
        updated_by=answer.updated_by,
        updated_at=answer.updated_at,
    )


@router.get("/roadmap", summary="The roadmap definition in force")
def get_roadmap_definition(roadmap: RoadmapDep) -> Roadmap:
    """Stages, questions, readiness statements, the scale and the weights."""
    return roadmap


@router.get("/partnerships/{pid}/stages", summary="Every stage with its state", responses=ERRORS)
def list_stages(db: SessionDep, member: Member, roadmap: RoadmapDep) -> list[StageSummary]:
    """Overall and per active partner (sign-off states are added by the sign-off domain)."""
    partners = active_partners(db, member.partnership.id)
    submissions = submissions_of(db, member.partnership.id)
    names = {p.id: o.name for p, o in partners}
    progress = progress_of(db, member.partnership.id, roadmap, list(names))
    return [
        StageSummary(
            key=p.stage.key,
            number=p.stage.number,
            title=p.stage.title,
            state=standing.key,
            shared_answered=p.shared_answered,
            shared_required=p.shared_required,
            partners=[
                PartnerStateOut(
                    partner_id=pid,
                    organisation=names[pid],
                    state=s.value,
                    scores_submitted=(p.stage.key, pid) in submissions,
                )
                for pid, s in p.partners.items()
            ],
            hints=[h.message for h in p.hints],
        )
        for standing in stage_statuses(db, member.partnership.id, progress)
        for p in [standing.progress]
    ]


@router.get(
    "/partnerships/{pid}/stages/{stage}",
    responses=ERRORS,
    summary="A stage's questions, answers (each with its version) and state",
)
def get_stage(db: SessionDep, access: StageReader, roadmap: RoadmapDep) -> StageDetail:
    member, stage = access.member, access.stage
    view = stage_view(
        db, stage=stage, partnership_id=member.partnership.id, partner_id=member.partner.id
    )
    [standing] = stage_statuses(db, member.partnership.id, [view.progress])
    return StageDetail(
        key=stage.key,
        title=stage.title,
        state=standing.key,
        questions=[q.model_dump(mode="json") for q in stage.questions],
        statements=[s.model_dump(mode="json") for s in stage.statements],
        shared_answers=[_out(k, a) for k, a in view.shared.items()],
        my_answers=[_out(k, a) for k, a in view.own.items()],
        other_partners=[
            OtherPartnerOut(
                partner_id=o.partner.id,
                organisation=o.organisation.name,
                scores_submitted=o.submitted,
                answers=[_out(k, a) for k, a in o.answers.items()],
            )
            for o in view.others
        ],
        scores_submitted=view.submitted,
        hints=[h.message for h in view.progress.hints],
    )


@router.put(
    "/partnerships/{pid}/stages/{stage}/answers/{question}",
    summary="Save an answer against the version you read",
    responses={
        **ERRORS,
        409: {"description": "Stale version: the current answer is returned"},
        422: {"description": "The value does not fit the question"},
    },
)
def put_answer(
    question: str, body: AnswerPut, request: Request, db: SessionDep, access: StageEditor
) -> AnswerOut:
    """A shared question sets the partnership's answer; a partner question or a readiness
    statement sets your organisation's. A stale `version` gets 409 and changes nothing."""
    try:
        value = flows.check_value(access.stage, question, body.value)
        saved = flows.answer(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            key=question,
            value=value,
            read_version=body.version,
            base_url=request.app.state.settings.base_url,
        )
    except LookupError:
        raise HTTPException(404, "No such question in this stage") from None
    except InvalidValue as exc:
        raise Problem(422, str(exc), errors=[{"field": "value", "message": str(exc)}]) from None
    except StaleAnswer as exc:
        current = exc.current
        raise Problem(
            409,
            "Someone else saved this answer since you read it; nothing was changed.",
            errors=[{"field": "version", "message": "stale"}],
            extra={"current": _out(question, current).model_dump(mode="json") if current else None},
        ) from None
    db.commit()
    return _out(question, saved)


@router.get(
    "/partnerships/{pid}/stages/{stage}/answers/{question}/history",
    responses=ERRORS,
    summary="Every save of an answer: who, when, old and new value",
)
def answer_history(
    question: str,
    request: Request,
    response: Response,
    db: SessionDep,
    access: StageReader,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[RevisionOut]:
    """Shared answers and your organisation's; other partners' scores once yours are submitted."""
    if access.stage.item(question) is None:
        raise HTTPException(404, "No such question in this stage")
    spend(request, access.member.principal.user.id, HISTORY_COST)
    chosen, following = revisions_of(
        db,
        stage=access.stage,
        partnership_id=access.member.partnership.id,
        reader_partner_id=access.member.partner.id,
        key=question,
        after=cursor,
        limit=limit,
    )
    next_page(following, limit=limit, request=request, response=response)
    return [
        RevisionOut(
            version=r.revision.version,
            scope=r.answer.scope,
            old_value=r.revision.old_value,
            new_value=r.revision.new_value,
            changed_by=r.revision.changed_by,
            changed_by_name=r.author,
            changed_by_organisation=r.organisation,
            changed_at=r.revision.changed_at,
        )
        for r in chosen
    ]


@router.post(
    "/partnerships/{pid}/stages/{stage}/scores/submit",
    status_code=204,
    summary="Submit your organisation's readiness scores for the stage",
    responses={**ERRORS, 409: {"description": "Some statements are not scored yet"}},
)
def submit_scores(request: Request, db: SessionDep, access: StageEditor) -> None:
    try:
        flows.submit_scores(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            base_url=request.app.state.settings.base_url,
        )
    except flows.ScoresIncomplete as exc:
        # Nothing in the request is wrong: the stage is not ready to submit.
        raise Problem(
            409, str(exc), errors=[{"field": k, "message": "not scored"} for k in exc.missing]
        ) from None
    db.commit()


@router.get(
    "/partnerships/{pid}/stages/{stage}/comments",
    summary="A stage's comments, newest first, a page at a time",
    responses=ERRORS,
)
def list_comments(
    request: Request,
    response: Response,
    db: SessionDep,
    access: StageReader,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[CommentOut]:
    chosen, following = comments_page(
        db, access.member.partnership.id, access.stage.key, after=cursor, limit=limit
    )
    next_page(following, limit=limit, request=request, response=response)
    return [
        CommentOut(
            id=c.comment.id,
            key=c.comment.question_key,
            author=c.author,
            organisation=c.organisation,
            body=c.comment.body,
            created_at=c.comment.created_at,
            resolved_at=c.comment.resolved_at,
        )
        for c in chosen
    ]


@router.post(
    "/partnerships/{pid}/stages/{stage}/answers/{question}/comments",
    status_code=201,
    summary="Comment on a question",
    responses=ERRORS,
)
def add_comment(
    question: str, body: CommentIn, request: Request, db: SessionDep, access: StageEditor
) -> CommentOut:
    try:
        comment = flows.add_comment(
            db,
            actor_of(request, access.member.principal),
            member=access.member,
            stage=access.stage,
            key=question,
            body=body.body,
        )
    except LookupError:
        raise HTTPException(404, "No such question in this stage") from None
    except InvalidValue as exc:
        raise Problem(422, str(exc), errors=[{"field": "body", "message": str(exc)}]) from None
    db.commit()
    user = access.member.principal.user
    return CommentOut(
        id=comment.id,
        key=question,
        author=user.name,
        organisation="",
        body=comment.body,
        created_at=comment.created_at,
        resolved_at=None,
    )


@router.post(
    "/comments/{cid}/resolve", status_code=204, summary="Resolve a comment", responses=ERRORS
)
def resolve_comment(request: Request, db: SessionDep, access: CommentEditor) -> None:
    flows.resolve_comment(
        db, actor_of(request, access.member.principal), member=access.member, comment=access.comment
    )
    db.commit()
