"""Signing, declining, revoking; and the one hook that supersedes signatures whose content
changed, run in the same transaction as the change.

How a change reaches the hook: the domain that owns a subject's content listens for changes
to the rows it is built from (SQLAlchemy mapper events on answers, the funding proposal, a
partner's status...) and calls `touch`. Just before the transaction commits, `settle` takes
the subject's lock, recomputes the content of every signature that counts on it, and
supersedes the ones whose hash no longer matches; then it brings the Day 1 flag up to date.

Why this cannot race: `sign` takes the same lock before it reads the content it binds to. On
PostgreSQL (READ COMMITTED) a signature and a change that run at once are serialised by that
lock: whichever comes second sees the first's committed rows, so either the signer reads the
new content (and is refused, if it is not what they were shown) or the change finds the new
signature and supersedes it. On SQLite the lock is the database's write lock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import SYSTEM, Actor, record, transaction_actor
from app.core.database import before_commit, fetch, lock, utcnow
from app.identity.models import User
from app.identity.passwords import verify_password
from app.notify.service import Ask, named, people, tell
from app.partnerships.models import Partnership, Role
from app.partnerships.permissions import Membership
from app.signatures.models import FUNDING, Decision, Signature, SignRole
from app.signatures.service import (
    Change,
    Source,
    changes_since,
    current_signatures,
    hash_of,
    roles_for,
    status,
)


class SignatureProblem(ValueError):
    """The decision cannot be recorded; the message is written for the signer.

    The base class is bad input (a blank reason); the kinds below tell the API which status
    to answer with, so that no caller has to read the message.
    """


class NotAllowed(SignatureProblem):
    """This person may not do this: not their role, or the password re-entered is wrong."""


class WrongPassword(NotAllowed):
    """The password re-entered to sign is not the signer's."""


class NotNow(SignatureProblem):
    """The subject's state stops it: unanswered questions, already signed, no longer current."""


class Unacknowledged(SignatureProblem):
    """An open consistency warning was not acknowledged: nothing was signed."""

    def __init__(self, keys: list[str]) -> None:
        super().__init__(
            "Confirm that you have read each open warning before signing: " + ", ".join(keys)
        )
        self.keys = keys


class ContentChanged(NotNow):
    """The content changed since the signer was shown it: nothing was signed."""

    def __init__(self, shown: str, current: str, content: dict[str, Any]) -> None:
        super().__init__(
            "The content changed while you were reviewing it, so nothing was signed. "
            "Review what changed and sign again."
        )
        self.shown_hash, self.current_hash, self.content = shown, current, content


def _lock(db: Session, partnership_id: str, subject: str) -> None:
    lock(db, f"signatures:{partnership_id}:{subject}")


def _base_url(db: Session) -> str:
    return str(db.info.get("base_url", ""))


# --- The superseding hook ---------------------------------------------------------------------

_TOUCHED = "signatures.touched"


@dataclass
class _Touch:
    source: Source
    partners: set[str] | None  # None: every partner's content may have changed
    cause: dict[str, Any] = field(default_factory=dict)


def touch(
    db: sa.orm.Session,
    *,
    partnership_id: str,
    subject: str,
    source: Source,
    partner_id: str | None = None,
    cause: dict[str, Any] | None = None,
) -> None:
    """Note that a subject's content may have changed (for one partner, or for all): before
    this transaction commits, the signatures that no longer match are superseded."""
    touches: dict[tuple[str, str], _Touch] = db.info.setdefault(_TOUCHED, {})
    found = touches.get((partnership_id, subject))
    if found is None:
        touches[(partnership_id, subject)] = _Touch(
            source, None if partner_id is None else {partner_id}, dict(cause or {})
        )
    elif found.partners is not None:
        if partner_id is None:
            found.partners = None
        else:
            found.partners.add(partner_id)


@before_commit(order=10)
def settle(db: Session) -> None:
    """Supersede every signature whose content a change in this transaction altered (rule 1)."""
    for _round in range(10):  # superseding changes nothing that is watched; once is enough
        touches: dict[tuple[str, str], _Touch] = db.info.pop(_TOUCHED, {})
        if not touches:
            return
        for (partnership_id, subject), found in touches.items():
            _settle_subject(db, partnership_id, subject, found)
        db.flush()


def _settle_subject(db: Session, partnership_id: str, subject: str, found: _Touch) -> None:
    _lock(db, partnership_id, subject)
    current = current_signatures(db, partnership_id, subject, found.partners)
    if current:
        partnership = fetch(db, Partnership, partnership_id)
        contents = found.source.contents(db, partnership, subject, {s.partner_id for s in current})
        stale = [s for s in current if hash_of(contents.get(s.partner_id)) != s.content_hash]
        if stale:
            _supersede(db, partnership, subject, found, stale)
    if subject == FUNDING:
        refresh_funding_agreed(db, partnership_id)


