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
from app.readiness.scoring import BlockerKind
from app.wizard.definition import Driver, ReadyCondition
from app.wizard.deps import RoadmapDep
from app.wizard.service import active_partners

router = APIRouter(include_in_schema=False)
# What "ready" needs, as the page explains it (the roadmap data names which apply).
REQUIREMENT_WORDS = {
    ReadyCondition.EVERY_PARTNER_SUBMITTED: "every partner has submitted its scores for every "
    "dimension",
    ReadyCondition.NO_DIMENSION_RED: "no dimension's partnership score (its weakest partner's) "
    "is red",
    ReadyCondition.FUNDING_AGREED: "the funding formula is agreed",
    ReadyCondition.EVERY_STAGE_AGREED: "every stage is agreed",
    ReadyCondition.HIGH_RISKS_MITIGATED: "no open high risk lacks a mitigation",
    ReadyCondition.EVIDENCE_CURRENT: "no evidence has expired",
}
DRIVER_LABELS = {
    Driver.LEADERSHIP: "Leadership",
    Driver.PEOPLE: "People",
    Driver.POLICY_AND_STRATEGY: "Policy and strategy",
    Driver.PARTNERSHIPS_AND_RESOURCES: "Partnerships and resources",
    Driver.PROCESSES: "Processes",
}


BLOCKER_WORDS = {
    BlockerKind.FUNDING: "Funding",
    BlockerKind.STAGE: "Stages not agreed",
    BlockerKind.RED: "Dimensions in the red",
    BlockerKind.RISK: "High risks without a mitigation",
    BlockerKind.EVIDENCE: "Evidence that has expired",
    BlockerKind.UNSCORED: "Readiness scores not submitted",
}


@router.get("/partnerships/{pid}/readiness")
def readiness_page(
    request: Request,
    db: SessionDep,
    member: Member,
    roadmap: RoadmapDep,
    partner: str | None = None,
) -> Response:
    """Where the partnership stands and what stands in the way; one partner in detail (the
    caller's own, or the one picked)."""
    names = {p.id: o.name for p, o in active_partners(db, member.partnership.id)}
    focus = next((p for p in (partner, member.partner.id) if p in names), None)
    assessment = service.current(
        db,
        member.partnership,
        roadmap,
        plan_for=[focus] if focus else [],
        viewer=member.partner.id,
    )
    axes, series = assessment.radar_data(
        partnership_label="Partnership (weakest partner)", only=[focus] if focus else []
    )
    chart = radar_svg(
        axes,
        series,
        title="Readiness by dimension",
        description="The partnership's readiness score from 0 to 100 on each of the nine "
        "dimensions (its weakest partner's)" + (f", and {names[focus]}'s." if focus else "."),
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
            "groups": [
                (kind, list(found))
                for kind, found in itertools.groupby(assessment.blockers, key=lambda b: b.kind)
            ],
            "kinds": BLOCKER_WORDS,
            "requires": [REQUIREMENT_WORDS[c] for c in roadmap.readiness.ready_requires],
            "names": names,
            "focus": focus,
            "focus_drivers": next((d for d in assessment.drivers if d.partner_id == focus), None),
            "focus_actions": assessment.actions,
            "focus_hidden": focus is not None
            and any(getattr(s.partner(focus), "hidden", False) for s in assessment.dimensions),
        },
    )


@router.get("/partnerships/{pid}/readiness/disagreements")
def disagreements_page(
    request: Request, db: SessionDep, member: Member, roadmap: RoadmapDep
) -> Response:
    """Where partners' scores differ most, each partner's score and evidence side by side:
    the conversations the partnership needs before it is ready."""
    return render(
        request,
        "readiness/disagreements.html",
        {
            "member": member,
            "found": service.differences(db, member.partnership, roadmap),
            "shown": SIDE_BY_SIDE,
        },
    )


# Up to this many partners' views are listed in full under a statement; beyond, the lowest and
# highest scorers (half each), and how many scored in between.
SIDE_BY_SIDE = 12


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
