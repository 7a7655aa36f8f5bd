"""Issuing an agreement: recorded once per content (in the audit chain too), rendered once per
content and format, then served from the store."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable
from concurrent.futures import Future
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


# Renderings in progress in this worker, by (partnership, format, digest): a request for a
# document another request is already rendering waits for that one, rather than rendering it
# again (six PDFs asked for at once used to take six renders). Workers do not share it.
_rendering: dict[tuple[str, str, str], Future[bytes]] = {}
_rendering_lock = threading.Lock()


def document(
    db: Session,
    issued: Issued,
    fmt: str,
    renderer: Callable[[Agreement], bytes],
    *,
    before_render: Callable[[], None] = lambda: None,
) -> bytes:
    """The agreement in `fmt`: from the store when this content was rendered before, else
    rendered now and stored (replacing the partnership's older rendering of that format).

    Only a request that renders calls `before_render` first (to charge for it; it may raise).
    A request that finds the same rendering under way in this worker waits for it.
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
    key = (agreement.partnership_id, fmt, digest)
    with _rendering_lock:
        flight = _rendering.get(key)
        leading = flight is None
        if flight is None:
            before_render()
            flight = _rendering[key] = Future()
    if not leading:
        return flight.result()
    try:
        body = _render_and_store(db, issued, fmt, renderer)
    except BaseException as exc:
        flight.set_exception(exc)
        raise
    else:
        flight.set_result(body)
        return body
    finally:
        with _rendering_lock:
            del _rendering[key]


def _render_and_store(
    db: Session, issued: Issued, fmt: str, renderer: Callable[[Agreement], bytes]
) -> bytes:
    agreement, digest = issued.agreement, issued.digest
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
        pass  # another worker stored the same rendering a moment ago
    return body
