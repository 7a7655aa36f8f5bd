"""The JSON shapes of the risk register API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator
from pydantic.json_schema import SkipJsonSchema

from app.core import patterns
from app.risks.common import COMMON_BY_KEY
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
            ],
            # A risk is only marked mitigated with the mitigation described.
            "if": {"properties": {"status": {"const": "mitigated"}}, "required": ["status"]},
            "then": {
                "required": ["mitigation"],
                "properties": {"mitigation": {"type": "string", "pattern": patterns.VISIBLE}},
            },
        },
    )
    title: str = Field(max_length=200, pattern=patterns.VISIBLE)
    description: str = Field(max_length=5000, pattern=patterns.VISIBLE)
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
Unset = SkipJsonSchema[None]


class RiskUpdate(BaseModel):
    """Only the fields sent are changed; `version` is the one you read."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "version": 1,
                    "status": "mitigated",
                    "mitigation": "Both suppliers now send cases in the agreed message standard.",
                }
            ]
        },
    )
    version: int = Field(ge=1, description="The version you read; a stale one gets 409.")
    # Optional, but not null: the schema leaves null out (SkipJsonSchema), the validator refuses it.
    title: Annotated[str, Field(max_length=200, pattern=patterns.VISIBLE)] | Unset = None
    description: Annotated[str, Field(max_length=5000, pattern=patterns.VISIBLE)] | Unset = None
    likelihood: Annotated[int, Field(ge=1, le=5)] | Unset = None
    impact: Annotated[int, Field(ge=1, le=5)] | Unset = None
    stage_key: str | None = None
    owner_partner_id: str | None = None
    mitigation: Annotated[str, Field(max_length=5000)] | Unset = None
    status: RiskStatus | Unset = None
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


COMMON_KEYS = list[JsonValue](sorted(COMMON_BY_KEY))


class AdoptCommon(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"common_key": "scope-creep"}]}
    )
    common_key: str = Field(max_length=60, json_schema_extra={"enum": COMMON_KEYS})


class RiskOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "7734754f2b3db10b8396eebeb011dd3e",
                    "partnership_id": "7bfd2a7090d8f7407af031974e523717",
                    "stage_key": "business-scope",
                    "title": "The scope grows until it cannot be delivered",
                    "description": "The shared service is asked to solve too many problems at "
                    "once. Each partner adds its own requirements, the specification keeps "
                    "widening, and the service is late, over budget or never delivered.",
                    "likelihood": 3,
                    "impact": 4,
                    "score": 12,
                    "high": False,
                    "owner_partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                    "mitigation": "Write down which services are in scope and which are out, "
                    "starting narrow. Route every change of scope through the governance board "
                    "with its cost and effect on the timetable, and add services in later phases "
                    "rather than all at once.",
                    "status": "open",
                    "review_date": "2027-03-31",
                    "common_key": "scope-creep",
                    "created_by": "cc65a83ae1c0aaaa09935611c5da325f",
                    "created_at": "2026-11-20T14:05:00Z",
                    "updated_by": "d0a6d22c80cd2564b96d25e6e01ba649",
                    "updated_at": "2026-11-23T09:40:00Z",
                    "version": 2,
                }
            ]
        },
    )

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
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "key": "untested-technology",
                    "title": "The service depends on technology that has not been proven",
                    "description": "The partnership buys new or untested technology on the "
                    "strength of a supplier's promises. It does not work as expected at "
                    "public-sector scale, and the savings it was meant to bring do not appear.",
                    "stage_key": "infrastructure",
                    "likelihood": 3,
                    "impact": 4,
                    "score": 12,
                    "mitigation": "Prefer technology already proven in similar public bodies and "
                    "take up references. Where something new is unavoidable, test it in a proof "
                    "of concept with real data before committing, and keep a fallback.",
                    "adopted": False,
                }
            ]
        },
    )

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
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [{"likelihood": 4, "impact": 4, "score": 16, "band": "high", "count": 2}]
        },
    )

    likelihood: int
    impact: int
    score: int
    band: Band
    count: int = Field(description="Open risks with this likelihood and impact.")
