"""The agreement page: a preview of the summary, and the four downloads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.core.deps import SessionDep
from app.core.templating import render
from app.export.build import build
from app.partnerships.permissions import Member
from app.wizard.deps import RoadmapDep

router = APIRouter(include_in_schema=False)


@router.get("/partnerships/{pid}/agreement")
def agreement_page(
    request: Request, db: SessionDep, member: Member, roadmap: RoadmapDep
) -> Response:
    """What the exported agreement says, and links to download it."""
    return render(
        request,
        "export/page.html",
        {"member": member, "agreement": build(db, member.partnership, roadmap)},
    )
