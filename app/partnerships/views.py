"""Pages: your partnerships, starting one, its home, people and roles, invitations."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from app.core.deps import RoadmapVersion, SessionDep
from app.core.flash import flash
from app.core.forms import Form, FormData
from app.core.templating import render
from app.identity.deps import CurrentPrincipal, OptionalPrincipal, actor_of
from app.identity.models import User
from app.identity.passwords import WeakPassword
from app.identity.service import DuplicateAccount
from app.partnerships import service
from app.partnerships.models import ROLE_LABELS, Role
from app.partnerships.permissions import (
    InvitationManager,
    Lead,
    Member,
    PartnerManager,
    PartnerOfLead,
)

router = APIRouter(include_in_schema=False)


def _redirect(request: Request, url: str, message: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    flash(request, response, message)
    return response


def _roles(form: Form, *, allowed: frozenset[Role] = service.INVITABLE_ROLES) -> list[Role]:
    roles = [Role(r) for r in form.get_list("roles") if r in {a.value for a in allowed}]
    if not roles:
        form.error("roles", "Select at least one role")
    return roles


def _email(form: Form) -> str:
    try:
        return validate_email(form.get("email").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        form.error("email", "Enter an email address in the correct format, like name@example.org")
        return ""


def _problem_field(exc: service.PartnershipProblem, default: str) -> str:
    """The field a refusal is shown against: the authority when it is missing, else `default`
    (the email for an invitation to oneself, the roles for a grant to oneself)."""
    return "authority" if isinstance(exc, service.AuthorityRequired) else default


def role_items(
    form: Form, allowed: frozenset[Role] = service.INVITABLE_ROLES
) -> list[dict[str, object]]:
    """Checkbox items for roles, ticked as submitted."""
    chosen = set(form.get_list("roles"))
    return [
        {"value": r.value, "text": ROLE_LABELS[r], "checked": r.value in chosen}
        for r in Role
        if r in allowed
    ]


@router.get("/partnerships")
def my_partnerships(request: Request, db: SessionDep, principal: CurrentPrincipal) -> Response:
    """The partnerships you belong to."""
    return render(
        request,
        "partnerships/list.html",
        {"memberships": service.partnerships_of(db, principal.user)},
    )


@router.get("/partnerships/new")
def new_partnership_page(request: Request, principal: CurrentPrincipal) -> Response:
    return render(request, "partnerships/new.html", {"form": Form()})


@router.post("/partnerships/new")
def new_partnership(
    request: Request,
    db: SessionDep,
    principal: CurrentPrincipal,
    roadmap_version: RoadmapVersion,
    form: FormData,
) -> Response:
    """Start a partnership led by your organisation."""
    for name, message in (
        ("name", "Enter a name for the partnership"),
        ("service", "Enter the service to be shared"),
    ):
        if not form.get(name).strip():
            form.error(name, message)
        elif len(form.get(name)) > 200:
            form.error(name, "Must be 200 characters or fewer")
    if len(form.get("description")) > 5000:
        form.error("description", "Must be 5,000 characters or fewer")
    if not form.ok:
        return render(request, "partnerships/new.html", {"form": form}, status_code=400)
    partnership = service.start_partnership(
        db,
        actor_of(request, principal),
        creator=principal.user,
        name=form.get("name"),
        service=form.get("service"),
        description=form.get("description"),
        roadmap_version=roadmap_version,
    )
    db.commit()
    return _redirect(request, f"/partnerships/{partnership.id}", "Partnership started")


@router.get("/partnerships/{pid}")
def partnership_home(request: Request, db: SessionDep, member: Member) -> Response:
    """The partnership's home page."""
    return render(
        request,
        "partnerships/home.html",
        {"member": member, "overview": service.overview(db, member.partnership, member.partner)},
    )


@router.get("/partnerships/{pid}/people")
def people(request: Request, db: SessionDep, member: Member) -> Response:
    """Partners, their people and roles, and invitations waiting for an answer."""
    return render(
        request,
        "partnerships/people.html",
        {
            "member": member,
            "partners": service.describe(db, member.partnership),
            "status_of": service.invitation_status,
            "role_labels": {role.value: label for role, label in ROLE_LABELS.items()},
        },
    )


