"""JSON API: a partnership's audit events, newest first, a page at a time."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.audit.schemas import AuditEventOut, AuditPage
from app.audit.service import page_of_events
from app.core.deps import SessionDep
from app.core.pagination import PositionCursor
from app.core.problems import API_ERRORS
from app.partnerships.permissions import Member
from app.wizard.blind import withhold_score
from app.wizard.deps import RoadmapDep
from app.wizard.service import submissions_of

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=API_ERRORS)


@router.get(
    "/partnerships/{pid}/audit",
    summary="The partnership's audit events, newest first",
    responses={404: {"description": "No such partnership that you are part of"}},
)
def audit_events(
    db: SessionDep,
    member: Member,
    roadmap: RoadmapDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: PositionCursor = None,
) -> AuditPage:
    """`cursor` is the `next_cursor` of the previous page."""
    rows = page_of_events(db, member.partnership.id, before=cursor, limit=limit)
    # Partners score blind: another partner's readiness score stays out of the trail until
    # the caller may see it (the event's hash still covers it). Only the partners whose
    # score saves are on this page are looked up, so the page costs the same at any size.
    statements = {(stage.key, s.key) for stage in roadmap.stages for s in stage.statements}
    saves = [e for e, _, _ in rows if e.action == "answer.saved" and e.after]
    scopes = {e.after.get("scope") for e in saves} - {None, member.partner.id}
    submitted = (
        submissions_of(db, member.partnership.id, [member.partner.id, *scopes]) if scopes else set()
    )
    withheld = {
        e.id for e in saves if withhold_score(e.after, statements, submitted, member.partner.id)
    }
    items = [
        AuditEventOut(
            id=e.id,
            position=e.position,
            at=e.at,
            actor_id=e.actor_id,
            actor_name=name,
            actor_organisation=organisation,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            before=_without_value(e.before) if e.id in withheld else e.before,
            after=_without_value(e.after) if e.id in withheld else e.after,
            request_id=e.request_id,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e, name, organisation in rows
    ]
    more = len(rows) == limit and rows[-1][0].position > 1
    return AuditPage(items=items, next_cursor=str(rows[-1][0].position) if more else None)


def _without_value(data: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if data is None else {**data, "value": None, "withheld": True}
