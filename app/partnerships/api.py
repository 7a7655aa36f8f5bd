"""JSON API for partnerships, partners, people and invitations (CONTRACT.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from app.core.database import fetch
from app.core.deps import RoadmapVersion, SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, page
from app.core.problems import API_ERRORS, Problem
from app.identity.deps import CurrentPrincipal, actor_of
from app.identity.models import User
from app.identity.passwords import WeakPassword
from app.identity.service import DuplicateAccount
from app.partnerships import service
from app.partnerships.models import Invitation, Partnership, Role
from app.partnerships.permissions import (
    InvitationManager,
    Lead,
    Member,
    PartnerManager,
    PartnerOfLead,
)
from app.partnerships.schemas import (
    AcceptedOut,
    AuthorityOut,
    InvitationAccept,
    InvitationCreated,
    InvitationOut,
    PartnerInvitationCreate,
    PartnerOut,
    PartnershipCreate,
    PartnershipOut,
    PartnershipSummary,
    PersonInvitationCreate,
    PersonOut,
    RolesUpdate,
    Withdrawal,
)

router = APIRouter(prefix="/api/v1", tags=["partnerships"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Your role does not allow this"},
    404: {"description": "No such partnership that you are part of"},
    422: {"description": "Invalid input"},
}
GRANT_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {
        "description": "Your role does not allow this, or you would be giving yourself a "
        "signing role (signatory, ceo, cfo)"
    },
    422: {"description": "Invalid input: a signing role needs its `authority`"},
}


def _problem(exc: service.PartnershipProblem, status: int) -> Problem:
    """The API's answer to a refusal: 403 for a signing role given to oneself, 422 naming the
    `authority` field when it is missing, otherwise `status`."""
    if isinstance(exc, service.SelfGrant):
        return Problem(403, str(exc))
    if isinstance(exc, service.AuthorityRequired):
        return Problem(422, str(exc), errors=[{"field": "authority", "message": str(exc)}])
    return Problem(status, str(exc))


def person_out(person: service.Person) -> PersonOut:
    return PersonOut(
        id=person.user.id,
        name=person.user.name,
        email=person.user.email,
        roles=person.roles,
        authorities=[
            AuthorityOut(
                role=a.role,
                authority=a.authority,
                granted_by=a.granted_by,
                granted_by_name=a.granted_by_name,
                granted_at=a.granted_at,
            )
            for a in person.authorities
        ],
    )


def partnership_out(db: SessionDep, partnership: Partnership) -> PartnershipOut:
    return PartnershipOut(
        id=partnership.id,
        name=partnership.name,
        service=partnership.service,
        description=partnership.description,
        roadmap_version=partnership.roadmap_version,
        created_at=partnership.created_at,
        partners=[
            PartnerOut(
                id=view.partner.id,
                organisation_id=view.organisation.id,
                organisation=view.organisation.name,
                is_lead=view.partner.is_lead,
                status=view.partner.status.value,
                joined_at=view.partner.joined_at,
                withdrawn_at=view.partner.withdrawn_at,
                withdrawal_reason=view.partner.withdrawal_reason,
                people=[person_out(p) for p in view.people],
                invitations=[invitation_out(i) for i in view.invitations],
            )
            for view in service.describe(db, partnership)
        ],
    )


def invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        roles=[Role(r) for r in invitation.roles],
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        status=service.invitation_status(invitation),
    )


def _created(invitation: Invitation) -> InvitationCreated:
    return InvitationCreated(
        id=invitation.id,
        partner_id=invitation.partner_id,
        email=invitation.email,
        roles=[Role(r) for r in invitation.roles],
        expires_at=invitation.expires_at,
    )


@router.post("/partnerships", status_code=201, summary="Create a partnership", responses=ERRORS)
def create_partnership(
    body: PartnershipCreate,
    request: Request,
    db: SessionDep,
    principal: CurrentPrincipal,
    roadmap_version: RoadmapVersion,
) -> PartnershipOut:
    """The caller's organisation becomes the lead partner and the caller its lead."""
    partnership = service.start_partnership(
        db,
        actor_of(request, principal),
        creator=principal.user,
        name=body.name,
        service=body.service,
        description=body.description,
        roadmap_version=roadmap_version,
    )
    db.commit()
    return partnership_out(db, partnership)