@router.get("/partnerships/{pid}/invite")
def invite_partner_page(request: Request, lead: Lead) -> Response:
    return render(
        request,
        "partnerships/invite-partner.html",
        {"member": lead, "form": Form(), "role_items": role_items(Form())},
    )


@router.post("/partnerships/{pid}/invite")
def invite_partner(request: Request, db: SessionDep, lead: Lead, form: FormData) -> Response:
    """Invite a partner organisation's first person."""
    organisation = form.get("organisation").strip()
    if not organisation:
        form.error("organisation", "Enter the name of the organisation")
    email, roles = _email(form), _roles(form)
    if form.ok:
        try:
            service.invite_partner(
                db,
                actor_of(request, lead.principal),
                partnership=lead.partnership,
                inviter=lead.principal.user,
                email=email,
                organisation_name=organisation,
                roles=roles,
                authority=form.get("authority"),
                base_url=request.app.state.settings.base_url,
            )
        except service.PartnershipProblem as exc:
            mine = "account" in str(exc) or isinstance(exc, service.SelfGrant)
            form.error(_problem_field(exc, "email" if mine else "organisation"), str(exc))
    if not form.ok:
        return render(
            request,
            "partnerships/invite-partner.html",
            {"member": lead, "form": form, "role_items": role_items(form)},
            status_code=400,
        )
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{lead.partnership.id}/people",
        f"Invitation sent to {email} for {organisation}",
    )


@router.get("/partners/{partner_id}/invite")
def invite_person_page(request: Request, access: PartnerManager) -> Response:
    return render(
        request,
        "partnerships/invite-person.html",
        {"access": access, "form": Form(), "role_items": role_items(Form())},
    )


@router.post("/partners/{partner_id}/invite")
def invite_person(
    request: Request, db: SessionDep, access: PartnerManager, form: FormData
) -> Response:
    """Invite another person of a partner's organisation."""
    email, roles = _email(form), _roles(form)
    if form.ok:
        try:
            service.invite_person(
                db,
                actor_of(request, access.membership.principal),
                partner=access.partner,
                inviter=access.membership.principal.user,
                email=email,
                roles=roles,
                authority=form.get("authority"),
                base_url=request.app.state.settings.base_url,
            )
        except service.PartnershipProblem as exc:
            form.error(_problem_field(exc, "email"), str(exc))
    if not form.ok:
        return render(
            request,
            "partnerships/invite-person.html",
            {"access": access, "form": form, "role_items": role_items(form)},
            status_code=400,
        )
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{access.partner.partnership_id}/people",
        f"Invitation sent to {email}",
    )


def _roles_page(
    request: Request, access: PartnerManager, person: User, form: Form, status_code: int = 200
) -> Response:
    return render(
        request,
        "partnerships/roles.html",
        {
            "access": access,
            "person": person,
            "yourself": person.id == access.membership.principal.user.id,
            "form": form,
            "role_items": role_items(form),
        },
        status_code=status_code,
    )


@router.get("/partners/{partner_id}/people/{user_id}/roles")
def roles_page(request: Request, user_id: str, db: SessionDep, access: PartnerManager) -> Response:
    user = _person_of(db, access, user_id)
    held = service.held_roles(db, partner=access.partner, user=user)
    return _roles_page(request, access, user, Form({"roles": [r.value for r in held]}))


def _person_of(db: SessionDep, access: PartnerManager, user_id: str) -> User:
    user = db.get(User, user_id)
    if user is None or user.organisation_id != access.partner.organisation_id:
        raise HTTPException(404)
    return user


@router.post("/partners/{partner_id}/people/{user_id}/roles")
def set_roles(
    request: Request, user_id: str, db: SessionDep, access: PartnerManager, form: FormData
) -> Response:
    """Change a person's roles (removing every role takes them out of the partnership); a
    signing role they did not hold needs its authority, and nobody gives one to themselves."""
    user = _person_of(db, access, user_id)
    roles = [
        Role(r) for r in form.get_list("roles") if r in {a.value for a in service.INVITABLE_ROLES}
    ]
    try:
        service.set_roles(
            db,
            actor_of(request, access.membership.principal),
            partner=access.partner,
            user=user,
            roles=roles,
            granted_by=access.membership.principal.user,
            authority=form.get("authority"),
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        form.error(_problem_field(exc, "roles"), str(exc))
        return _roles_page(request, access, user, form, status_code=400)
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{access.partner.partnership_id}/people",
        f"Roles of {user.name} changed",
    )