def _supersede(
    db: Session, partnership: Partnership, subject: str, found: _Touch, stale: list[Signature]
) -> None:
    changer = db.get(User, found.cause["user_id"]) if found.cause.get("user_id") else None
    actor = transaction_actor(db) or SYSTEM
    title = found.source.title(db, subject)
    cause = {**found.cause, "user_name": changer.name if changer else None}
    signers = {
        u.id: u for u in db.exec(select(User).where(col(User.id).in_({s.user_id for s in stale})))
    }
    for signature in stale:
        signature.superseded_at, signature.superseded_by = utcnow(), cause
        record(
            db,
            actor,
            "funding.superseded" if subject == FUNDING else "signoff.superseded",
            object_type="signature",
            object_id=signature.id,
            partnership_id=partnership.id,
            after={"subject": subject, "role": signature.role.value, **found.cause},
        )
    db.flush()
    standing = status(db, partnership.id, subject)
    ask = Ask(
        what=f"Review what changed in {title} and sign it again.",
        due=None,  # neither stages nor funding carry a due date
        done=named(db, standing.signers),
        partners=standing.required,
    )
    for signature in stale:
        signer = signers.get(signature.user_id)
        if signer is not None:
            who = f"{changer.name} changed it" if changer else "it changed"
            tell(
                db,
                [signer],
                partnership_id=partnership.id,
                base_url=_base_url(db),
                link=found.source.sign_page(partnership.id, subject),
                message=f"Your signature on {title} no longer counts: {who} after you signed. "
                "Review what changed and sign again.",
                ask=ask,
            )


def refresh_funding_agreed(db: Session, partnership_id: str) -> None:
    """Bring `Partnership.funding_agreed_at` up to date with the signatures (rule 3)."""
    partnership = fetch(db, Partnership, partnership_id)
    agreed = status(db, partnership_id, FUNDING).agreed
    if agreed and partnership.funding_agreed_at is None:
        partnership.funding_agreed_at = utcnow()
    elif not agreed and partnership.funding_agreed_at is not None:
        partnership.funding_agreed_at = None


@sa.event.listens_for(Session, "after_rollback")
def _forget_touches(db: Session) -> None:
    db.info.pop(_TOUCHED, None)


# --- Signing, declining, revoking ---------------------------------------------------------------


def _holder(member: Membership, role: SignRole) -> None:
    if not member.active or not member.has(Role(role.value)):
        raise NotAllowed(f"Only your organisation's {_ROLE_WORDS[role]} can sign in that role")


_ROLE_WORDS = {
    SignRole.SIGNATORY: "signatory",
    SignRole.CEO: "chief executive",
    SignRole.CFO: "finance director",
}


def sign(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    subject: str,
    source: Source,
    role: SignRole,
    password: str,
    shown_hash: str | None,
    warnings: Mapping[str, str] | None = None,
    acknowledged: Collection[str] = (),
) -> Signature:
    """Sign `subject` for the signer's own partner, bound to its content as it stands.

    `shown_hash` is the hash of the content the signer was shown (None from an API client
    that did not send one): if the content has changed since, ContentChanged and nothing is
    signed. The password is entered again at the moment of signing. `warnings` are the open
    consistency warnings on the subject (key -> message): each must be among `acknowledged`,
    or Unacknowledged and nothing is signed; they are kept with the signature.
    """
    _holder(member, role)
    if role not in roles_for(subject):
        raise NotAllowed(f"{subject} is not signed in the role of {_ROLE_WORDS[role]}")
    user, partnership = member.principal.user, member.partnership
    if not verify_password(user.password_hash, password):
        raise WrongPassword("Your password is not correct")
    _lock(db, partnership.id, subject)  # before reading the content it binds to
    content = source.contents(db, partnership, subject, [member.partner.id])[member.partner.id]
    digest = hash_of(content)
    if shown_hash is not None and shown_hash != digest:
        raise ContentChanged(shown_hash, digest, content)
    refusal = source.refusal(db, partnership, subject, content)
    if refusal:
        raise NotNow(refusal)
    warnings = dict(warnings or {})
    missing = sorted(set(warnings) - set(acknowledged))
    if missing:
        raise Unacknowledged(missing)
    noted = [{"key": k, "message": warnings[k]} for k in sorted(warnings)]
    mine = {s.role: s for s in current_signatures(db, partnership.id, subject, [member.partner.id])}
    if role in mine:
        raise NotNow("Your organisation has already signed this as it stands, in that role")
    if any(s.user_id == user.id for s in mine.values()):
        raise NotAllowed(
            "The chief executive and the finance director must be two different people"
        )
    signature = Signature(
        partnership_id=partnership.id,
        subject=subject,
        partner_id=member.partner.id,
        role=role,
        user_id=user.id,
        decision=Decision.SIGNED,
        content=content,
        content_hash=digest,
        roadmap_version=partnership.roadmap_version,
        acknowledged=noted,
    )
    try:
        with db.begin_nested():
            db.add(signature)
    except IntegrityError:  # someone of the same partner signed in the same role just now
        raise NotNow(
            "Your organisation has already signed this as it stands, in that role"
        ) from None
    record(
        db,
        actor,
        "funding.signed" if subject == FUNDING else "signoff.signed",
        object_type="signature",
        object_id=signature.id,
        partnership_id=partnership.id,
        after={
            "subject": subject,
            "role": role.value,
            "partner_id": member.partner.id,
            "content_hash": digest,
            "acknowledged": [w["key"] for w in noted],
            "acknowledged_hash": hash_of(noted),
        },
    )
    _after_decision(
        db,
        partnership=partnership,
        subject=subject,
        source=source,
        message=f"{user.name} signed {source.title(db, subject)} as "
        f"{_ROLE_WORDS[role]} for their organisation.",
    )
    return signature


