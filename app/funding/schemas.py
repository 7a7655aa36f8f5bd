"""The JSON shapes of the funding API. Money is a decimal string in pounds, never a float."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core import patterns
from app.funding.formula import Method
from app.funding.models import FundingRole


class ProposalIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "population",
                    "one_off_cost": "250000.00",
                    "annual_cost": "1000000.00",
                    "years": 5,
                    "annual_uplift_percent": "2",
                    "savings_method": "same-as-costs",
                }
            ]
        }
    )
    method: Method
    one_off_cost: str = Field(pattern=patterns.POUNDS)
    annual_cost: str = Field(pattern=patterns.POUNDS)
    years: int = Field(ge=1, le=50)
    annual_uplift_percent: str | None = Field(default=None, pattern=patterns.PERCENT)
    base_share_percent: str | None = Field(default=None, pattern=patterns.PERCENT)
    driver_name: str | None = Field(default=None, max_length=100)
    savings_method: str | None = Field(default=None, max_length=100)
    exit_terms: str | None = Field(default=None, max_length=5000)
    version: int = Field(default=0, ge=0, description="The proposal version you read; 0 for none")


class InputsIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"population": "150000"}]})
    population: str | None = Field(default=None, pattern=patterns.QUANTITY)
    driver: str | None = Field(default=None, pattern=patterns.QUANTITY)
    budget: str | None = Field(default=None, pattern=patterns.POUNDS)
    percentage: str | None = Field(default=None, pattern=patterns.PERCENT)


class FundingSignIn(BaseModel):
    role: FundingRole
    password: str = Field(max_length=1024)


class RowOut(BaseModel):
    partner_id: str
    organisation: str
    share_percent: str
    one_off: str
    per_year: list[str]
    total: str


class TableOut(BaseModel):
    method: Method
    rows: list[RowOut]
    one_off_total: str
    year_totals: list[str]
    grand_total: str


class MethodResult(BaseModel):
    method: Method
    table: TableOut | None
    problems: list[str]


class PartnerFundingOut(BaseModel):
    partner_id: str
    organisation: str
    population: str | None
    driver: str | None
    budget: str | None
    percentage: str | None
    ceo_signed_at: datetime | None
    cfo_signed_at: datetime | None


class FundingOut(BaseModel):
    proposal: ProposalIn | None
    partners: list[PartnerFundingOut]
    problems: list[str]
    table: TableOut | None
    every_method: list[MethodResult]
    content_hash: str
    agreed: bool


class FundingSignoffOut(BaseModel):
    id: str
    partner_id: str
    role: FundingRole
    content_hash: str
    created_at: datetime
