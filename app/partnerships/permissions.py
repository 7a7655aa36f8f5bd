"""Who may do what in a partnership, declared once as dependencies.

Every route under a partnership, a partner or an invitation takes one of these; a test walks
`app.routes` and fails when one does not. Outsiders get 404 (never confirming that a
partnership exists); members without the role get 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException
from sqlmodel import Session, col, select

from app.core.deps import SessionDep
from app.core.permissions import permission
from app.identity.deps import CurrentPrincipal, Principal
from app.partnerships.models import (
    Invitation,
    Partner,
    PartnerRole,
    Partnership,
    PartnerStatus,
    Role,
)


@dataclass(frozen=True)
class Membership:
    """The caller as a member of one partnership: their organisation's partner and roles."""

    principal: Principal
    partnership: Partnership
    partner: Partner
    roles: frozenset[Role]

    @property
    def funding_agreed(self) -> bool:
        """Every active partner's CEO and CFO have signed the formula (for the banner)."""
        return self.partnership.funding_agreed_at is not None

    @property
    def is_lead(self) -> bool:
        return Role.LEAD in self.roles

    @property
    def active(self) -> bool:
        return self.partner.status is PartnerStatus.ACTIVE

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def manages(self, partner_id: str) -> bool:
        """Whether the caller may invite people to, and change roles of, this partner."""
        own = partner_id == self.partner.id
        return self.active and (self.is_lead or (own and Role.PARTNER_LEAD in self.roles))


def membership(db: Session, principal: Principal, partnership_id: str) -> Membership | None:
    """The caller's membership of a partnership, or None if they have no role in it."""
    rows = db.exec(
        select(Partnership, Partner, PartnerRole.role)
        .join(Partner, col(Partner.partnership_id) == Partnership.id)
        .join(PartnerRole, col(PartnerRole.partner_id) == Partner.id)
        .where(
            Partnership.id == partnership_id,
            Partner.organisation_id == principal.user.organisation_id,
            PartnerRole.user_id == principal.user.id,
            col(Partner.status).in_([PartnerStatus.ACTIVE, PartnerStatus.WITHDRAWN]),
        )
    ).all()
    if not rows:
        return None
    partnership, partner, _ = rows[0]
    return Membership(principal, partnership, partner, frozenset(Role(r[2]) for r in rows))


def member_or_404(db: Session, principal: Principal, partnership_id: str) -> Membership:
    found = membership(db, principal, partnership_id)
    if found is None:
        raise HTTPException(404)
    return found


@permission
def member(pid: str, principal: CurrentPrincipal, db: SessionDep) -> Membership:
    """Anyone with a role in the partnership (viewers included) may read it."""
    return member_or_404(db, principal, pid)


def acting(found: Membership, *roles: Role) -> Membership:
    if not found.active:
        raise HTTPException(403, "Your organisation has withdrawn from this partnership.")
    if roles and not found.has(*roles):
        raise HTTPException(403, "Your role does not allow this.")
    return found


@permission
def lead(found: Annotated[Membership, Depends(member)]) -> Membership:
    """The partnership lead only."""
    return acting(found, Role.LEAD)


@dataclass(frozen=True)
class PartnerAccess:
    """The caller acting on one partner: they lead the partnership or manage that partner."""

    membership: Membership
    partner: Partner


def _partner_manager(db: Session, principal: Principal, partner: Partner | None) -> PartnerAccess:
    if partner is None:
        raise HTTPException(404)
    found = acting(member_or_404(db, principal, partner.partnership_id))
    if not found.manages(partner.id):
        raise HTTPException(403, "Only the partnership lead or this partner's lead may do this.")
    return PartnerAccess(found, partner)


@permission
def partner_manager(partner_id: str, principal: CurrentPrincipal, db: SessionDep) -> PartnerAccess:
    """The partnership lead, or the partner's own partner lead."""
    return _partner_manager(db, principal, db.get(Partner, partner_id))


@dataclass(frozen=True)
class InvitationAccess:
    access: PartnerAccess
    invitation: Invitation


@permission
def invitation_manager(iid: str, principal: CurrentPrincipal, db: SessionDep) -> InvitationAccess:
    """Whoever manages the partner that the invitation is for."""
    invitation = db.get(Invitation, iid)
    if invitation is None:
        raise HTTPException(404)
    access = _partner_manager(db, principal, db.get(Partner, invitation.partner_id))
    return InvitationAccess(access, invitation)


Member = Annotated[Membership, Depends(member)]
Lead = Annotated[Membership, Depends(lead)]
PartnerManager = Annotated[PartnerAccess, Depends(partner_manager)]
InvitationManager = Annotated[InvitationAccess, Depends(invitation_manager)]


@permission
def partner_of_lead(partner_id: str, principal: CurrentPrincipal, db: SessionDep) -> PartnerAccess:
    """The partnership lead, acting on one of the partners (withdrawing it)."""
    partner = db.get(Partner, partner_id)
    if partner is None:
        raise HTTPException(404)
    found = acting(member_or_404(db, principal, partner.partnership_id), Role.LEAD)
    return PartnerAccess(found, partner)


PartnerOfLead = Annotated[PartnerAccess, Depends(partner_of_lead)]
