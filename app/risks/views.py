"""Pages: the risk register and its heat map, one risk, adding, changing and deleting risks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from app.core.deps import SessionDep
from app.core.forms import Form, FormData
from app.core.templating import render
from app.identity.deps import actor_of
from app.identity.models import User
from app.partnerships import service as partnerships
from app.partnerships.models import PartnerStatus
from app.partnerships.permissions import Lead, Member, Membership
from app.partnerships.views import _redirect
from app.risks import service
from app.risks.models import (
    HIGH_RISK_SCORE,
    IMPACT_WORDS,
    LIKELIHOOD_WORDS,
    MEDIUM_RISK_SCORE,
    SCALE,
    Risk,
    RiskStatus,
)
from app.risks.permissions import (
    EDITOR_ROLES,
    RiskEditor,
    RiskOfEditor,
    RiskOfLead,
    RiskOfMember,
)
from app.wizard.definition import Roadmap
from app.wizard.deps import RoadmapDep

router = APIRouter(include_in_schema=False)

DATE_PARTS = ("day", "month", "year")
DASH = "\N{EN DASH}"  # between a score and its word, as the register writes it
STATUS_HINTS = {
    RiskStatus.OPEN: "Still to be dealt with",
    RiskStatus.MITIGATED: "The mitigation is in place and has reduced the risk",
    RiskStatus.CLOSED: "The risk no longer applies; it stays in the register",
}
CONFLICT = (
    "Someone else changed this risk while you were editing it. Check their version below: "
    "save again to replace it with yours, or go back to keep theirs"
)


def _register_url(partnership_id: str) -> str:
    return f"/partnerships/{partnership_id}/risks"


def _words(
    db: SessionDep, member: Membership, roadmap: Roadmap, risks: Sequence[Risk]
) -> dict[str, Any]:
    """What every risk page needs to describe `risks` in words (their owners' names: a
    register's size does not grow with the partners)."""
    owners = {r.owner_partner_id for r in risks if r.owner_partner_id}
    names = partnerships.partner_names(db, member.partnership.id, owners)
    return {
        "member": member,
        "stage_titles": {s.key: s.title for s in roadmap.stages},
        "owner_names": {pid: found.name for pid, found in names.items()},
        "likelihood_words": LIKELIHOOD_WORDS,
        "impact_words": IMPACT_WORDS,
        "high_score": HIGH_RISK_SCORE,
        "can_edit": member.active and member.has(*EDITOR_ROLES),
        "can_lead": member.active and member.is_lead,
    }


@router.get("/partnerships/{pid}/risks")
def register(request: Request, db: SessionDep, member: Member, roadmap: RoadmapDep) -> Response:
    """The register, the heat map of open risks, and the common risks still to consider."""
    partnership_id = member.partnership.id
    risks = service.list_risks(db, partnership_id=partnership_id)
    return render(
        request,
        "risks/register.html",
        _words(db, member, roadmap, risks)
        | {
            "risks": risks,
            "heat_map": service.heat_map(db, partnership_id=partnership_id),
            "common": service.common_risks_to_adopt(db, partnership_id=partnership_id),
            "scale": SCALE,
            "medium_score": MEDIUM_RISK_SCORE,
        },
    )


@router.get("/risks/{rid}")
def risk_page(
    request: Request, db: SessionDep, access: RiskOfMember, roadmap: RoadmapDep
) -> Response:
    """One risk in full."""
    return render(
        request,
        "risks/risk.html",
        _words(db, access.membership, roadmap, [access.risk]) | {"risk": access.risk},
    )


# --- the form -----------------------------------------------------------------------------


def values_of(risk: Risk) -> dict[str, str]:
    """A stored risk as the form's values."""
    review = risk.review_date
    return {
        "title": risk.title,
        "description": risk.description,
        "likelihood": str(risk.likelihood),
        "impact": str(risk.impact),
        "stage_key": risk.stage_key or "",
        "owner_partner_id": risk.owner_partner_id or "",
        "mitigation": risk.mitigation,
        "status": RiskStatus(risk.status).value,
        "review_date-day": str(review.day) if review else "",
        "review_date-month": str(review.month) if review else "",
        "review_date-year": str(review.year) if review else "",
        "version": str(risk.version),
    }


def _scale(form: Form, name: str) -> int:
    # Anything but 1-5 becomes 0, which the service's checks turn into the field's message.
    value = form.get(name)
    return int(value) if value in {str(n) for n in SCALE} else 0


def _review_date(form: Form) -> date | None:
    parts = {p: form.get(f"review_date-{p}").strip() for p in DATE_PARTS}
    if not any(parts.values()):
        return None
    missing = [p for p in DATE_PARTS if not parts[p]]
    if missing:
        form.error(
            f"review_date-{missing[0]}", f"Review date must include a {' and '.join(missing)}"
        )
        return None
    if not (parts["year"].isdigit() and len(parts["year"]) == 4):
        form.error("review_date-year", "Year must include 4 numbers")
        return None
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        form.error("review_date-day", "Review date must be a real date")
        return None


def _read(
    form: Form,
    db: SessionDep,
    *,
    partnership_id: str,
    roadmap: Roadmap,
    with_status: bool,
    previous_owner_id: str | None = None,
) -> service.RiskFields:
    """The risk as submitted; every problem with it is added to the form."""
    status = RiskStatus.OPEN  # a new risk is open; its form has no status
    if with_status:
        if form.get("status") in {s.value for s in RiskStatus}:
            status = RiskStatus(form.get("status"))
        else:
            form.error("status", "Select the status of the risk")
    fields = service.RiskFields(
        title=form.get("title"),
        description=form.get("description"),
        likelihood=_scale(form, "likelihood"),
        impact=_scale(form, "impact"),
        stage_key=form.get("stage_key"),
        owner_partner_id=form.get("owner_partner_id"),
        mitigation=form.get("mitigation"),
        status=status,
        review_date=_review_date(form),
    )
    for problem in service.problems(
        db,
        partnership_id=partnership_id,
        roadmap=roadmap,
        risk=fields,
        previous_owner_id=previous_owner_id,
    ):
        form.error(problem.field, problem.message)
    return fields


def _items(options: list[tuple[str, str]]) -> list[dict[str, str]]:
    """GOV.UK radio or select items; the macro's `value` parameter marks the chosen one."""
    return [{"value": value, "text": text} for value, text in options]


def _form_context(
    db: SessionDep,
    member: Membership,
    roadmap: Roadmap,
    form: Form,
    risk: Risk | None = None,
    theirs: Risk | None = None,
) -> dict[str, Any]:
    words = _words(db, member, roadmap, [risk] if risk else [])
    # A partner that has withdrawn stays selectable only on a risk it already owns.
    owners = [
        (pid, p.name + (" (withdrawn)" if p.status is PartnerStatus.WITHDRAWN else ""))
        for pid, p in partnerships.partner_names(db, member.partnership.id).items()
        if p.status is PartnerStatus.ACTIVE or (risk is not None and pid == risk.owner_partner_id)
    ]
    changed_by = db.get(User, theirs.updated_by) if theirs else None
    return words | {
        "form": form,
        "risk": risk,
        "theirs": theirs,
        "changed_by": changed_by.name if changed_by else None,
        "likelihood_items": _items([(str(n), f"{n} {DASH} {LIKELIHOOD_WORDS[n]}") for n in SCALE]),
        "impact_items": _items([(str(n), f"{n} {DASH} {IMPACT_WORDS[n]}") for n in SCALE]),
        "stage_items": _items(
            [("", "The whole partnership")] + [(s.key, s.title) for s in roadmap.stages]
        ),
        "owner_items": _items([("", "Not yet assigned"), *owners]),
        "status_items": [
            {"value": s.value, "text": s.label, "hint": {"text": STATUS_HINTS[s]}}
            for s in RiskStatus
        ],
    }


@router.get("/partnerships/{pid}/risks/new")
def new_risk_page(
    request: Request, db: SessionDep, editor: RiskEditor, roadmap: RoadmapDep
) -> Response:
    return render(request, "risks/new.html", _form_context(db, editor, roadmap, Form()))


@router.post("/partnerships/{pid}/risks/new")
def new_risk(
    request: Request, db: SessionDep, editor: RiskEditor, roadmap: RoadmapDep, form: FormData
) -> Response:
    """Add a risk to the register."""
    fields = _read(
        form, db, partnership_id=editor.partnership.id, roadmap=roadmap, with_status=False
    )
    if form.ok:
        try:
            service.create_risk(
                db,
                actor_of(request, editor.principal),
                partnership_id=editor.partnership.id,
                roadmap=roadmap,
                risk=fields,
                user_id=editor.principal.user.id,
            )
        except service.RiskProblem as exc:
            form.error(exc.field, exc.message)
    if not form.ok:
        return render(
            request, "risks/new.html", _form_context(db, editor, roadmap, form), status_code=400
        )
    db.commit()
    return _redirect(request, _register_url(editor.partnership.id), "Risk added to the register")


@router.get("/risks/{rid}/edit")
def edit_risk_page(
    request: Request, db: SessionDep, access: RiskOfEditor, roadmap: RoadmapDep
) -> Response:
    form = Form(values_of(access.risk))
    return render(
        request,
        "risks/edit.html",
        _form_context(db, access.membership, roadmap, form, risk=access.risk),
    )


@router.post("/risks/{rid}/edit")
def edit_risk(
    request: Request, db: SessionDep, access: RiskOfEditor, roadmap: RoadmapDep, form: FormData
) -> Response:
    """Change a risk, unless someone else changed it since the form was opened."""
    risk, member = access.risk, access.membership
    if not form.get("version").isdigit():
        raise HTTPException(400, "The form is missing the version of the risk.")
    fields = _read(
        form,
        db,
        partnership_id=risk.partnership_id,
        roadmap=roadmap,
        with_status=True,
        previous_owner_id=risk.owner_partner_id,
    )
    theirs = None
    if form.ok:
        try:
            service.update_risk(
                db,
                actor_of(request, member.principal),
                risk=risk,
                read_version=int(form.get("version")),
                changes=fields,
                roadmap=roadmap,
                user_id=member.principal.user.id,
            )
        except service.StaleRisk as exc:
            if exc.current is None:
                raise HTTPException(404) from None
            theirs = exc.current
            # Saving again now means "replace their version with mine", knowingly.
            form.values["version"] = str(theirs.version)
            form.error("conflict", CONFLICT)
        except service.RiskProblem as exc:
            form.error(exc.field, exc.message)
    if not form.ok:
        return render(
            request,
            "risks/edit.html",
            _form_context(db, member, roadmap, form, risk=risk, theirs=theirs),
            status_code=409 if theirs else 400,
        )
    db.commit()
    return _redirect(request, _register_url(risk.partnership_id), "Risk updated")


@router.post("/partnerships/{pid}/risks/adopt")
def adopt_common_risk(
    request: Request, db: SessionDep, lead: Lead, roadmap: RoadmapDep, form: FormData
) -> Response:
    """Add one of the common risks to the register."""
    url = _register_url(lead.partnership.id)
    try:
        risk = service.adopt_common_risk(
            db,
            actor_of(request, lead.principal),
            partnership_id=lead.partnership.id,
            roadmap=roadmap,
            common_key=form.get("common_key"),
            user_id=lead.principal.user.id,
        )
    except service.AlreadyAdopted as exc:
        return _redirect(request, url, exc.message)  # a second click: it is there already
    except service.RiskProblem as exc:
        raise HTTPException(400, exc.message) from None
    db.commit()
    return _redirect(request, url, f"“{risk.title}” added to the register")


@router.get("/risks/{rid}/delete")
def delete_risk_page(
    request: Request, db: SessionDep, access: RiskOfLead, roadmap: RoadmapDep
) -> Response:
    return render(
        request,
        "risks/delete.html",
        _words(db, access.membership, roadmap, [access.risk]) | {"risk": access.risk},
    )


@router.post("/risks/{rid}/delete")
def delete_risk(request: Request, db: SessionDep, access: RiskOfLead) -> Response:
    """Delete a risk recorded by mistake (the audit trail keeps what it said)."""
    title = access.risk.title
    service.delete_risk(db, actor_of(request, access.membership.principal), risk=access.risk)
    db.commit()
    return _redirect(request, _register_url(access.membership.partnership.id), f"“{title}” deleted")
