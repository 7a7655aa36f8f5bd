"""The Day 1 page: the proposal (with live recalculation), each partner's figures, every
method side by side, what-ifs, and the CEO/CFO signature matrix."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.funding import flows, formula
from app.funding.formula import METHOD_LABELS, percent
from app.funding.models import FundingRole
from app.funding.permissions import (
    INPUT_ROLES,
    FiguresEditor,
    FundingLead,
    FundingMember,
    FundingSigner,
)
from app.funding.service import FundingState, WhatIf, state, to_inputs, what_if
from app.identity.deps import actor_of
from app.partnerships.models import Role
from app.partnerships.permissions import Membership
from app.signatures.models import SignRole
from app.wizard.deps import RoadmapDep

router = APIRouter(include_in_schema=False)


def _proposal_form(current: FundingState) -> Form:
    p = current.proposal
    if p is None:
        return Form({"version": "0", "years": "5", "annual_uplift_percent": "0"})
    return Form(
        {
            "method": p.method.value,
            "one_off_cost": format(p.one_off_cost, "f"),
            "annual_cost": format(p.annual_cost, "f"),
            "years": str(p.years),
            "annual_uplift_percent": format(p.annual_uplift_percent.normalize(), "f"),
            "base_share_percent": format(p.base_share_percent.normalize(), "f")
            if p.base_share_percent is not None
            else "",
            "driver_name": p.driver_name or "",
            "savings_method": p.savings_method or "",
            "exit_terms": p.exit_terms or "",
            "version": str(p.version),
        }
    )


def _figures_form(current: FundingState, member: Membership) -> Form:
    row = current.inputs.get(member.partner.id)
    values = {
        name: format(getattr(row, name).normalize(), "f")
        for name in flows.INPUT_FIELDS
        if row and getattr(row, name) is not None
    }
    return Form(values)


def _what_if(request: Request, current: FundingState) -> WhatIf | None:
    """The what-if asked for in the query string: a partner leaving, or an organisation joining."""
    q = request.query_params

    def number(name: str) -> Decimal | None:
        try:
            value = Decimal(q.get(name, "").replace(",", ""))
        except InvalidOperation:
            return None
        return value if value.is_finite() and value >= 0 else None

    return what_if(
        current,
        leave=q.get("leave") or None,
        join_name=q.get("join_name", "").strip()[:200] or None,
        join_population=number("join_population"),
        join_driver=number("join_driver"),
        join_budget=number("join_budget"),
    )


def _page(
    request: Request,
    member: Membership,
    current: FundingState,
    *,
    proposal_form: Form,
    figures_form: Form,
    sign_form: Form,
    status: int = 200,
    preview_problems: list[str] | None = None,
) -> Response:
    return render(
        request,
        "funding/page.html",
        {
            "member": member,
            "funding": current,
            "proposal_form": proposal_form,
            "figures_form": figures_form,
            "sign_form": sign_form,
            "methods": METHOD_LABELS,
            "percent": percent,
            "what_if": _what_if(request, current),
            "Role": Role,
            "FundingRole": FundingRole,
            "SignRole": SignRole,
            "is_table": lambda x: isinstance(x, formula.Table),
            "can_propose": member.active and member.is_lead,
            **(
                {"preview": True, "preview_problems": preview_problems}
                if preview_problems is not None
                else {}
            ),
            "can_enter": member.active and member.has(*INPUT_ROLES),
            "signing_roles": [
                r
                for r in (FundingRole.CEO, FundingRole.CFO)
                if member.active and member.has(Role(r.value))
            ],
        },
        status_code=status,
    )


def _reshow(
    request: Request,
    db: SessionDep,
    member: Membership,
    roadmap: RoadmapDep,
    *,
    proposal_form: Form | None = None,
    figures_form: Form | None = None,
    sign_form: Form | None = None,
    status: int = 400,
) -> Response:
    """Nothing was saved: show the page again with the form that has the error."""
    db.rollback()
    current = state(db, member.partnership, roadmap)
    return _page(
        request,
        member,
        current,
        proposal_form=proposal_form or _proposal_form(current),
        figures_form=figures_form or _figures_form(current, member),
        sign_form=sign_form or Form(),
        status=status,
    )


@router.get("/partnerships/{pid}/funding")
def funding_page(
    request: Request, db: SessionDep, member: FundingMember, roadmap: RoadmapDep
) -> Response:
    """Day 1: the funding formula."""
    current = state(db, member.partnership, roadmap)
    return _page(
        request,
        member,
        current,
        proposal_form=_proposal_form(current),
        figures_form=_figures_form(current, member),
        sign_form=Form(),
    )


@router.post("/partnerships/{pid}/funding/proposal")
def propose(
    request: Request, db: SessionDep, lead: FundingLead, roadmap: RoadmapDep, form: FormData
) -> Response:
    """Save the proposal (or, with JavaScript off, "Recalculate" shows the figures unsaved)."""
    if "recalculate" in form.values:
        return _preview(request, db, lead, roadmap, form, fragment=False)
    read = form.get("version", "0")
    try:
        flows.propose(
            db,
            actor_of(request, lead.principal),
            member=lead,
            data=form.values,
            read_version=int(read) if read.isdigit() else 0,
        )
    except flows.FundingProblem as exc:
        form.error(exc.field, str(exc))
    except flows.StaleProposal:
        form.error(
            "method",
            "Someone else changed the proposal while you were editing it. "
            "Their version is shown; make your changes again.",
        )
        db.rollback()
        current = state(db, lead.partnership, roadmap)
        return _page(
            request,
            lead,
            current,
            proposal_form=Form(_proposal_form(current).values, form.errors),
            figures_form=_figures_form(current, lead),
            sign_form=Form(),
            status=409,
        )
    if not form.ok:
        return _reshow(request, db, lead, roadmap, proposal_form=form)
    db.commit()
    response = RedirectResponse(f"/partnerships/{lead.partnership.id}/funding", status_code=303)
    flash(
        request,
        response,
        "The funding proposal is saved. If anyone had signed, they must sign again.",
    )
    return response


def _preview(
    request: Request,
    db: SessionDep,
    lead: Membership,
    roadmap: RoadmapDep,
    form: Form,
    *,
    fragment: bool,
) -> Response:
    current = state(db, lead.partnership, roadmap)
    figures = to_inputs(current.partners, current.inputs)
    problems: list[str] = []
    try:
        values = flows.proposal_values(form.values)
        proposal = formula.Proposal(
            **{k: v for k, v in values.items() if k not in ("savings_method", "exit_terms")}
        )
        found = formula.validate(proposal, figures)
        problems = [p.message for p in found]
        current.table = None if found else formula.contributions(proposal, figures)
        current.comparison = formula.compare_methods(proposal, figures)
        current.problems = found
    except flows.FundingProblem as exc:
        form.error(exc.field, str(exc))
        problems = [str(exc)]
        current.table, current.comparison = None, {}  # never show the saved figures as "typed"
    if fragment:
        return render(
            request,
            "funding/_tables.html",
            {
                "funding": current,
                "methods": METHOD_LABELS,
                "percent": percent,
                "is_table": lambda x: isinstance(x, formula.Table),
                "preview": True,
                "preview_problems": problems,
            },
        )
    return _page(
        request,
        lead,
        current,
        proposal_form=form,
        figures_form=_figures_form(current, lead),
        sign_form=Form(),
        preview_problems=problems,
    )


@router.post("/partnerships/{pid}/funding/preview")
def preview(
    request: Request, db: SessionDep, lead: FundingLead, roadmap: RoadmapDep, form: FormData
) -> Response:
    """htmx: the tables recalculated from the proposal as typed, before it is saved."""
    return _preview(request, db, lead, roadmap, form, fragment=True)


@router.post("/partnerships/{pid}/funding/figures")
def enter_figures(
    request: Request, db: SessionDep, member: FiguresEditor, roadmap: RoadmapDep, form: FormData
) -> Response:
    """A partner's own figures."""
    try:
        flows.enter_inputs(
            db,
            actor_of(request, member.principal),
            member=member,
            data=form.values,
        )
    except flows.FundingProblem as exc:
        form.error(exc.field, str(exc))
        return _reshow(request, db, member, roadmap, figures_form=form)
    db.commit()
    response = RedirectResponse(
        f"/partnerships/{member.partnership.id}/funding#figures", status_code=303
    )
    flash(request, response, "Your organisation's figures are saved")
    return response


@router.post("/partnerships/{pid}/funding/sign")
def sign(
    request: Request, db: SessionDep, member: FundingSigner, roadmap: RoadmapDep, form: FormData
) -> Response:
    """A CEO or CFO signs the formula as it stands, entering their password again."""
    try:
        role = FundingRole(form.get("role"))
        flows.sign(
            db,
            actor_of(request, member.principal),
            member=member,
            role=role,
            password=form.get("password"),
            shown_hash=form.get("content_hash") or None,
            acknowledged=form.get_list("acknowledge"),
        )
    except ValueError as exc:
        form.error(
            exc.field
            if isinstance(exc, flows.FundingProblem) and exc.field in ("password", "acknowledge")
            else "role",
            str(exc)
            if isinstance(exc, flows.FundingProblem)
            else "Select the role you are signing in",
        )
        return _reshow(request, db, member, roadmap, sign_form=form)
    db.commit()
    response = RedirectResponse(
        f"/partnerships/{member.partnership.id}/funding#signatures", status_code=303
    )
    flash(request, response, "You have signed the funding formula for your organisation")
    return response
