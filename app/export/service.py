"""Issuing an agreement: recorded once per content (in the audit chain too), rendered once per
content and format, then served from the store."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.core.canonical import content_hash
from app.core.database import write_apart
from app.export.models import AgreementExport, RenderedAgreement
from app.export.schema import Agreement

EXPORTED = "agreement.exported"  # the audit action of a first export of some content


def content_digest(agreement: Agreement) -> str:
    """The SHA-256 of what the agreement says: its canonical JSON without the time it was
    generated, so that the same content always has the same digest."""
    return content_hash(agreement.model_dump(mode="json", exclude={"generated_at"}))


def document_digest(agreement: Agreement) -> str:
    """The SHA-256 of the whole document as canonical JSON: every field, the generation time
    included. What `roadmap agreement verify` checks a file against."""
    return content_hash(agreement.model_dump(mode="json"))


def issue(db: Session, actor: Actor, agreement: Agreement, *, user_id: str | None) -> Agreement:
    """The agreement as it is exported: the first export of this content is recorded, with the
    document's digest in the audit chain; the same content exported again is the same document
    (its first generation time), so it is neither recorded nor rendered twice."""
    digest = content_digest(agreement)
    query = select(AgreementExport.generated_at).where(
        AgreementExport.partnership_id == agreement.partnership_id,
        AgreementExport.content_digest == digest,
    )
    first = db.exec(query).first()
    if first is not None:
        return agreement.model_copy(update={"generated_at": first})
    data = agreement.model_dump(mode="json")
    try:
        with write_apart(db):
            exported = AgreementExport(
                partnership_id=agreement.partnership_id,
                content_digest=digest,
                document_digest=content_hash(data),
                generated_at=agreement.generated_at,
                content=data,
                exported_by=user_id,
            )
            db.add(exported)
            db.flush()
            record(
                db,
                actor,
                EXPORTED,
                object_type="agreement_export",
                object_id=exported.id,
                partnership_id=agreement.partnership_id,
                after={
                    "document_digest": exported.document_digest,
                    "content_digest": digest,
                    "draft": agreement.draft,
                },
            )
    except IntegrityError:
        # The same content was exported by someone else a moment ago: theirs is the record.
        first = db.exec(query).first()
        if first is None:
            raise
        return agreement.model_copy(update={"generated_at": first})
    return agreement


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
