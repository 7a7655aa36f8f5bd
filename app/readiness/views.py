"""The readiness page: scores by partner and dimension, the radar, blockers, the action plan,
and the snapshots the lead has collected."""

from __future__ import annotations

import itertools

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.templating import render
from app.identity.deps import actor_of
from app.partnerships.permissions import Lead, Member
from app.readiness import service
from app.readiness.radar import radar_svg
from app.wizard.definition import Driver
from app.wizard.deps import RoadmapDep

router = APIRouter(include_in_schema=False)
DRIVER_LABELS = {
    Driver.LEADERSHIP: "Leadership",
    Driver.PEOPLE: "People",
    Driver.POLICY_AND_STRATEGY: "Policy and strategy",
    Driver.PARTNERSHIPS_AND_RESOURCES: "Partnerships and resources",
    Driver.PROCESSES: "Processes",
}


@router.get("/partnerships/{pid}/readiness")
def readiness_page(
    request: Request, db: SessionDep, member: Member, roadmap: RoadmapDep
) -> Response:
    """Where the partnership stands, and what stands in the way."""
    assessment = service.current(db, member.partnership, roadmap)
    axes, series = assessment.radar_data(partnership_label="Partnership (weakest partner)")
    chart = radar_svg(
        axes,
        series,
        title="Readiness by dimension",
        description="Each partner's readiness score from 0 to 100 on each of the nine dimensions, "
        "and the partnership's, which is its weakest partner's.",
    )
    history = service.snapshots(db, member.partnership.id)
    changes = [
        service.changes(newer.data, older.data) for newer, older in itertools.pairwise(history)
    ]
    return render(
        request,
        "readiness/page.html",
        {
            "member": member,
            "a": assessment,
            "chart": Markup(chart),  # noqa: S704 - built by radar_svg, which escapes all text
            "readiness": roadmap.readiness,
            "drivers": DRIVER_LABELS,
            "history": history,
            "changes": [*changes, []],
        },
    )


@router.post("/partnerships/{pid}/readiness/snapshots")
def collect(request: Request, db: SessionDep, lead: Lead, roadmap: RoadmapDep) -> Response:
    """The lead collects and freezes the readiness as it stands."""
    service.collect(
        db,
        actor_of(request, lead.principal),
        partnership=lead.partnership,
        roadmap=roadmap,
        user_id=lead.principal.user.id,
    )
    db.commit()
    response = RedirectResponse(
        f"/partnerships/{lead.partnership.id}/readiness#snapshots", status_code=303
    )
    flash(request, response, "Readiness collected: the snapshot is frozen with today's date")
    return response
