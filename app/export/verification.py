"""Verifying an exported agreement: every byte of what it says, and the records it came from.

A file is valid when it is, field for field, an export this service recorded (`issue` keeps
each first export of some content, with its digest in the audit chain), the recorded export is
still the one the chain recorded, the chain itself is intact and still holds the head the file
names, and every signature that counts still matches the content it was given for, recomputed
from the database now. Each finding names what failed: a changed field by its path
(`funding.rows[2].total`), a signature by its person, organisation, role and subject.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import verify_anchor, verify_chain
from app.core.canonical import canonical_json, content_hash, sha256_hex
from app.export.models import AgreementExport
from app.export.render import ATTACHMENT
from app.export.service import EXPORTED, generated_text
from app.funding.signing import FUNDING_SOURCE
from app.identity.models import User
from app.partnerships.models import Partnership
from app.partnerships.service import partner_names
from app.signatures.models import FUNDING, Signature
from app.signatures.service import Source, history
from app.wizard.signing import STAGE

MOST_CHANGES = 50  # changed fields listed one by one; beyond this, a count


class NotAnAgreement(ValueError):
    """The file is not an agreement export at all (not JSON, or a PDF without its JSON)."""


def read_document(raw: bytes) -> dict[str, Any]:
    """The agreement data in an exported file: the JSON export as it is, or the JSON that a
    PDF export carries as its attachment."""
    if raw.startswith(b"%PDF"):
        from pypdf import PdfReader  # only when a PDF is verified

        try:
            attached = PdfReader(io.BytesIO(raw)).attachments.get(ATTACHMENT)
        except Exception as exc:  # pypdf raises many kinds of error on a damaged file
            raise NotAnAgreement(f"the PDF cannot be read: {exc}") from exc
        if not attached:
            raise NotAnAgreement(f"the PDF carries no {ATTACHMENT}: it is not an agreement export")
        if len(attached) > 1:
            raise NotAnAgreement(f"the PDF carries {len(attached)} copies of {ATTACHMENT}")
        raw = attached[0]
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise NotAnAgreement(f"it is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise NotAnAgreement("it is JSON, but not an agreement (not an object)")
    return data


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON document with its path: `stages[0].shared_answers[2].answer`."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from leaves(value, f"{path}[{i}]")
        if not data:
            yield path, []
    else:
        yield path, data


def changed_fields(recorded: Any, claimed: Any) -> list[str]:
    """Each field that differs between the recorded export and the file, with both values."""
    was, now = dict(leaves(recorded)), dict(leaves(claimed))
    found = []
    for path in [*was, *(p for p in now if p not in was)]:
        before, after = was.get(path, _MISSING), now.get(path, _MISSING)
        if before != after or type(before) is not type(after):
            found.append(f"{path}: exported {_shown(before)}, the file says {_shown(after)}")
    return found


_MISSING = object()


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "nothing (no such field)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _content_digest(data: dict[str, Any]) -> str | None:
    """The digest of a file's content as `issue` computes it (all but `generated_at`)."""
    try:
        return sha256_hex(canonical_json({k: v for k, v in data.items() if k != "generated_at"}))
    except (TypeError, ValueError):
        return None  # a float or other non-canonical value: it was never exported like that


def recorded_content(export: AgreementExport) -> dict[str, Any]:
    """The whole document as it was exported: its stored content and its generation time."""
    content = json.loads(zlib.decompress(export.content))
    return {**content, "generated_at": _generated(export)}


def _generated(export: AgreementExport) -> str:
    return generated_text(export.generated_at)


def _recorded(db: Session, data: dict[str, Any]) -> tuple[AgreementExport | None, list[str]]:
    """The export the file claims to be, and every field in which the file differs from it:
    found by the digest of its content, or else the nearest recorded export."""
    digest = _content_digest(data)
    exact = (
        db.exec(select(AgreementExport).where(AgreementExport.content_digest == digest)).first()
        if digest is not None
        else None
    )
    if exact is not None:
        changes = changed_fields(recorded_content(exact), data)  # its generation time, say
        return exact, [f"changed {c}" for c in changes]
    pid = data.get("partnership_id")
    candidates = list(
        db.exec(select(AgreementExport).where(AgreementExport.partnership_id == pid)).all()
        if isinstance(pid, str)
        else []
    )
    if not candidates:  # perhaps its partnership_id was changed: look for its time instead
        generated = data.get("generated_at")
        candidates = [
            e
            for e in db.exec(
                select(AgreementExport).order_by(col(AgreementExport.created_at).desc()).limit(500)
            )
            if _generated(e) == generated
        ]
    if not candidates:
        return None, [
            f"no export of partnership {pid!r} is recorded in this database: the file was not "
            "exported by this service, or it was changed"
        ]
    contents = {e.id: recorded_content(e) for e in candidates}
    nearest = min(candidates, key=lambda e: len(changed_fields(contents[e.id], data)))
    changes = changed_fields(contents[nearest.id], data)
    shown = [f"changed {c}" for c in changes[:MOST_CHANGES]]
    if len(changes) > MOST_CHANGES:
        shown.append(f"and {len(changes) - MOST_CHANGES} more changed fields")
    return nearest, shown or ["the file differs from every recorded export"]


