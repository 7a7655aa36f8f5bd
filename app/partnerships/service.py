"""Partnerships, partners and roles: plain functions over a session; callers commit."""

from __future__ import annotations

from sqlmodel import Session, select

from app.core.database import utcnow
from app.identity.models import Organisation, User
from app.partnerships.models import Partner, PartnerRole, Partnership, PartnerStatus, Role


def create_partnership(
    db: Session, *, name: str, service: str, description: str, creator: User, roadmap_version: str
) -> tuple[Partnership, Partner]:
    """A partnership whose lead partner is the creator's organisation, led by the creator."""
    partnership = Partnership(
        name=name.strip(),
        service=service.strip(),
        description=description.strip(),
        roadmap_version=roadmap_version,
        created_by=creator.id,
    )
    db.add(partnership)
    db.flush()
    lead = Partner(
        partnership_id=partnership.id,
        organisation_id=creator.organisation_id,
        is_lead=True,
        status=PartnerStatus.ACTIVE,
        joined_at=utcnow(),
    )
    db.add(lead)
    db.flush()
    grant_role(db, partner=lead, user=creator, role=Role.LEAD)
    return partnership, lead


def add_partner(
    db: Session, *, partnership: Partnership, organisation: Organisation, active: bool
) -> Partner:
    """`organisation` as a partner of `partnership` (invited, or active at once)."""
    partner = Partner(
        partnership_id=partnership.id,
        organisation_id=organisation.id,
        status=PartnerStatus.ACTIVE if active else PartnerStatus.INVITED,
        joined_at=utcnow() if active else None,
    )
    db.add(partner)
    db.flush()
    return partner


def grant_role(db: Session, *, partner: Partner, user: User, role: Role) -> PartnerRole:
    """Give `user` the `role` for `partner`; granting a role already held changes nothing."""
    if user.organisation_id != partner.organisation_id:
        raise ValueError("a person can hold roles only for their own organisation's partner")
    existing = db.exec(
        select(PartnerRole).where(
            PartnerRole.partner_id == partner.id,
            PartnerRole.user_id == user.id,
            PartnerRole.role == role,
        )
    ).first()
    if existing is not None:
        return existing
    grant = PartnerRole(partner_id=partner.id, user_id=user.id, role=role)
    db.add(grant)
    db.flush()
    return grant
