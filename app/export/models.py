"""Agreement documents already rendered, by the digest of what they say."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
    """An agreement as it was exported: what it said, and the digests that identify it.

    The first export of some content records it here and in the audit chain (whose entries a
    database editor cannot forge); the same content exported again is the same document, with
    the same generation time, so it needs no second record. `roadmap agreement verify` finds the
    record a file claims to be, names every field the file changed, and checks the record
    against the audit chain.
    """

    __tablename__ = "agreement_export"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "content_digest"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    content_digest: str = Field(max_length=64)  # what it says, without when it was generated
    document_digest: str = Field(max_length=64, unique=True)  # the whole document's SHA-256
    generated_at: datetime = timestamp_field(nullable=False)
    content: Any = Field(sa_type=sa.JSON)  # the whole document, as canonical JSON data
    exported_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    created_at: datetime = created_at_field()
