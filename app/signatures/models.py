"""Every signature a partner gives: on a stage (its signatory) or on the funding formula (its
chief executive and finance director), bound to the exact content signed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field

# The subject of the funding formula's signatures. Every other subject is a stage's key (the
# roadmap's loader refuses a stage keyed "funding").
FUNDING = "funding"


class Decision(StrEnum):
    SIGNED = "signed"
    DECLINED = "declined"


class SignRole(StrEnum):
    """The authority a signature is given under; the partner role of the same name holds it."""

    SIGNATORY = "signatory"
    CEO = "ceo"
    CFO = "cfo"


# What "counts" means, in SQL: signed, and neither superseded nor revoked. The partial unique
# index below allows one such row per partnership, subject, partner and role, so that two
# signatures made at once can never both count (rule 10), whatever the code does.
CURRENT_SQL = "decision = 'signed' AND superseded_at IS NULL AND revoked_at IS NULL"


class Signature(SQLModel, table=True):
    """A decision, for one partner, on one subject, as it stood: signed or declined.

    `content` keeps what was signed (canonical JSON), so that "what changed since you signed"
    can be shown; `content_hash` is its SHA-256. A change to that content marks the row
    superseded (kept, no longer counting), recording what changed and who changed it.
    """

    __tablename__ = "signature"
    __table_args__ = (
        sa.Index(
            "uq_signature_current",
            "partnership_id",
            "subject",
            "partner_id",
            "role",
            unique=True,
            sqlite_where=sa.text(CURRENT_SQL),
            postgresql_where=sa.text(CURRENT_SQL),
        ),
        sa.Index("ix_signature_partnership_subject", "partnership_id", "subject", "created_at"),
    )

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", max_length=32)
    subject: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", index=True, max_length=32)
    role: SignRole = enum_field(SignRole)
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
    # The open consistency warnings the signer acknowledged, as [{"key", "message"}]: part of
    # the signed record (the sign event's audit entry carries their hash). None before they
    # were recorded.
    acknowledged: Any = Field(default=None, sa_type=sa.JSON, nullable=True)

    @property
    def current(self) -> bool:
        """Still counting: signed, and neither superseded nor revoked (CURRENT_SQL)."""
        return (
            self.decision is Decision.SIGNED
            and self.superseded_at is None
            and self.revoked_at is None
        )

    @property
    def state(self) -> str:
        """current, superseded, revoked or declined: how the register reads it."""
        if self.decision is Decision.DECLINED:
            return "declined"
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "superseded"
        return "current"