@router.get("/partnerships", summary="The partnerships you belong to")
def list_partnerships(
    request: Request,
    response: Response,
    db: SessionDep,
    principal: CurrentPrincipal,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[PartnershipSummary]:
    """Newest first; paginated (X-Next-Cursor and Link headers)."""
    rows = page(
        service.partnerships_of(db, principal.user),
        key=lambda row: row[0].id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [
        PartnershipSummary(
            id=p.id,
            name=p.name,
            service=p.service,
            roadmap_version=p.roadmap_version,
            created_at=p.created_at,
            my_partner_id=partner.id,
            my_roles=roles,
        )
        for p, partner, roles in rows
    ]


@router.get(
    "/partnerships/{pid}", summary="A partnership: its partners, people and roles", responses=ERRORS
)
def get_partnership(db: SessionDep, member: Member) -> PartnershipOut:
    return partnership_out(db, member.partnership)


@router.post(
    "/partnerships/{pid}/invitations",
    status_code=201,
    responses=GRANT_ERRORS,
    summary="Invite a partner organisation's first person (partnership lead only)",
)
def invite_partner(
    body: PartnerInvitationCreate, request: Request, db: SessionDep, lead: Lead
) -> InvitationCreated:
    """The link goes by email only; it is never returned here."""
    try:
        invitation, _ = service.invite_partner(
            db,
            actor_of(request, lead.principal),
            partnership=lead.partnership,
            inviter=lead.principal.user,
            email=str(body.email),
            organisation_name=body.organisation,
            roles=body.roles,
            authority=body.authority,
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        raise _problem(exc, 409) from None
    db.commit()
    return _created(invitation)


@router.post(
    "/partners/{partner_id}/invitations",
    status_code=201,
    responses=GRANT_ERRORS,
    summary="Invite another person of the same organisation",
)
def invite_person(
    body: PersonInvitationCreate, request: Request, db: SessionDep, access: PartnerManager
) -> InvitationCreated:
    try:
        invitation, _ = service.invite_person(
            db,
            actor_of(request, access.membership.principal),
            partner=access.partner,
            inviter=access.membership.principal.user,
            email=str(body.email),
            roles=body.roles,
            authority=body.authority,
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        raise _problem(exc, 409) from None
    db.commit()
    return _created(invitation)


@router.post(
    "/invitations/accept",
    status_code=201,
    summary="Accept an invitation",
    responses={
        400: {"description": "The link has expired or been used"},
        403: {"description": "You sent this invitation to a signing role yourself"},
        422: {"description": "The password is too weak"},
    },
)
def accept(body: InvitationAccept, request: Request, db: SessionDep) -> AcceptedOut:
    """Creates the account (or confirms an existing one with its password) and joins."""
    try:
        user, invitation = service.accept_invitation(
            db,
            actor_of(request, None),
            token=body.token,
            name=body.name,
            password=body.password,
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        raise _problem(exc, 404 if str(exc) == service.EXPIRED_LINK else 409) from None
    except (WeakPassword, DuplicateAccount) as exc:
        raise Problem(422, str(exc), errors=[{"field": "password", "message": str(exc)}]) from None
    db.commit()
    return AcceptedOut(
        user_id=user.id, partnership_id=invitation.partnership_id, partner_id=invitation.partner_id
    )


@router.post("/invitations/{iid}/revoke", summary="Withdraw an invitation", responses=ERRORS)
def revoke(request: Request, db: SessionDep, access: InvitationManager) -> InvitationOut:
    try:
        service.revoke_invitation(
            db, actor_of(request, access.access.membership.principal), access.invitation
        )
    except service.PartnershipProblem as exc:
        raise Problem(409, str(exc)) from None
    db.commit()
    return invitation_out(access.invitation)


@router.post("/invitations/{iid}/resend", summary="Send a fresh invitation link", responses=ERRORS)
def resend(request: Request, db: SessionDep, access: InvitationManager) -> InvitationOut:
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
        raise Problem(409, str(exc)) from None
    db.commit()
    return invitation_out(access.invitation)


@router.post(
    "/partners/{partner_id}/withdraw", summary="Withdraw a partner (lead only)", responses=ERRORS
)
def withdraw(
    body: Withdrawal, request: Request, db: SessionDep, access: PartnerOfLead
) -> PartnershipOut:
    try:
        service.withdraw_partner(
            db,
            actor_of(request, access.membership.principal),
            partner=access.partner,
            reason=body.reason,
        )
    except service.PartnershipProblem as exc:
        raise Problem(409, str(exc)) from None
    db.commit()
    return partnership_out(db, access.membership.partnership)


@router.put(
    "/partners/{partner_id}/people/{user_id}/roles",
    responses=GRANT_ERRORS,
    summary="Set a person's roles for their organisation's partner",
)
def set_roles(
    user_id: str, body: RolesUpdate, request: Request, db: SessionDep, access: PartnerManager
) -> PersonOut:
    """Replaces the person's roles. A signing role (signatory, ceo, cfo) they do not hold yet
    needs `authority` (422 without it), is never given to yourself (403), and is announced to
    the partnership lead and the partner's people."""
    user = db.get(User, user_id)
    if user is None or user.organisation_id != access.partner.organisation_id:
        raise HTTPException(404)
    try:
        service.set_roles(
            db,
            actor_of(request, access.membership.principal),
            partner=access.partner,
            user=user,
            roles=body.roles,
            granted_by=access.membership.principal.user,
            authority=body.authority,
            base_url=request.app.state.settings.base_url,
        )
    except service.PartnershipProblem as exc:
        raise _problem(exc, 422) from None
    db.commit()
    view = next(
        v
        for v in service.describe(db, fetch(db, Partnership, access.partner.partnership_id))
        if v.partner.id == access.partner.id
    )
    person = next((p for p in view.people if p.user.id == user.id), service.Person(user, []))
    return person_out(person)