def _in_chain(db: Session, export: AgreementExport) -> list[str]:
    """The recorded export is the one the audit chain recorded, and is what it says it is."""
    problems = []
    if sha256_hex(zlib.decompress(export.content)) != export.content_digest:
        problems.append("the recorded export was changed in the database since it was exported")
    events = db.exec(
        select(AuditEvent.after).where(
            AuditEvent.chain == export.partnership_id,
            AuditEvent.action == EXPORTED,
            AuditEvent.object_id == export.id,
        )
    ).all()
    wanted = {"content_digest": export.content_digest, "generated_at": _generated(export)}
    if not any({k: (after or {}).get(k) for k in wanted} == wanted for after in events):
        problems.append(
            "the audit chain has no record of this export with this digest and time: the "
            "export record was added or changed in the database behind the service's back"
        )
    return problems


def _head(db: Session, chain: str, audit: Any) -> list[str]:
    """The chain is intact, and still holds the sealed head the document names unchanged."""
    problems = []
    broken = verify_chain(db, chain)
    if broken is not None:
        problems.append(f"audit trail: {broken}")
    if not isinstance(audit, dict):
        return [*problems, "audit: the document has no audit head"]
    exported = {
        "chain": chain,
        "position": audit.get("events"),
        "hash": audit.get("head_hash"),
        "seal": audit.get("seal"),
    }
    try:
        gone = verify_anchor(db, exported)
    except ValueError:
        return [*problems, "audit: the document's head is incomplete (no position, hash or seal)"]
    if gone is not None:
        problems.append(f"audit trail: {gone}")
    return problems


SIGNED_ACTIONS = ("signoff.signed", "funding.signed")


def _source(subject: str) -> Source:
    return FUNDING_SOURCE if subject == FUNDING else STAGE


def _acknowledged_when_signed(
    db: Session, partnership_id: str, signature_ids: list[str]
) -> dict[str, str | None]:
    """Signature id -> the hash of the warnings acknowledged, as its sealed sign event says
    (None when the event predates acknowledgements)."""
    if not signature_ids:
        return {}
    rows = db.exec(
        select(AuditEvent.object_id, AuditEvent.after).where(
            AuditEvent.partnership_id == partnership_id,
            col(AuditEvent.action).in_(SIGNED_ACTIONS),
            col(AuditEvent.object_id).in_(signature_ids),
        )
    ).all()
    return {sid: (after or {}).get("acknowledged_hash") for sid, after in rows if sid}


def _acknowledgement_matches(signature: Signature, recorded: str | None) -> bool:
    """The acknowledgement kept with a signature is the one sealed in its sign event: an
    edit made in the database afterwards (adding, removing or rewording one) shows here."""
    if recorded is None:
        return not signature.acknowledged  # signed before acknowledgements were recorded
    return content_hash(signature.acknowledged or []) == recorded


def signatures_match(db: Session, partnership: Partnership) -> list[str]:
    """Each signature that counts, checked against its content recomputed from the database
    now: a change made behind the service's back (which no sign-off superseded) shows here."""
    counting = [s for s in history(db, partnership.id) if s.current]
    names = {pid: p.name for pid, p in partner_names(db, partnership.id).items()}
    people = {
        u.id: u.name
        for u in db.exec(select(User).where(col(User.id).in_({s.user_id for s in counting})))
    }
    acknowledged = _acknowledged_when_signed(db, partnership.id, [s.id for s in counting])
    problems = []
    by_subject: dict[str, list[Signature]] = {}
    for s in counting:
        by_subject.setdefault(s.subject, []).append(s)
    for subject, found in by_subject.items():
        source = _source(subject)
        now = source.contents(db, partnership, subject, {s.partner_id for s in found})
        for s in found:
            who = (
                f"the {s.role.value} signature of {people.get(s.user_id, s.user_id)} "
                f"({names.get(s.partner_id, s.partner_id)}) on {source.title(db, subject)}"
            )
            if not _acknowledgement_matches(s, acknowledged.get(s.id)):
                problems.append(
                    f"{who}: the warnings it records as acknowledged are not those the audit "
                    "trail recorded when it was signed"
                )
            if content_hash(s.content) != s.content_hash:
                problems.append(f"{who}: its stored content no longer matches its hash")
            elif content_hash(now[s.partner_id]) != s.content_hash:
                problems.append(
                    f"{who}: the database no longer matches what was signed (answers or "
                    "figures were changed without the signature being superseded)"
                )
    return problems


def verify(db: Session, data: dict[str, Any]) -> list[str]:
    """Every problem with an exported agreement (its data, as `read_document` gives it) and
    the records behind it; an empty list when it is valid."""
    export, problems = _recorded(db, data)
    if export is None:
        return problems
    problems += _in_chain(db, export)
    problems += _head(db, export.partnership_id, recorded_content(export).get("audit"))
    partnership = db.get(Partnership, export.partnership_id)
    if partnership is None:
        return [*problems, f"partnership {export.partnership_id}: not in this database"]
    return problems + signatures_match(db, partnership)
