"""Sign-offs: a partner's signatory agreeing the exact content of one stage."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field


class Decision(StrEnum):
    SIGNED = "signed"
    DECLINED = "declined"


class SignOff(SQLModel, table=True):
    """A signatory's decision on a stage for their partner, bound to the content's hash.

    `content` keeps what was signed (canonical JSON), so that "what changed since you signed"
    can be shown; `content_hash` is its SHA-256. A later change to that content marks the row
    superseded (kept, no longer counting), recording which answer changed and who changed it.
    """

    __tablename__ = "sign_off"

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", index=True, max_length=32)
    user_id: str = Field(foreign_key="user.id", max_length=32)
    decision: Decision = enum_field(Decision)
    reason: str | None = Field(default=None, max_length=2000)
    content: Any = Field(sa_type=sa.JSON)
    content_hash: str = Field(max_length=64)
    roadmap_version: str = Field(max_length=20)
    created_at: datetime = created_at_field()
    superseded_at: datetime | None = timestamp_field()
    superseded_by: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    revoked_at: datetime | None = timestamp_field()
    revoked_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    revoke_reason: str | None = Field(default=None, max_length=2000)

    @property
    def current(self) -> bool:
        """Still counting: signed, and neither superseded nor revoked."""
        return (
            self.decision is Decision.SIGNED
            and self.superseded_at is None
            and self.revoked_at is None
        )


class SignOffRequest(SQLModel, table=True):
    """When a stage became ready for sign-off, and when each partner was last reminded."""

    __tablename__ = "sign_off_request"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "stage_key", "partner_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    requested_at: datetime = created_at_field()
    reminded_at: datetime | None = timestamp_field()
