"""Issuing an agreement: recorded once per content (in the audit chain too), rendered once per
content and format, then served from the store."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.core.canonical import canonical_json, sha256_hex
from app.core.database import write_apart
from app.export.models import AgreementExport, RenderedAgreement
from app.export.schema import Agreement

EXPORTED = "agreement.exported"  # the audit action of a first export of some content


def canonical_content(agreement: Agreement) -> bytes:
    """What the agreement says as canonical JSON: everything but the time it was generated, so
    that the same content always has the same bytes."""
    return canonical_json(agreement.model_dump(mode="json", exclude={"generated_at"}))


def content_digest(agreement: Agreement) -> str:
    """The SHA-256 of the agreement's canonical content (`canonical_content`)."""
    return sha256_hex(canonical_content(agreement))


_TIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def generated_text(moment: datetime) -> str:
    """A generation time exactly as the JSON export writes it."""
    return str(_TIME.dump_python(moment, mode="json"))


@dataclass(frozen=True)
class Issued:
    """An agreement as exported, with the digest of its content."""

    agreement: Agreement
    digest: str


def issue(db: Session, actor: Actor, agreement: Agreement, *, user_id: str | None) -> Issued:
    """The agreement as it is exported: the first export of this content is recorded, with its
    digest and generation time in the audit chain; the same content exported again is the same
    document (its first generation time), so it is neither recorded nor rendered twice."""
    content = canonical_content(agreement)
    digest = sha256_hex(content)
    query = select(AgreementExport.generated_at).where(
        AgreementExport.partnership_id == agreement.partnership_id,
        AgreementExport.content_digest == digest,
    )
    first = db.exec(query).first()
    if first is not None:
        return Issued(agreement.model_copy(update={"generated_at": first}), digest)
    try:
        with write_apart(db):
            exported = AgreementExport(
                partnership_id=agreement.partnership_id,
                content_digest=digest,
                generated_at=agreement.generated_at,
                content=zlib.compress(content, 1),
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
                    "content_digest": digest,
                    "generated_at": generated_text(agreement.generated_at),
                    "draft": agreement.draft,
                },
            )
    except IntegrityError:
        # The same content was exported by someone else a moment ago: theirs is the record.
        first = db.exec(query).first()
        if first is None:
            raise
        return Issued(agreement.model_copy(update={"generated_at": first}), digest)
    return Issued(agreement, digest)


def document(
    db: Session, issued: Issued, fmt: str, renderer: Callable[[Agreement], bytes]
) -> bytes:
    """The agreement in `fmt`: from the store when this content was rendered before, else
    rendered now and stored (replacing the partnership's older rendering of that format).

    Two requests for new content at the same moment may both render; the first to store wins.
    """
    agreement, digest = issued.agreement, issued.digest
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
