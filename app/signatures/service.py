"""Reading signatures: the subjects they bind to, who has signed what, and where each subject
stands (rule 2: a stage is agreed when every active partner has a current sign-off; rule 3: the
funding formula when every active partner's CEO and CFO, two people, have signed it).

A *source* says what one kind of subject's content is: the stage's answers (the wizard), or the
formula (funding). This domain never reads those tables itself, so it sits below both.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.core.canonical import content_hash
from app.partnerships.models import Partner, Partnership, PartnerStatus
from app.signatures.models import CURRENT_SQL, FUNDING, Decision, Signature, SignRole


class Source(Protocol):
    """One kind of subject: what its signed content is, and how people are pointed at it."""

    def contents(
        self, db: Session, partnership: Partnership, subject: str, partner_ids: Collection[str]
    ) -> dict[str, dict[str, Any]]:
        """The content each partner signs, as it stands (canonical JSON-ready data)."""
        ...

    def refusal(
        self, db: Session, partnership: Partnership, subject: str, content: Any
    ) -> str | None:
        """Why this content cannot be signed yet (unanswered questions, missing figures)."""
        ...

    def title(self, db: Session, subject: str) -> str:
        """The subject as people read it: "Governance", "the funding formula"."""
        ...

    def page(self, partnership_id: str, subject: str) -> str:
        """Where anyone in the partnership sees where it stands."""
        ...

    def sign_page(self, partnership_id: str, subject: str) -> str:
        """Where a signer reviews and signs it."""
        ...


def roles_for(subject: str) -> tuple[SignRole, ...]:
    """The roles that must all sign for a partner: its signatory, or its CEO and CFO."""
    return (SignRole.CEO, SignRole.CFO) if subject == FUNDING else (SignRole.SIGNATORY,)


def hash_of(content: Any) -> str:
    """The SHA-256 a signature stores and shows (of the content's canonical JSON)."""
    return content_hash(content)


CURRENT = sa.text(CURRENT_SQL)


def current_signatures(
    db: Session, partnership_id: str, subject: str, partner_ids: Iterable[str] | None = None
) -> list[Signature]:
    """The signatures that count on a subject (of some partners only, if given)."""
    query = select(Signature).where(
        Signature.partnership_id == partnership_id, Signature.subject == subject, CURRENT
    )
    if partner_ids is not None:
        query = query.where(col(Signature.partner_id).in_(list(partner_ids)))
    return list(db.exec(query).all())


def history(
    db: Session, partnership_id: str, subject: str | None = None, partner_id: str | None = None
) -> list[Signature]:
    """Every decision on a partnership's subjects (or one subject, or one partner's), newest
    first."""
    query = select(Signature).where(Signature.partnership_id == partnership_id)
    if subject is not None:
        query = query.where(Signature.subject == subject)
    if partner_id is not None:
        query = query.where(Signature.partner_id == partner_id)
    return list(db.exec(query.order_by(col(Signature.created_at).desc())).all())


@dataclass(frozen=True)
class PartnerState:
    """One partner's standing on one subject: its latest decision in each role."""

    latest: dict[SignRole, Signature]

    def signed(self, roles: tuple[SignRole, ...]) -> bool:
        """Every role has a current signature, each by a different person."""
        found = [self.latest.get(role) for role in roles]
        people = {s.user_id for s in found if s is not None and s.current}
        return len(people) == len(roles)


@dataclass(frozen=True)
class SubjectStatus:
    """Where one subject stands among the active partners (the one source of sign-off state)."""

    subject: str
    roles: tuple[SignRole, ...]
    active: frozenset[str]  # every active partner, signed or not
    partners: dict[str, PartnerState]  # the active partners that have decided anything
    signed: frozenset[str]  # partners whose every role has signed the content as it stands
    changed: frozenset[str]  # partners that had signed, and the content changed since
    declined: frozenset[str]  # partners whose latest decision is to decline

    @property
    def required(self) -> int:
        return len(self.active)

    def latest(self, partner_id: str, role: SignRole) -> Signature | None:
        """A partner's newest decision in a role, if it has made one."""
        found = self.partners.get(partner_id)
        return found.latest.get(role) if found else None

    @property
    def agreed(self) -> bool:
        return self.required > 0 and len(self.signed) == self.required

    @property
    def signers(self) -> set[str]:
        """Who signed for the partners that have signed (their users' ids), for a mail to name."""
        return {
            signature.user_id
            for partner_id in self.signed
            for signature in self.partners[partner_id].latest.values()
            if signature.current
        }

    @property
    def state(self) -> str | None:
        """agreed, changed (since sign-off), signed (by some), or None: not signed at all."""
        if self.agreed:
            return "agreed"
        if self.changed and not self.signed:
            return "changed"
        if self.signed:
            return "signed"
        return None


def statuses(
    db: Session, partnership_id: str, subjects: Collection[str]
) -> dict[str, SubjectStatus]:
    """Where each subject stands, from each active partner's latest decision in each role.

    Two queries: the active partners, and the newest row per subject, partner and role
    (a window function, so the history behind it is never loaded).
    """
    active = list(
        db.exec(
            select(Partner.id).where(
                Partner.partnership_id == partnership_id, Partner.status == PartnerStatus.ACTIVE
            )
        ).all()
    )
    newest = (
        select(
            Signature,
            sa.func.row_number()
            .over(
                partition_by=(
                    col(Signature.subject),
                    col(Signature.partner_id),
                    col(Signature.role),
                ),
                order_by=col(Signature.created_at).desc(),
            )
            .label("rank"),
        )
        .where(
            Signature.partnership_id == partnership_id, col(Signature.subject).in_(list(subjects))
        )
        .subquery()
    )
    latest = sa.orm.aliased(Signature, newest)
    rows = db.exec(select(latest).where(newest.c.rank == 1)).all()
    by_subject: dict[str, dict[str, dict[SignRole, Signature]]] = {}
    for signature in rows:
        by_subject.setdefault(signature.subject, {}).setdefault(signature.partner_id, {})[
            signature.role
        ] = signature
    result = {}
    members = frozenset(active)
    for subject in subjects:
        roles = roles_for(subject)
        found = by_subject.get(subject, {})
        partners = {pid: PartnerState(latest) for pid, latest in found.items() if pid in members}
        signed = frozenset(pid for pid, state in partners.items() if state.signed(roles))
        declined = frozenset(
            pid
            for pid, state in partners.items()
            if any(s.decision is Decision.DECLINED for s in state.latest.values())
        )
        changed = frozenset(
            pid
            for pid, state in partners.items()
            if pid not in signed
            and pid not in declined
            and any(s.superseded_at is not None for s in state.latest.values())
        )
        result[subject] = SubjectStatus(
            subject, roles, members, partners, signed, changed, declined
        )
    return result


def status(db: Session, partnership_id: str, subject: str) -> SubjectStatus:
    """Where one subject stands."""
    return statuses(db, partnership_id, [subject])[subject]


@dataclass(frozen=True)
class Change:
    """One value that differs from what was signed."""

    key: str
    part: str  # the top-level part of the content: "shared", "own", "terms", "formula"...
    then: Any
    now: Any


def changes_since(signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
    """What changed between the signed content and the content as it stands, part by part."""
    out = []
    for part in sorted(set(signed) | set(now)):
        before, after = signed.get(part), now.get(part)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    out.append(Change(key, part, before.get(key), after.get(key)))
        else:
            out.append(Change(part, part, before, after))
    return out


def stale(
    db: Session,
    partnership: Partnership,
    subject: str,
    source: Source,
    partner_ids: Iterable[str] | None = None,
) -> list[Signature]:
    """The signatures that count on `subject` (of some partners only, if given) but whose
    content no longer matches what they bound to. Outside a transaction that is changing the
    content this is always empty; a non-empty answer means the data was changed behind the
    service's back."""
    current = current_signatures(db, partnership.id, subject, partner_ids)
    if not current:
        return []
    contents = source.contents(db, partnership, subject, {s.partner_id for s in current})
    return [s for s in current if hash_of(contents[s.partner_id]) != s.content_hash]
