"""Readiness snapshots: the assessment collected and frozen by the partnership lead."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field


class ReadinessSnapshot(SQLModel, table=True):
    """The whole assessment as it stood, with who collected it and when; never changed."""

    __tablename__ = "readiness_snapshot"

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    collected_by: str = Field(foreign_key="user.id", max_length=32)
    collected_at: datetime = created_at_field()
    verdict: str = Field(max_length=20)
    data: Any = Field(sa_type=sa.JSON)
    content_hash: str = Field(max_length=64)