@router.get("/partners/{partner_id}/withdraw")
def withdraw_page(request: Request, db: SessionDep, access: PartnerOfLead) -> Response:
    view = next(
        v
        for v in service.describe(db, access.membership.partnership)
        if v.partner.id == access.partner.id
    )
    return render(
        request, "partnerships/withdraw.html", {"access": access, "view": view, "form": Form()}
    )


@router.post("/partners/{partner_id}/withdraw")
def withdraw(request: Request, db: SessionDep, access: PartnerOfLead, form: FormData) -> Response:
    """Withdraw a partner, with a reason."""
    try:
        service.withdraw_partner(
            db,
            actor_of(request, access.membership.principal),
            partner=access.partner,
            reason=form.get("reason"),
        )
    except service.PartnershipProblem as exc:
        form.error("reason", str(exc))
        view = next(
            v
            for v in service.describe(db, access.membership.partnership)
            if v.partner.id == access.partner.id
        )
        return render(
            request,
            "partnerships/withdraw.html",
            {"access": access, "view": view, "form": form},
            status_code=400,
        )
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{access.partner.partnership_id}/people",
        "The partner has withdrawn",
    )


@router.post("/invitations/{iid}/revoke")
def revoke(request: Request, db: SessionDep, access: InvitationManager) -> Response:
    principal = access.access.membership.principal
    try:
        service.revoke_invitation(db, actor_of(request, principal), access.invitation)
    except service.PartnershipProblem as exc:
        raise HTTPException(409, str(exc)) from None
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{access.invitation.partnership_id}/people",
        f"Invitation to {access.invitation.email} withdrawn",
    )


@router.post("/invitations/{iid}/resend")
def resend(request: Request, db: SessionDep, access: InvitationManager) -> Response:
    principal = access.access.membership.principal
    try:
        service.resend_invitation(
            db,
            actor_of(request, principal),
            invitation=access.invitation,
            inviter=principal.user,
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        raise HTTPException(409, str(exc)) from None
    db.commit()
    return _redirect(
        request,
        f"/partnerships/{access.invitation.partnership_id}/people",
        f"A new invitation link has been sent to {access.invitation.email}",
    )


@router.get("/invitations/accept")
def accept_page(
    request: Request, db: SessionDep, principal: OptionalPrincipal, token: str = ""
) -> Response:
    """The page behind the emailed link: choose a password (or confirm yours) and join."""
    invitation = service.open_invitation(db, token)
    if invitation is None:
        return render(request, "partnerships/invitation-invalid.html", status_code=400)
    return render(
        request,
        "partnerships/accept.html",
        service.acceptance_context(db, invitation) | {"form": Form({"token": token})},
    )


@router.post("/invitations/accept")
def accept(request: Request, db: SessionDep, form: FormData) -> Response:
    invitation = service.open_invitation(db, form.get("token"))
    if invitation is None:
        return render(request, "partnerships/invitation-invalid.html", status_code=400)
    context = service.acceptance_context(db, invitation)
    if context["existing"] is None:
        if not form.get("name").strip():
            form.error("name", "Enter your full name")
        if form.get("password") != form.get("confirm"):
            form.error("confirm", "The passwords do not match")
    if form.ok:
        try:
            service.accept_invitation(
                db,
                actor_of(request, None),
                token=form.get("token"),
                name=form.get("name"),
                password=form.get("password"),
                base_url=request.app.state.settings.base_url,
            )
        except (WeakPassword, DuplicateAccount, service.PartnershipProblem) as exc:
            form.error("password", str(exc))
    if not form.ok:
        return render(
            request, "partnerships/accept.html", context | {"form": form}, status_code=400
        )
    db.commit()
    return _redirect(
        request,
        f"/sign-in?next=/partnerships/{invitation.partnership_id}",
        "You have joined the partnership. Sign in to start.",
    )
