"""A partnership's risks, each scored by likelihood and impact on a five-point scale."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field

# A score of 15 or more is high: the red band of the five-by-five matrix that UK public bodies
# commonly use. A likely risk with a major impact (4 and 4, 16) is high; a possible one with a
# major impact (3 and 4, 12) is not. Readiness treats an open high risk without a mitigation as
# a blocker, so this number decides whether a partnership can be called ready.
HIGH_RISK_SCORE = 15
# Below this a risk is low (green); from here up to HIGH_RISK_SCORE it is medium (amber).
MEDIUM_RISK_SCORE = 5

SCALE = (1, 2, 3, 4, 5)
LIKELIHOOD_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_WORDS = {1: "Minimal", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


class RiskStatus(StrEnum):
    """Open until dealt with; mitigated when the mitigation is in place; closed when it no
    longer applies. A closed risk stays in the register (and the agreement summary)."""

    OPEN = "open"
    MITIGATED = "mitigated"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Band(StrEnum):
    """Where a score falls on the heat map."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def band_of(score: int) -> Band:
    """The band of a score (likelihood times impact)."""
    if score >= HIGH_RISK_SCORE:
        return Band.HIGH
    return Band.MEDIUM if score >= MEDIUM_RISK_SCORE else Band.LOW


class Risk(SQLModel, table=True):
    """One risk in a partnership's register.

    `version` goes up by one with every change; a change must name the version it read, so two
    people editing the same risk never silently overwrite each other.
    """

    __table_args__ = (
        # NULLs never collide, so this allows any number of the partnership's own risks but
        # each common risk only once.
        sa.UniqueConstraint("partnership_id", "common_key"),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_scale"),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="impact_scale"),
    )

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str | None = Field(
        default=None, max_length=60, description="A roadmap stage, or None for the whole."
    )
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)
    likelihood: int
    impact: int
    owner_partner_id: str | None = Field(default=None, foreign_key="partner.id", max_length=32)
    mitigation: str = Field(default="", max_length=5000)
    status: RiskStatus = enum_field(RiskStatus, RiskStatus.OPEN)
    review_date: date | None = None
    common_key: str | None = Field(
        default=None, max_length=60, description="The common risk it was adopted from."
    )
    created_by: str = Field(foreign_key="user.id", max_length=32)
    created_at: datetime = created_at_field()
    updated_by: str = Field(foreign_key="user.id", max_length=32)
    updated_at: datetime = created_at_field()
    version: int = Field(default=1, ge=1)

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def high(self) -> bool:
        return self.score >= HIGH_RISK_SCORE

    @property
    def band(self) -> Band:
        return band_of(self.score)
