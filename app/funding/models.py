"""The Day 1 funding formula: the proposal, each partner's own figures, and CEO/CFO signatures."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field
from app.funding.formula import Method

MONEY = sa.Numeric(14, 2)
PERCENT = sa.Numeric(7, 4)
FIGURE = sa.Numeric(18, 2)


class FundingProposal(SQLModel, table=True):
    """The cost pool and the method, proposed by the partnership lead (one per partnership)."""

    __tablename__ = "funding_proposal"

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
    version: int = 1
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
    CEO = "ceo"
    CFO = "cfo"


class FundingSignoff(SQLModel, table=True):
    """A chief executive's or finance director's signature on the formula as it stood."""

    __tablename__ = "funding_signoff"

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    user_id: str = Field(foreign_key="user.id", max_length=32)
    role: FundingRole = enum_field(FundingRole)
    content: Any = Field(sa_type=sa.JSON)
    content_hash: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    superseded_at: datetime | None = timestamp_field()