def decline(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    subject: str,
    source: Source,
    role: SignRole,
    reason: str,
) -> Signature:
    """Decline to sign, with a reason the other partners will read; a signature of the same
    partner and role that counted stops counting."""
    _holder(member, role)
    reason = reason.strip()
    if not reason:
        raise SignatureProblem("Enter the reason for declining")
    partnership = member.partnership
    _lock(db, partnership.id, subject)
    content = source.contents(db, partnership, subject, [member.partner.id])[member.partner.id]
    for previous in current_signatures(db, partnership.id, subject, [member.partner.id]):
        if previous.role is role:
            previous.revoked_at, previous.revoked_by = utcnow(), member.principal.user.id
            previous.revoke_reason = f"Declined: {reason}"
    signature = Signature(
        partnership_id=partnership.id,
        subject=subject,
        partner_id=member.partner.id,
        role=role,
        user_id=member.principal.user.id,
        decision=Decision.DECLINED,
        reason=reason,
        content=content,
        content_hash=hash_of(content),
        roadmap_version=partnership.roadmap_version,
    )
    db.add(signature)
    db.flush()
    record(
        db,
        actor,
        "signoff.declined",
        object_type="signature",
        object_id=signature.id,
        partnership_id=partnership.id,
        after={"subject": subject, "partner_id": member.partner.id, "reason": reason},
    )
    _after_decision(
        db,
        partnership=partnership,
        subject=subject,
        source=source,
        message=f"{member.principal.user.name} declined to sign {source.title(db, subject)}: "
        f"{reason}",
    )
    return signature


def revoke(
    db: Session, actor: Actor, *, member: Membership, signature: Signature, reason: str
) -> None:
    """Withdraw a signature: by the person who signed, or another holder of the same role at
    the same partner."""
    if signature.partner_id != member.partner.id or not (
        signature.user_id == member.principal.user.id or member.has(Role(signature.role.value))
    ):
        raise NotAllowed(
            "Only the person who signed, or their organisation's "
            f"{_ROLE_WORDS[signature.role]}, can revoke this signature"
        )
    reason = reason.strip()
    if not reason:
        raise SignatureProblem("Enter the reason for revoking")
    _lock(db, signature.partnership_id, signature.subject)
    db.refresh(signature)
    if not signature.current:
        raise NotNow("This signature no longer counts, so there is nothing to revoke")
    signature.revoked_at, signature.revoked_by, signature.revoke_reason = (
        utcnow(),
        member.principal.user.id,
        reason,
    )
    db.flush()
    record(
        db,
        actor,
        "funding.revoked" if signature.subject == FUNDING else "signoff.revoked",
        object_type="signature",
        object_id=signature.id,
        partnership_id=member.partnership.id,
        after={"subject": signature.subject, "role": signature.role.value, "reason": reason},
    )
    if signature.subject == FUNDING:
        refresh_funding_agreed(db, signature.partnership_id)


def _after_decision(
    db: Session, *, partnership: Partnership, subject: str, source: Source, message: str
) -> None:
    """Tell the lead; and everyone, when this decision made the subject agreed."""
    link = source.page(partnership.id, subject)
    tell(
        db,
        people(db, partnership.id, roles=[Role.LEAD]),
        partnership_id=partnership.id,
        message=message,
        link=link,
        base_url=_base_url(db),
        sealed=True,
    )
    was_agreed = subject == FUNDING and partnership.funding_agreed_at is not None
    if subject == FUNDING:
        refresh_funding_agreed(db, partnership.id)
    if not status(db, partnership.id, subject).agreed or was_agreed:
        return
    record(
        db,
        Actor(user_id=None, request_id="system"),
        "funding.agreed" if subject == FUNDING else "stage.agreed",
        object_type="stage",
        object_id=subject,
        partnership_id=partnership.id,
    )
    tell(
        db,
        people(db, partnership.id),
        partnership_id=partnership.id,
        message=f"{source.title(db, subject)[:1].upper()}{source.title(db, subject)[1:]} is "
        "agreed: every partner has signed it.",
        link=link,
        base_url=_base_url(db),
        sealed=True,
    )


def what_changed(signature: Signature, now: dict[str, Any]) -> list[Change]:
    """What differs between what `signature` bound to and `now`."""
    return changes_since(signature.content or {}, now)
