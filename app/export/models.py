"""Agreement documents already rendered, by the digest of what they say."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field


class RenderedAgreement(SQLModel, table=True):
    """One format of a partnership's agreement, rendered for content with `digest`.

    Rendering a PDF takes seconds; the same content asked for again is served from here.
    Only the newest rendering of each format is kept per partnership.
    """

    __tablename__ = "rendered_agreement"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "format", "digest"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    format: str = Field(max_length=10)
    digest: str = Field(max_length=64)
    body: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = created_at_field()
