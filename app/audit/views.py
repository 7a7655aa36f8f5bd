"""The partnership's activity page: who did what, and when."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.audit.service import ACTION_LABELS, page_of_events
from app.core.deps import SessionDep
from app.core.pagination import PositionCursor
from app.core.templating import render
from app.identity.service import who
from app.partnerships.permissions import Member

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/partnerships/{pid}/activity")
def activity(
    request: Request, db: SessionDep, member: Member, before: PositionCursor = None
) -> Response:
    found = page_of_events(db, member.partnership.id, before=before, limit=PAGE_SIZE)
    older = found[-1][0].position if len(found) == PAGE_SIZE and found[-1][0].position > 1 else None
    rows = [(e, who(name, org or "") if name else None) for e, name, org in found]
    return render(
        request,
        "audit/activity.html",
        {"member": member, "rows": rows, "labels": ACTION_LABELS, "older": older},
    )
