"""Readiness as it stands, gathered from the database; snapshots frozen by the lead."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.audit.service import Actor, record
from app.core.canonical import content_hash
from app.core.database import utcnow
from app.partnerships.models import Partnership
from app.readiness.models import ReadinessSnapshot
from app.readiness.scoring import Assessment, PartnerScores, assess
from app.risks.service import open_high_without_mitigation
from app.signatures.models import FUNDING
from app.signatures.service import statuses
from app.wizard.definition import Roadmap
from app.wizard.service import active_partners, readiness_scores


def current(db: Session, partnership: Partnership, roadmap: Roadmap) -> Assessment:
    """The readiness assessment as the partnership stands now."""
    partners = active_partners(db, partnership.id)
    by_partner: dict[str, dict[tuple[str, str], Any]] = {p.id: {} for p, _ in partners}
    for stage, key, scope, value in readiness_scores(db, partnership.id, roadmap):
        if scope in by_partner:
            by_partner[scope][(stage, key)] = value
    scores = [
        PartnerScores(partner_id=partner.id, name=organisation.name, scores=by_partner[partner.id])
        for partner, organisation in partners
    ]
    dimensions = [s.key for s in roadmap.stages if s.kind == "dimension"]
    agreed = {
        key: found.agreed
        for key, found in statuses(db, partnership.id, [*dimensions, FUNDING]).items()
    }
    stages_agreed = {key: agreed[key] for key in dimensions}
    risks = [
        (r.id, r.title) for r in open_high_without_mitigation(db, partnership_id=partnership.id)
    ]
    return assess(
        roadmap,
        scores,
        funding_agreed=agreed[FUNDING],
        stages_agreed=stages_agreed,
        risks=risks,
        today=utcnow().date(),
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def to_data(assessment: Assessment) -> dict[str, Any]:
    """The assessment as canonical JSON-ready data (numbers as strings), for snapshots."""
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
                "partners": {
                    p.partner_id: {
                        "score": _text(p.score),
                        "rag": p.rag.value,
                        "scored": p.scored,
                        "total": p.total,
                    }
                    for p in s.partners
                },
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


def collect(
    db: Session, actor: Actor, *, partnership: Partnership, roadmap: Roadmap, user_id: str
) -> ReadinessSnapshot:
    """Freeze the assessment as it stands, with who collected it and when."""
    data = to_data(current(db, partnership, roadmap))
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
