"""Readiness as it stands, gathered from the database; snapshots frozen by the lead."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.core.canonical import content_hash
from app.core.database import utcnow
from app.partnerships.models import Partnership, PartnerStatus
from app.partnerships.service import partner_names
from app.readiness.models import ReadinessSnapshot
from app.readiness.scoring import (
    Assessment,
    Disagreement,
    PartnerScores,
    Rag,
    action_plan,
    assess_figures,
    disagreements,
    visible_to,
)
from app.risks.service import open_high_without_mitigation
from app.signatures.models import FUNDING
from app.signatures.service import statuses
from app.wizard.blind import may_see
from app.wizard.definition import Roadmap
from app.wizard.models import PartnerStage
from app.wizard.progress import Figures
from app.wizard.service import readiness_scores, submissions_of

# Whose action plan to work out: nobody's, some partners', or every partner's.
EVERY_PARTNER = None


def current(
    db: Session,
    partnership: Partnership,
    roadmap: Roadmap,
    *,
    plan_for: Collection[str] | None = (),
    viewer: str | None = None,
) -> Assessment:
    """The readiness assessment as the partnership stands now, from each partner's figures per
    stage (one small row each); with the action plan of the partners in `plan_for` (every
    partner's with EVERY_PARTNER), which needs their statement scores, and their scores by
    driver. With a `viewer` (the
    caller's partner), as that partner may see it: partners score blind (`visible_to`)."""
    partners = [
        (pid, p.name)
        for pid, p in partner_names(db, partnership.id).items()
        if p.status is PartnerStatus.ACTIVE
    ]
    active = {pid for pid, _ in partners}
    wanted = active if plan_for is EVERY_PARTNER else active & set(plan_for)
    # One row per partner and stage, read on the session's connection: the ORM has nothing to
    # add to plain columns, and at 400 partners its row handling was a third of the request.
    # Driver sums (JSON) only for the partners shown in detail: decoding them for everyone
    # cost more than the rest of the assessment.
    drivers = (
        {
            (stage_key, partner_id): found
            for stage_key, partner_id, found in db.connection().execute(
                sa.select(
                    col(PartnerStage.stage_key),
                    col(PartnerStage.partner_id),
                    col(PartnerStage.drivers),
                ).where(
                    col(PartnerStage.partnership_id) == partnership.id,
                    col(PartnerStage.partner_id).in_(wanted),
                )
            )
        }
        if wanted
        else {}
    )
    rows = db.connection().execute(
        sa.select(
            col(PartnerStage.stage_key),
            col(PartnerStage.partner_id),
            col(PartnerStage.given),
            col(PartnerStage.required_given),
            col(PartnerStage.scored),
            col(PartnerStage.weighted),
            col(PartnerStage.weights),
            col(PartnerStage.low),
            col(PartnerStage.evidence_until),
        ).where(col(PartnerStage.partnership_id) == partnership.id)
    )
    found = {
        (key, pid): Figures(
            given,
            required,
            scored,
            weighted,
            weights,
            low,
            until,
            {k: (v[0], v[1], v[2]) for k, v in (drivers.get((key, pid)) or {}).items()},
        )
        for key, pid, given, required, scored, weighted, weights, low, until in rows
        if pid in active
    }
    actions = action_plan(roadmap, _scores(db, partnership.id, roadmap, partners, wanted))
    dimensions = [s.key for s in roadmap.stages if s.kind == "dimension"]
    agreed = {
        key: status.agreed
        for key, status in statuses(db, partnership.id, [*dimensions, FUNDING]).items()
    }
    risks = [
        (r.id, r.title) for r in open_high_without_mitigation(db, partnership_id=partnership.id)
    ]
    assessment = assess_figures(
        roadmap,
        partners,
        found,
        submitted=submissions_of(db, partnership.id),
        actions=actions,
        funding_agreed=agreed[FUNDING],
        stages_agreed={key: agreed[key] for key in dimensions},
        risks=risks,
        today=utcnow().date(),
        drivers_for=wanted,
    )
    return assessment if viewer is None else visible_to(assessment, viewer)


DISAGREEMENTS = 10  # statements shown on the disagreement page


@dataclass(frozen=True)
class Differences:
    """Where partners' readiness scores differ, in the dimensions every partner has submitted."""

    disagreements: list[Disagreement]
    opened: list[str]  # titles of the dimensions every active partner has submitted
    waiting: list[str]  # titles of the dimensions some partner has not submitted yet


def differences(
    db: Session, partnership: Partnership, roadmap: Roadmap, limit: int = DISAGREEMENTS
) -> Differences:
    """The statements on which partners differ most, with each partner's score and evidence:
    only in dimensions that every active partner has submitted (partners score blind)."""
    partners = [
        (pid, p.name)
        for pid, p in partner_names(db, partnership.id).items()
        if p.status is PartnerStatus.ACTIVE
    ]
    ids = [pid for pid, _ in partners]
    submitted = submissions_of(db, partnership.id, ids)
    dimensions = [s for s in roadmap.stages if s.kind == "dimension"]
    opened = {s.key for s in dimensions if ids and all((s.key, pid) in submitted for pid in ids)}
    scores = _scores(db, partnership.id, roadmap, partners, set(ids)) if opened else []
    return Differences(
        disagreements(roadmap, scores, opened, limit),
        [s.title for s in dimensions if s.key in opened],
        [s.title for s in dimensions if s.key not in opened],
    )


def _scores(
    db: Session,
    partnership_id: str,
    roadmap: Roadmap,
    partners: list[tuple[str, str]],
    wanted: set[str],
) -> list[PartnerScores]:
    """The statement scores of the `wanted` partners (nothing is read when there are none)."""
    if not wanted:
        return []
    by_partner: dict[str, dict[tuple[str, str], Any]] = {pid: {} for pid in wanted}
    for stage, key, scope, value in readiness_scores(db, partnership_id, roadmap, wanted):
        by_partner[scope][(stage, key)] = value
    return [
        PartnerScores(partner_id=pid, name=name, scores=by_partner[pid])
        for pid, name in partners
        if pid in wanted
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def to_data(assessment: Assessment, *, per_partner: bool = True) -> dict[str, Any]:
    """The assessment as canonical JSON-ready data (numbers as strings), for snapshots and
    the API; without each partner's score per stage when `per_partner` is False."""
    return {
        "verdict": assessment.verdict.value,
        "today": assessment.today.isoformat(),
        "partners": [{"id": pid, "name": name} for pid, name in assessment.partners],
        "stages": [
            {
                "key": s.stage_key,
                "title": s.title,
                "score": _text(s.score),
                "mean": _text(s.mean),
                "spread": _text(s.spread),
                "rag": s.rag.value,
                "submitted_by": sorted(
                    pid for key, pid in assessment.submitted if key == s.stage_key
                ),
                "partners": {
                    p.partner_id: {
                        "score": _text(p.score),
                        "rag": str(p.rag),
                        "scored": p.scored,
                        "total": p.total,
                        "hidden": p.hidden,
                    }
                    for p in s.partners
                }
                if per_partner
                else {},
            }
            for s in assessment.stages
        ],
        "blockers": [
            {
                "kind": b.kind.value,
                "message": b.message,
                "stage": b.stage_key,
                "partner_id": b.partner_id,
            }
            for b in assessment.blockers
        ],
        "actions": [
            {
                "stage": a.stage_key,
                "statement": a.statement_key,
                "partner_id": a.partner_id,
                "score": a.score,
            }
            for a in assessment.actions
        ],
    }


HIDDEN_SCORE = {"score": None, "rag": str(Rag.NOT_SCORED), "scored": 0, "hidden": True}


def data_visible_to(data: dict[str, Any], viewer: str) -> dict[str, Any]:
    """A snapshot's data as one partner may see it: the same blind-scoring rule (`may_see`) as
    the live assessment, judged by who had submitted when the snapshot was collected. (A
    snapshot from before `submitted_by` was kept shows the viewer only its own scores.)"""
    submitted = {(s["key"], pid) for s in data["stages"] for pid in s.get("submitted_by", [])}

    def seen(stage: str, partner_id: str) -> bool:
        return may_see(submitted, viewer, stage, partner_id)

    return {
        **data,
        "stages": [
            {
                **s,
                "partners": {
                    pid: entry if seen(s["key"], pid) else {**entry, **HIDDEN_SCORE}
                    for pid, entry in s["partners"].items()
                },
            }
            for s in data["stages"]
        ],
        "actions": [a for a in data["actions"] if seen(a["stage"], a["partner_id"])],
    }


def collect(
    db: Session, actor: Actor, *, partnership: Partnership, roadmap: Roadmap, user_id: str
) -> ReadinessSnapshot:
    """Freeze the assessment as it stands, with who collected it and when."""
    data = to_data(current(db, partnership, roadmap, plan_for=EVERY_PARTNER))
    snapshot = ReadinessSnapshot(
        partnership_id=partnership.id,
        collected_by=user_id,
        verdict=data["verdict"],
        data=data,
        content_hash=content_hash(data),
    )
    db.add(snapshot)
    db.flush()
    record(
        db,
        actor,
        "readiness.collected",
        object_type="readiness_snapshot",
        object_id=snapshot.id,
        partnership_id=partnership.id,
        after={"verdict": snapshot.verdict, "content_hash": snapshot.content_hash},
    )
    return snapshot


def snapshots(db: Session, partnership_id: str) -> list[ReadinessSnapshot]:
    """Every snapshot, newest first."""
    return list(
        db.exec(
            select(ReadinessSnapshot)
            .where(ReadinessSnapshot.partnership_id == partnership_id)
            .order_by(col(ReadinessSnapshot.collected_at).desc())
        ).all()
    )


def changes(newer: dict[str, Any], older: dict[str, Any]) -> list[str]:
    """What changed between two snapshots, in words."""
    out = []
    if newer["verdict"] != older["verdict"]:
        out.append(f"Verdict: {older['verdict']} → {newer['verdict']}")
    before = {s["key"]: s for s in older["stages"]}
    for stage in newer["stages"]:
        was = before.get(stage["key"])
        if was and was["score"] != stage["score"]:
            out.append(
                f"{stage['title']}: {was['score'] or 'not scored'} → "
                f"{stage['score'] or 'not scored'}"
            )
    gone = len(older["blockers"]) - len(newer["blockers"])
    if gone:
        out.append(
            f"{abs(gone)} {'fewer' if gone > 0 else 'more'} blocker{'s' if abs(gone) != 1 else ''}"
        )
    return out
