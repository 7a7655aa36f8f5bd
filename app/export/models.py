"""Agreement documents already rendered, by the digest of what they say."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field, timestamp_field


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


class AgreementExport(SQLModel, table=True):
    """An agreement as it was exported: what it said, and the digest that identifies it.

    The first export of some content records it here and in the audit chain (whose entries a
    database editor cannot forge); the same content exported again is the same document, with
    the same generation time, so it needs no second record. `roadmap agreement verify` finds the
    record a file claims to be, names every field the file changed, and checks the record
    against the audit chain. `content` is the canonical JSON the digest was computed from
    (everything but the generation time), compressed: a 400-partner agreement is megabytes.
    """

    __tablename__ = "agreement_export"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "content_digest"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    content_digest: str = Field(max_length=64, index=True)  # SHA-256 of the canonical content
    generated_at: datetime = timestamp_field(nullable=False)
    content: bytes = Field(sa_type=sa.LargeBinary)  # zlib(canonical JSON without generated_at)
    exported_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    created_at: datetime = created_at_field()
