"""The JSON shapes of the risk register API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.risks.models import HIGH_RISK_SCORE, Band, RiskStatus


class RiskCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Partners' case management systems cannot exchange data",
                    "description": "The two councils use different suppliers with no common "
                    "message standard, so cases would have to be re-keyed.",
                    "likelihood": 3,
                    "impact": 4,
                    "stage_key": "transactions-events-messages",
                    "mitigation": "Agree a message standard and test it with both suppliers.",
                    "review_date": "2027-03-31",
                }
            ]
        },
    )
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    likelihood: int = Field(ge=1, le=5, description="1 rare to 5 almost certain.")
    impact: int = Field(ge=1, le=5, description="1 minimal to 5 severe.")
    stage_key: str | None = Field(
        default=None, description="A roadmap stage key, or null for the whole partnership."
    )
    owner_partner_id: str | None = Field(
        default=None, description="The partner that owns the risk, if any."
    )
    mitigation: str = Field(default="", max_length=5000)
    status: RiskStatus = RiskStatus.OPEN
    review_date: date | None = None


# A PATCH may set these to null; the others, if sent, need a value.
NULLABLE = frozenset({"stage_key", "owner_partner_id", "review_date"})


class RiskUpdate(BaseModel):
    """Only the fields sent are changed; `version` is the one you read."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"version": 1, "status": "mitigated"}]},
    )
    version: int = Field(ge=1, description="The version you read; a stale one gets 409.")
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    likelihood: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    stage_key: str | None = None
    owner_partner_id: str | None = None
    mitigation: str | None = Field(default=None, max_length=5000)
    status: RiskStatus | None = None
    review_date: date | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> RiskUpdate:
        nulls = sorted(
            name
            for name in self.model_fields_set - NULLABLE - {"version"}
            if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, other than the version."""
        return self.model_dump(exclude_unset=True, exclude={"version"})


class AdoptCommon(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"common_key": "scope-creep"}]}
    )
    common_key: str = Field(max_length=60)


class RiskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    partnership_id: str
    stage_key: str | None
    title: str
    description: str
    likelihood: int
    impact: int
    score: int = Field(description="Likelihood times impact, 1 to 25.")
    high: bool = Field(description=f"Whether the score is {HIGH_RISK_SCORE} or more.")
    owner_partner_id: str | None
    mitigation: str
    status: RiskStatus
    review_date: date | None
    common_key: str | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    version: int


class CommonRiskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    title: str
    description: str
    stage_key: str
    likelihood: int
    impact: int
    score: int
    mitigation: str
    adopted: bool


class HeatCellOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    likelihood: int
    impact: int
    score: int
    band: Band
    count: int = Field(description="Open risks with this likelihood and impact.")
