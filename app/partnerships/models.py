"""Partnerships, the organisations that are partners in them, and people's roles per partner."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field


class PartnerStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Role(StrEnum):
    """Roles are held per partner (CONTRACT.md); a person may hold several."""

    LEAD = "lead"
    PARTNER_LEAD = "partner_lead"
    OFFICER = "officer"
    SIGNATORY = "signatory"
    CEO = "ceo"
    CFO = "cfo"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.LEAD: "Partnership lead",
    Role.PARTNER_LEAD: "Lead for their organisation",
    Role.OFFICER: "Officer",
    Role.SIGNATORY: "Signatory",
    Role.CEO: "Chief executive",
    Role.CFO: "Finance director",
    Role.VIEWER: "Viewer",
}

# The roles that commit an organisation: signing its stages, and its funding. Nobody grants one
# of them to themselves, and every grant names the authority it rests on (BRIEF rule 9).
SIGNING_ROLES = frozenset({Role.SIGNATORY, Role.CEO, Role.CFO})

# The database's own guard on rule 9, so that no code path can store what the service refuses:
# a signing role granted by a person names its authority and was granted by someone else. A
# grant without a grantor was made by a setup command (the tests' factories, the benchmarks) or
# before grants recorded one, and is shown as such.
SIGNING_GRANT_CHECK = (
    "role NOT IN ('signatory', 'ceo', 'cfo') OR granted_by IS NULL OR "
    "(authority IS NOT NULL AND trim(authority) <> '' AND granted_by <> user_id)"
)
AUTHORITY_MAX_LENGTH = 200


class Partnership(SQLModel, table=True):
    """A group of organisations forming one shared service; it owns everything said in it."""

    id: str = id_field()
    name: str = Field(max_length=200)
    service: str = Field(max_length=200, description="The service to be shared.")
    description: str = Field(default="", max_length=5000)
    roadmap_version: str = Field(max_length=20, description="Pinned when the partnership starts.")
    created_by: str = Field(foreign_key="user.id", max_length=32)
    created_at: datetime = created_at_field()
    # When every active partner's CEO and CFO last came to have signed the funding formula as
    # it stands; None while they have not. Kept by the signatures domain in the same
    # transaction as every change to those signatures, so that the Day 1 banner on every page
    # costs nothing.
    funding_agreed_at: datetime | None = timestamp_field()


class Partner(SQLModel, table=True):
    """One organisation's membership of one partnership."""

    __table_args__ = (sa.UniqueConstraint("partnership_id", "organisation_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    organisation_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    is_lead: bool = False
    status: PartnerStatus = enum_field(PartnerStatus, PartnerStatus.INVITED)
    created_at: datetime = created_at_field()
    joined_at: datetime | None = timestamp_field()
    withdrawn_at: datetime | None = timestamp_field()
    withdrawal_reason: str | None = Field(default=None, max_length=2000)


class PartnerRole(SQLModel, table=True):
    """A role a person holds for one partner."""

    __tablename__ = "partner_role"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "user_id", "role"),
        sa.CheckConstraint(SIGNING_GRANT_CHECK, name="signing_authority"),
    )

    id: str = id_field()
    partner_id: str = Field(foreign_key="partner.id", index=True, max_length=32)
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    role: Role = enum_field(Role)
    created_at: datetime = created_at_field()
    # Who gave the role, and for a signing role the decision it rests on ("Scheme of
    # delegation 4.2", "Cabinet minute 2026/114").
    granted_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    authority: str | None = Field(default=None, max_length=AUTHORITY_MAX_LENGTH)


class Invitation(SQLModel, table=True):
    """An invitation for one person to join a partner; the link goes by email only.

    The token is stored hashed; it expires after 14 days, works once, and can be revoked or
    re-sent (which replaces the token).
    """

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    partner_id: str = Field(foreign_key="partner.id", index=True, max_length=32)
    email: str = Field(max_length=320)
    roles: list[str] = Field(sa_type=sa.JSON)
    token_hash: str = Field(max_length=64, unique=True)
    invited_by: str = Field(foreign_key="user.id", max_length=32)
    # The authority for the signing roles among `roles`, stated by the inviter: the grant made
    # when the invitation is accepted rests on it.
    authority: str | None = Field(default=None, max_length=AUTHORITY_MAX_LENGTH)
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    accepted_at: datetime | None = timestamp_field()
    accepted_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    revoked_at: datetime | None = timestamp_field()
