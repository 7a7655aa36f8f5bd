"""Serving an agreement document: rendered once per content digest, then from the store."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.canonical import content_hash
from app.core.database import write_apart
from app.export.models import RenderedAgreement
from app.export.schema import Agreement


def content_digest(agreement: Agreement) -> str:
    """The SHA-256 of what the agreement says: its canonical JSON without the time it was
    generated, so that the same content always has the same digest."""
    return content_hash(agreement.model_dump(mode="json", exclude={"generated_at"}))


def document(
    db: Session, agreement: Agreement, fmt: str, renderer: Callable[[Agreement], bytes]
) -> bytes:
    """The agreement in `fmt`: from the store when this content was rendered before, else
    rendered now and stored (replacing the partnership's older rendering of that format).

    Two requests for new content at the same moment may both render; the first to store wins.
    """
    digest = content_digest(agreement)
    stored = db.exec(
        select(RenderedAgreement.body).where(
            RenderedAgreement.partnership_id == agreement.partnership_id,
            RenderedAgreement.format == fmt,
            RenderedAgreement.digest == digest,
        )
    ).first()
    if stored is not None:
        return stored
    body = renderer(agreement)
    try:
        with write_apart(db):
            db.execute(
                sa.delete(RenderedAgreement).where(
                    col(RenderedAgreement.partnership_id) == agreement.partnership_id,
                    col(RenderedAgreement.format) == fmt,
                )
            )
            db.add(
                RenderedAgreement(
                    partnership_id=agreement.partnership_id, format=fmt, digest=digest, body=body
                )
            )
    except IntegrityError:
        pass  # another request stored the same rendering a moment ago
    return body
