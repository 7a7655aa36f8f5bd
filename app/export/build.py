"""Gathering the agreement summary from the database, and verifying an exported one later."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.audit.service import head_hash, verify_chain
from app.core.canonical import content_hash
from app.core.database import utcnow
from app.export.schema import (
    Agreement,
    AnswerEntry,
    AuditEntry,
    FundingEntry,
    FundingRowEntry,
    PartnerEntry,
    ReadinessEntry,
    RiskEntry,
    SignOffEntry,
    StageEntry,
)
from app.funding.formula import percent
from app.funding.service import state as funding_state
from app.identity.models import User
from app.partnerships.models import Partnership
from app.partnerships.service import partner_names
from app.readiness import service as readiness
from app.risks.service import list_risks
from app.signatures.models import FUNDING, Decision, Signature
from app.signatures.service import history, statuses
from app.wizard.definition import Roadmap
from app.wizard.models import SHARED_SCOPE
from app.wizard.progress import display_value
from app.wizard.service import shared_answers

HOW_TO_VERIFY = (
    "Every change in the partnership is an audit event carrying the SHA-256 of the event before "
    "it, so the last event's hash (above) fixes the whole history up to this document. To check "
    "that this document matches the service's records, run `roadmap agreement verify FILE.json` "
    "on the service with the JSON export: it recomputes each sign-off's content hash and checks "
    "that the audit chain is intact and contains this head. `roadmap audit verify --partnership "
    "ID` checks the chain alone."
)


def _money(value: Any) -> str:
    return format(value, "f")


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

    stages = []
    for stage in roadmap.stages:
        if stage.kind != "dimension":
            continue
        status = standing[stage.key]
        shared = []
        for q in stage.questions:
            value = answers.get((stage.key, q.key, SHARED_SCOPE))
            shown = display_value(q.type, value, {o.value: o.label for o in q.options})
            if q.scope == "shared":
                shared.append(
                    AnswerEntry(key=q.key, question=q.label, answer=shown or "Not answered")
                )
        stages.append(
            StageEntry(
                key=stage.key,
                number=stage.number,
                title=stage.title,
                agreed=status.agreed,
                signed_by=len(status.signed),
                partners=status.required,
                shared_answers=shared,
            )
        )

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
        )
        for s in signatures
        if s.decision is Decision.SIGNED
    ]
    register.sort(key=lambda e: (e.signed_at, e.partner_id))

    proposal, table = funding.proposal, funding.table
    assessment = readiness.current(db, partnership, roadmap)
    snapshots = readiness.snapshots(db, partnership.id)
    latest = snapshots[0] if snapshots else None
    data = latest.data if latest else readiness.to_data(assessment, per_partner=False)
    events = db.exec(select(func.count()).where(AuditEvent.chain == partnership.id)).one()
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
        funding=FundingEntry(
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
            head_hash=head_hash(db, partnership.id),
            events=events,
            how_to_verify=HOW_TO_VERIFY,
        ),
    )


def verify(db: Session, exported: Agreement) -> list[str]:
    """Check an exported agreement against the database; empty when every part is valid."""
    problems: list[str] = []
    if db.get(Partnership, exported.partnership_id) is None:
        return [f"partnership {exported.partnership_id}: not in this database"]
    rows = {
        (s.partner_id, s.subject, s.role.value, s.content_hash): s
        for s in history(db, exported.partnership_id)
    }
    for entry in exported.signoffs:
        row: Signature | None = rows.get(
            (
                entry.partner_id,
                FUNDING if entry.kind == "funding" else entry.stage or "",
                entry.role,
                entry.content_hash,
            )
        )
        where = f"sign-off by {entry.person} ({entry.organisation}, {entry.role}"
        where += f", {entry.stage})" if entry.stage else ")"
        if row is None:
            problems.append(f"{where}: no such sign-off with hash {entry.content_hash}")
        elif content_hash(row.content) != entry.content_hash:
            problems.append(f"{where}: the signed content no longer matches its hash")
    broken = verify_chain(db, exported.partnership_id)
    if broken is not None:
        problems.append(f"audit trail: {broken}")
    head = db.exec(
        select(AuditEvent).where(
            AuditEvent.chain == exported.partnership_id, AuditEvent.hash == exported.audit.head_hash
        )
    ).first()
    if head is None:
        problems.append(f"audit trail: no event has the head hash {exported.audit.head_hash}")
    elif head.position != exported.audit.events:
        problems.append(
            f"audit trail: the head hash is event {head.position}, but the document "
            f"counts {exported.audit.events} events"
        )
    return problems
