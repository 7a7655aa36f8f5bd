"""Gathering the agreement summary from the database, and verifying an exported one later."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import GENESIS_HASH, anchor_at
from app.core.database import utcnow
from app.export.schema import (
    AcknowledgedEntry,
    Agreement,
    AnswerEntry,
    AuditEntry,
    AuthorityEntry,
    FundingEntry,
    FundingRowEntry,
    PartnerEntry,
    PartnerFiguresEntry,
    PartnerRecordEntry,
    PartnerStageEntry,
    QuestionEntry,
    ReadinessEntry,
    RiskEntry,
    ScoreEntry,
    SignOffEntry,
    StageEntry,
)
from app.export.service import EXPORTED
from app.funding.formula import percent
from app.funding.models import FundingInput
from app.funding.service import state as funding_state
from app.identity.models import User
from app.partnerships.models import Partnership, PartnerStatus
from app.partnerships.service import PartnerName, partner_names, signing_grants
from app.readiness import service as readiness
from app.risks.service import list_risks
from app.signatures.models import FUNDING
from app.signatures.service import history, statuses
from app.wizard.definition import Question, Roadmap, Stage
from app.wizard.models import SHARED_SCOPE, Answer
from app.wizard.progress import display_value
from app.wizard.service import shared_answers, submissions_of

HOW_TO_VERIFY = (
    "Every change in the partnership is an audit event carrying the SHA-256 of the event before "
    "it, so the head event's hash (above) fixes the whole history up to this document. Exporting "
    "recorded this document's own SHA-256 in that chain. To check the document, run `roadmap "
    "agreement verify FILE` on the service with the JSON export or the PDF (which carries the "
    "JSON): it names any field that differs from what was exported, checks that the chain is "
    "intact and holds this export and its head, and recomputes what each signature that counts "
    "was given for from the service's records. `roadmap audit verify --partnership ID` checks "
    "the chain alone."
)


def _money(value: Any) -> str:
    return format(value, "f")


def content_head(db: Session, chain: str) -> tuple[int, str]:
    """The position and hash of the newest event in the partnership's chain that is not an
    export: what the agreement says fixes its history. Exports are left out because recording
    one would otherwise change the document it records (and the next export, and so on)."""
    found = db.exec(
        select(AuditEvent.position, AuditEvent.hash)
        .where(AuditEvent.chain == chain, AuditEvent.action != EXPORTED)
        .order_by(col(AuditEvent.position).desc())
        .limit(1)
    ).first()
    return (found[0], found[1]) if found else (0, GENESIS_HASH)


def _labels(question: Question) -> dict[str, str]:
    return {o.value: o.label for o in question.options}


def _shared(stage: Stage, answers: dict[tuple[str, str, str], Any]) -> list[AnswerEntry]:
    """A stage's shared answers as people read them."""
    return [
        AnswerEntry(
            key=q.key,
            question=q.label,
            answer=display_value(
                q.type,
                answers.get((stage.key, q.key, SHARED_SCOPE)),
                _labels(q),
            )
            or "Not answered",
        )
        for q in stage.questions
        if q.scope == "shared"
    ]


def _score(value: Any) -> ScoreEntry:
    found = value if isinstance(value, dict) else {}
    score = found.get("score")
    return {
        "score": score if isinstance(score, int) else None,
        "evidence": found.get("evidence") or None,
        "evidence_url": found.get("evidence_url") or None,
        "valid_until": found.get("valid_until") or None,
    }


def _questions(roadmap: Roadmap) -> list[QuestionEntry]:
    """The partner questions and statements that partner records refer to by key."""
    found = []
    for stage in roadmap.stages:
        found += [
            QuestionEntry(stage=stage.key, key=q.key, text=q.label, kind="question")
            for q in stage.questions
            if q.scope == "partner"
        ]
        found += [
            QuestionEntry(stage=stage.key, key=s.key, text=s.text, kind="statement")
            for s in stage.statements
        ]
    return found


