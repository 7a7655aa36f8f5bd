"""The Day 1 funding formula: the proposal, each partner's own figures, and CEO/CFO signatures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field
from app.funding.formula import Method

MONEY = sa.Numeric(14, 2)
PERCENT = sa.Numeric(7, 4)
FIGURE = sa.Numeric(18, 2)


_proposal_version = sa.Column("version", sa.Integer, nullable=False)


class FundingProposal(SQLModel, table=True):
    """The cost pool and the method, proposed by the partnership lead (one per partnership).

    `version` is SQLAlchemy's version counter: an update says `WHERE version = <as read>`, so
    that of two leads proposing at once, the second is refused rather than lost.
    """

    __tablename__ = "funding_proposal"
    __mapper_args__ = {"version_id_col": _proposal_version, "version_id_generator": False}

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", unique=True, max_length=32)
    method: Method = enum_field(Method)
    one_off_cost: Decimal = Field(sa_type=MONEY)
    annual_cost: Decimal = Field(sa_type=MONEY)
    years: int
    annual_uplift_percent: Decimal = Field(default=Decimal(0), sa_type=PERCENT)
    base_share_percent: Decimal | None = Field(default=None, sa_type=PERCENT, nullable=True)
    driver_name: str | None = Field(default=None, max_length=100)
    savings_method: str | None = Field(default=None, max_length=100)
    exit_terms: str | None = Field(default=None, max_length=5000)
    version: int = Field(default=1, sa_column=_proposal_version)
    updated_by: str = Field(foreign_key="user.id", max_length=32)
    updated_at: datetime = created_at_field()


class FundingInput(SQLModel, table=True):
    """One partner's own figures, entered by that partner (part of what is signed)."""

    __tablename__ = "funding_input"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "partner_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    population: Decimal | None = Field(default=None, sa_type=FIGURE, nullable=True)
    driver: Decimal | None = Field(default=None, sa_type=FIGURE, nullable=True)
    budget: Decimal | None = Field(default=None, sa_type=MONEY, nullable=True)
    percentage: Decimal | None = Field(default=None, sa_type=PERCENT, nullable=True)
    updated_by: str = Field(foreign_key="user.id", max_length=32)
    updated_at: datetime = created_at_field()


class FundingRole(StrEnum):
    """The two roles that sign the formula for each partner (`SignRole` of the same names)."""

    CEO = "ceo"
    CFO = "cfo"
