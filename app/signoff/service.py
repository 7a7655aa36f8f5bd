"""What a sign-off binds: the canonical content of a stage for one partner, and its hash."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.core.canonical import content_hash
from app.partnerships.models import Partnership
from app.signoff.models import SignOff
from app.wizard.definition import Question, Stage
from app.wizard.models import SHARED_SCOPE, Answer


def stage_content(
    partnership: Partnership,
    stage: Stage,
    partner_id: str,
    answers: dict[tuple[str, str, str], Answer],
) -> dict[str, Any]:
    """The content a partner signs: the stage's shared answers, its own answers and scores,
    and the roadmap version, as canonical JSON-ready data."""

    def value(key: str, scope: str) -> Any:
        found = answers.get((stage.key, key, scope))
        return found.value if found else None

    shared = [q for q in stage.questions if q.scope == "shared"]
    own_items: list[Question | Any] = [q for q in stage.questions if q.scope == "partner"]
    own_items += stage.statements
    return {
        "partnership_id": partnership.id,
        "roadmap_version": partnership.roadmap_version,
        "stage": stage.key,
        "partner_id": partner_id,
        "shared": {q.key: value(q.key, SHARED_SCOPE) for q in shared},
        "own": {i.key: value(i.key, partner_id) for i in own_items},
    }


def hash_of(content: dict[str, Any]) -> str:
    """The SHA-256 a sign-off stores and shows."""
    return content_hash(content)


def missing_required(stage: Stage, content: dict[str, Any]) -> list[str]:
    """The required questions not yet answered, by their labels."""

    def empty(v: Any) -> bool:
        return v in (None, "", [])

    return [
        q.label
        for q in stage.questions
        if q.required and empty(content["shared" if q.scope == "shared" else "own"].get(q.key))
    ]


def signoffs_of(db: Session, partnership_id: str, stage_key: str | None = None) -> list[SignOff]:
    """Every sign-off decision of a partnership (or stage), newest first."""
    query = select(SignOff).where(SignOff.partnership_id == partnership_id)
    if stage_key is not None:
        query = query.where(SignOff.stage_key == stage_key)
    return list(db.exec(query.order_by(col(SignOff.created_at).desc())).all())


@dataclass(frozen=True)
class StageAgreement:
    """Where one stage stands on sign-off."""

    signed: set[str]  # partner ids with a current sign-off
    declined: dict[str, SignOff]  # latest decision is a decline
    changed: set[str]  # had signed, then the content changed
    required: int  # active partners

    @property
    def agreed(self) -> bool:
        return self.required > 0 and len(self.signed) >= self.required


def agreement(
    signoffs: list[SignOff], stage_key: str, active_partner_ids: list[str]
) -> StageAgreement:
    """Rule 2: a stage is agreed when every active partner has a current sign-off."""
    signed: set[str] = set()
    declined: dict[str, SignOff] = {}
    changed: set[str] = set()
    latest: dict[str, SignOff] = {}
    for s in signoffs:  # newest first
        if s.stage_key == stage_key and s.partner_id in active_partner_ids:
            latest.setdefault(s.partner_id, s)
    for partner_id, s in latest.items():
        if s.current:
            signed.add(partner_id)
        elif s.decision.value == "declined" and s.revoked_at is None:
            declined[partner_id] = s
        elif s.superseded_at is not None:
            changed.add(partner_id)
    return StageAgreement(signed, declined, changed, len(active_partner_ids))


@dataclass(frozen=True)
class Change:
    """One answer that differs from what was signed."""

    key: str
    part: str  # "shared" or "own"
    then: Any
    now: Any


def changes_since(signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
    """What changed between the signed content and the content as it stands."""
    out = []
    for part in ("shared", "own"):
        keys = sorted(set(signed.get(part, {})) | set(now.get(part, {})))
        for key in keys:
            before, after = signed.get(part, {}).get(key), now.get(part, {}).get(key)
            if before != after:
                out.append(Change(key, part, before, after))
    return out


def stage_label(state_label: str, agreement: StageAgreement) -> tuple[str, str]:
    """A stage's state for the task list: sign-off states take over from answering ones.

    Returns (key, words): agreed; changed since sign-off; signed by k of n; or the answering
    state passed in.
    """
    if agreement.agreed:
        return "agreed", "Agreed"
    if agreement.changed and not agreement.signed:
        return "changed", "Changed since sign-off"
    if agreement.signed:
        return "signed", f"Signed by {len(agreement.signed)} of {agreement.required}"
    return "", state_label