def _figure(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _partner_records(
    db: Session,
    partnership_id: str,
    roadmap: Roadmap,
    partners: dict[str, PartnerName],
    inputs: dict[str, FundingInput],
) -> list[PartnerRecordEntry]:
    """Each active partner's own answers, its readiness scores with their evidence (a stage's
    only once every active partner has submitted its own: partners score blind until then,
    and the agreement is one document for all of them), and its funding figures."""
    active = [pid for pid, p in partners.items() if p.status is PartnerStatus.ACTIVE]
    rows = db.connection().execute(
        sa.select(
            col(Answer.stage_key), col(Answer.question_key), col(Answer.scope), col(Answer.value)
        ).where(col(Answer.partnership_id) == partnership_id, col(Answer.scope).in_(active))
    )
    values = {(stage, key, scope): value for stage, key, scope, value in rows}
    submitted = submissions_of(db, partnership_id, active)
    opened = {s.key for s in roadmap.stages if all((s.key, pid) in submitted for pid in active)}
    partner_questions = {
        stage.key: [q for q in stage.questions if q.scope == "partner"] for stage in roadmap.stages
    }
    labels = {(stage.key, q.key): _labels(q) for stage in roadmap.stages for q in stage.questions}
    records = []
    # Built without re-validating (model_construct): every value is made here, from rows the
    # service validated when they were saved, and at 400 partners that is 30,000 entries.
    for pid in active:
        figures = inputs.get(pid)
        stages = [
            PartnerStageEntry.model_construct(
                stage=stage.key,
                answers={
                    q.key: display_value(
                        q.type, values.get((stage.key, q.key, pid)), labels[(stage.key, q.key)]
                    )
                    or "Not answered"
                    for q in partner_questions[stage.key]
                },
                scores={
                    st.key: _score(values.get((stage.key, st.key, pid))) for st in stage.statements
                }
                if stage.key in opened
                else {},
            )
            for stage in roadmap.stages
        ]
        records.append(
            PartnerRecordEntry.model_construct(
                partner_id=pid,
                organisation=partners[pid].name,
                figures=PartnerFiguresEntry.model_construct(
                    population=_figure(figures.population) if figures else None,
                    driver=_figure(figures.driver) if figures else None,
                    budget=_figure(figures.budget) if figures else None,
                    percentage=_figure(figures.percentage) if figures else None,
                ),
                stages=stages,
            )
        )
    return records


def build(db: Session, partnership: Partnership, roadmap: Roadmap) -> Agreement:
    """The agreement summary of a partnership as it stands now."""
    partners = partner_names(db, partnership.id)
    names = {pid: p.name for pid, p in partners.items()}
    answers = shared_answers(db, partnership.id)
    signatures = history(db, partnership.id)
    funding = funding_state(db, partnership, roadmap, every_method=False)
    dimensions = [s.key for s in roadmap.stages if s.kind == "dimension"]
    standing = statuses(db, partnership.id, dimensions)
    people = {
        u.id: u.name
        for u in db.exec(select(User).where(col(User.id).in_({s.user_id for s in signatures})))
    }

    stages = [
        StageEntry(
            key=stage.key,
            number=stage.number,
            title=stage.title,
            agreed=standing[stage.key].agreed,
            signed_by=len(standing[stage.key].signed),
            partners=standing[stage.key].required,
            shared_answers=_shared(stage, answers),
        )
        for stage in roadmap.stages
        if stage.kind == "dimension"
    ]
    day1 = next((s for s in roadmap.stages if s.kind == "funding"), None)

    register = [
        SignOffEntry(
            kind="funding" if s.subject == FUNDING else "stage",
            stage=None if s.subject == FUNDING else s.subject,
            role=s.role.value,
            person=people.get(s.user_id, ""),
            organisation=names.get(s.partner_id, ""),
            partner_id=s.partner_id,
            signed_at=s.created_at,
            content_hash=s.content_hash,
            counts=s.current,
            state=s.state,
            reason=s.revoke_reason if s.revoked_at else s.reason,
            acknowledged=[AcknowledgedEntry(**w) for w in s.acknowledged or []],
        )
        for s in signatures
    ]
    register.sort(key=lambda e: (e.signed_at, e.partner_id))

    proposal, table = funding.proposal, funding.table
    assessment = readiness.current(db, partnership, roadmap)
    snapshots = readiness.snapshots(db, partnership.id)
    latest = snapshots[0] if snapshots else None
    data = latest.data if latest else readiness.to_data(assessment, per_partner=False)
    head_position, head = content_head(db, partnership.id)
    return Agreement(
        partnership_id=partnership.id,
        name=partnership.name,
        service=partnership.service,
        description=partnership.description,
        roadmap_version=partnership.roadmap_version,
        generated_at=utcnow(),
        draft=not (funding.agreed and all(s.agreed for s in stages)),
        verdict=assessment.verdict.value,
        partners=[
            PartnerEntry(
                partner_id=pid, organisation=p.name, is_lead=p.is_lead, status=p.status.value
            )
            for pid, p in partners.items()
        ],
        stages=stages,
        signoffs=register,
        authorities=[
            AuthorityEntry(
                person=g.person,
                organisation=g.organisation,
                partner_id=g.partner_id,
                role=g.role.value,
                authority=g.authority,
                granted_by=g.granted_by,
                granted_at=g.granted_at,
            )
            for g in signing_grants(db, partnership.id)
        ],
        funding=FundingEntry(
            terms=_shared(day1, answers) if day1 else [],
            method=proposal.method.value if proposal else None,
            agreed=funding.agreed,
            content_hash=funding.content_hash,
            one_off_cost=_money(proposal.one_off_cost) if proposal else None,
            annual_cost=_money(proposal.annual_cost) if proposal else None,
            years=proposal.years if proposal else None,
            rows=[
                FundingRowEntry(
                    partner_id=r.partner_id,
                    organisation=r.name,
                    share_percent=percent(r.share),
                    one_off=_money(r.one_off),
                    per_year=[_money(y) for y in r.per_year],
                    total=_money(r.total),
                )
                for r in table.rows
            ]
            if table
            else [],
            grand_total=_money(table.grand_total) if table else None,
        ),
        questions=_questions(roadmap),
        partner_records=_partner_records(db, partnership.id, roadmap, partners, funding.inputs),
        risks=[
            RiskEntry(
                title=r.title,
                stage=r.stage_key,
                likelihood=r.likelihood,
                impact=r.impact,
                score=r.likelihood * r.impact,
                owner=names.get(r.owner_partner_id or ""),
                mitigation=r.mitigation,
                status=r.status.value,
            )
            for r in list_risks(db, partnership_id=partnership.id)
        ],
        readiness=ReadinessEntry(
            collected_at=latest.collected_at if latest else None,
            verdict=data["verdict"],
            dimensions=[
                {"stage": s["title"], "score": s["score"], "rag": s["rag"]}
                for s in data["stages"]
                if s["key"] in {x.key for x in stages}
            ],
            blockers=[b["message"] for b in data["blockers"]],
            snapshot_hash=latest.content_hash if latest else None,
        ),
        audit=AuditEntry(
            chain=partnership.id,
            head_hash=head,
            events=head_position,
            seal=anchor_at(partnership.id, head_position, head)["seal"],
            how_to_verify=HOW_TO_VERIFY,
        ),
    )
