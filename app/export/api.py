"""Downloading the agreement summary (JSON, PDF, Word, OpenDocument) and its JSON Schema.

Rendering is CPU work that can take seconds for a large partnership: these routes are plain
functions, so FastAPI runs them in its thread pool, off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import JSONResponse, Response

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS
from app.core.throttle import spend
from app.export import render
from app.export.build import build
from app.export.schema import Agreement, json_schema
from app.export.service import document, issue
from app.identity.deps import actor_of
from app.partnerships.permissions import Member
from app.wizard.deps import RoadmapDep

router = APIRouter(prefix="/api/v1", tags=["agreement"], responses=API_ERRORS)

FORMATS: dict[str, tuple[str, Callable[[Agreement], bytes]]] = {
    "json": ("application/json", render.to_json),
    "pdf": ("application/pdf", render.to_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render.to_docx,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", render.to_odt),
}
# Units of the person's expensive-request budget (EXPENSIVE_PER_MINUTE).
BUILD_COST = 1
RENDER_COST = 9

ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such partnership that you are part of, or no such format"},
}


@router.get(
    "/agreement.schema.json",
    summary="The JSON Schema of the agreement export",
    responses={200: {"content": {"application/schema+json": {}}}},
)
def agreement_schema() -> JSONResponse:
    return JSONResponse(json_schema(), media_type="application/schema+json")


@router.get(
    "/partnerships/{pid}/agreement.{fmt}",
    responses=ERRORS,
    summary="The agreement summary as JSON, PDF, Word (.docx) or OpenDocument (.odt)",
    response_class=Response,
)
def agreement_file(
    request: Request, fmt: str, db: SessionDep, member: Member, roadmap: RoadmapDep
) -> Response:
    """Marked DRAFT until funding and every stage are agreed. The first export of some content
    is recorded, with its digest in the audit chain (`roadmap agreement verify` checks a file
    against it); the PDF carries the JSON as an attachment."""
    if fmt not in FORMATS:
        raise HTTPException(404, "Formats: json, pdf, docx, odt")
    media_type, renderer = FORMATS[fmt]
    person = member.principal.user.id
    # Building the agreement reads the whole partnership: every export costs a little, and
    # one that must be rendered costs more (charged only if it is).
    spend(request, person, BUILD_COST)
    issued = issue(
        db,
        actor_of(request, member.principal),
        build(db, member.partnership, roadmap),
        user_id=member.principal.user.id,
    )
    stamp = issued.agreement.generated_at.strftime("%Y%m%d")
    filename = f"agreement-{member.partnership.id[:8]}-{stamp}.{fmt}"
    return Response(
        document(
            db, issued, fmt, renderer, before_render=lambda: spend(request, person, RENDER_COST)
        ),
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
