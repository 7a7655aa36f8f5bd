"""Public pages: the start page, the roadmap as it stands, the accessibility statement."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import HTMLResponse

from app.core.templating import render
from app.site import accessibility as statement
from app.wizard.deps import RoadmapDep

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def start(request: Request, roadmap: RoadmapDep) -> HTMLResponse:
    """The start page."""
    return render(request, "site/start.html", {"roadmap": roadmap})


@router.get("/roadmap", response_class=HTMLResponse)
def roadmap_page(request: Request, roadmap: RoadmapDep) -> HTMLResponse:
    """Every stage of the roadmap in force, and how readiness is scored."""
    return render(request, "site/roadmap.html", {"roadmap": roadmap})


@router.get("/roadmap/{stage_key}", response_class=HTMLResponse)
def stage_page(request: Request, stage_key: str, roadmap: RoadmapDep) -> HTMLResponse:
    """One stage's purpose, guidance, questions and statements."""
    stage = roadmap.stage(stage_key)
    if stage is None:
        raise HTTPException(404)
    return render(request, "site/stage.html", {"roadmap": roadmap, "stage": stage})


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility(request: Request) -> HTMLResponse:
    """The accessibility statement, in GOV.UK's model form."""
    settings = request.app.state.settings
    return render(
        request,
        "site/accessibility.html",
        {
            "service": settings.service_name,
            "contact": settings.accessibility_contact or settings.mail_from,
            "issues": statement.KNOWN_ISSUES,
            "prepared": _long(statement.PREPARED),
            "reviewed": _long(statement.REVIEWED),
            "tested": _long(statement.TESTED),
            "fix_by": statement.FIX_BY,
        },
    )
