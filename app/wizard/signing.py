"""What a stage sign-off binds to, and the stage's part in signing: asking the signatories
once a stage is ready, and reminding them.

A partner's signatory signs the stage's shared answers with its own organisation's answers and
readiness scores (rule 1). The rules of signing (binding, superseding, one current signature)
live in `app.signatures`; this module tells it what a stage's content is and when it changes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from app.notify.service import Ask, named, people, tell
from app.partnerships.models import Partner, Partnership, PartnerStatus, Role
from app.partnerships.service import partner_names
from app.signatures.flows import touch
from app.signatures.models import FUNDING
from app.signatures.service import SubjectStatus, status, statuses
from app.wizard.definition import Question, Stage, Statement
from app.wizard.models import SHARED_SCOPE, Answer, ScoreSubmission, SignOffRequest
from app.wizard.progress import STATE_LABELS, StageProgress, StageState, hints_on
from app.wizard.service import ready_for_sign_off, roadmap_of, shared_answers


def stage_content(
    partnership: Partnership, stage: Stage, partner_id: str, values: dict[tuple[str, str], Any]
) -> dict[str, Any]:
    """The content a partner signs: the stage's shared answers, its own answers and scores,
    and the roadmap version, as canonical JSON-ready data. `values` is (key, scope) -> value."""
    own_items: list[Question | Statement] = [q for q in stage.questions if q.scope == "partner"]
    own_items += stage.statements
    return {
        "partnership_id": partnership.id,
        "roadmap_version": partnership.roadmap_version,
        "stage": stage.key,
        "partner_id": partner_id,
        "shared": {
            q.key: values.get((q.key, SHARED_SCOPE)) for q in stage.questions if q.scope == "shared"
        },
        "own": {i.key: values.get((i.key, partner_id)) for i in own_items},
    }


def unanswered(stage: Stage, content: dict[str, Any]) -> list[Question]:
    """The required questions of `stage` not yet answered in `content`: what stops signing."""
    return [
        q
        for q in stage.questions
        if q.required
        and content["shared" if q.scope == "shared" else "own"].get(q.key) in (None, "", [])
    ]


def missing_required(stage: Stage, content: dict[str, Any]) -> list[str]:
    """The required questions not yet answered, by their labels."""
    return [q.label for q in unanswered(stage, content)]


class StageSource:
    """A stage as a subject of signatures (see `app.signatures.service.Source`)."""

    def contents(
        self, db: Session, partnership: Partnership, subject: str, partner_ids: Collection[str]
    ) -> dict[str, dict[str, Any]]:
        stage = roadmap_of(db).stage(subject)
        if stage is None:
            raise LookupError(f"no stage {subject!r} in the roadmap")
        rows = db.exec(
            select(Answer.question_key, Answer.scope, Answer.value).where(
                Answer.partnership_id == partnership.id,
                Answer.stage_key == subject,
                col(Answer.scope).in_([SHARED_SCOPE, *partner_ids]),
            )
        ).all()
        values = {(key, scope): value for key, scope, value in rows}
        return {pid: stage_content(partnership, stage, pid, values) for pid in partner_ids}

    def refusal(
        self, db: Session, partnership: Partnership, subject: str, content: Any
    ) -> str | None:
        stage = roadmap_of(db).stage(subject)
        if stage is None or stage.kind != "dimension":
            return "Only the nine dimensions are signed off; Day 1 is signed as the formula"
        missing = missing_required(stage, content)
        if missing:
            return "Answer every required question before signing. Not yet answered: " + "; ".join(
                missing
            )
        return None

    def title(self, db: Session, subject: str) -> str:
        stage = roadmap_of(db).stage(subject)
        return stage.title if stage else subject

    def page(self, partnership_id: str, subject: str) -> str:
        return f"/partnerships/{partnership_id}/stages/{subject}"

    def sign_page(self, partnership_id: str, subject: str) -> str:
        return f"/partnerships/{partnership_id}/stages/{subject}/sign"


STAGE = StageSource()


def open_warnings(db: Session, partnership_id: str, stage: Stage) -> dict[str, str]:
    """The consistency warnings open on a stage now (key -> message): what a signatory must
    acknowledge before signing it. From the shared answers only, so it stays cheap."""
    found = hints_on(roadmap_of(db), shared_answers(db, partnership_id), stage.key)
    return {h.key: h.message for h in found}


@sa.event.listens_for(Answer, "after_insert")
@sa.event.listens_for(Answer, "after_update")
def _answer_changed(_mapper: Any, _connection: Any, answer: Answer) -> None:
    """A saved answer may change what the stage's signatures bound to: a shared answer for
    every partner, a partner's own answer for that partner."""
    db = sa.orm.object_session(answer)
    if db is None:
        return
    touch(
        db,
        partnership_id=answer.partnership_id,
        subject=answer.stage_key,
        source=STAGE,
        partner_id=None if answer.scope == SHARED_SCOPE else answer.scope,
        cause={"key": answer.question_key, "scope": answer.scope, "user_id": answer.updated_by},
    )


def status_label(answering: StageState, signed: SubjectStatus) -> tuple[str, str]:
    """A stage's (or Day 1's) state in one place for every page and the API: sign-off states
    take over from answering ones. Returns (key, words): agreed; changed since sign-off;
    signed by k of n; or the answering state (not started, in progress, ready for sign-off).
    The keys are the API's `state` names.
    """
    if signed.agreed:
        return "agreed", "Agreed"
    if signed.state == "changed":
        return "changed", "Changed since sign-off"
    if signed.state == "signed":
        return "signed", f"Signed by {len(signed.signed)} of {signed.required}"
    return answering.value, STATE_LABELS[answering]


def subject_of(stage: Stage) -> str:
    """What a stage's signatures are on: the stage, or for Day 1 the funding formula."""
    return FUNDING if stage.kind == "funding" else stage.key


@dataclass(frozen=True)
class StageStatus:
    """Where one stage stands, answering and signing together: the one source of a stage's
    state for the task list, the stage page, the API and the export."""

    progress: StageProgress
    signed: SubjectStatus

    @property
    def key(self) -> str:
        return status_label(self.progress.state, self.signed)[0]

    @property
    def words(self) -> str:
        return status_label(self.progress.state, self.signed)[1]


def stage_statuses(
    db: Session, partnership_id: str, progress: list[StageProgress]
) -> list[StageStatus]:
    """The state of each stage whose answering `progress` is given, with its signatures."""
    signed = statuses(db, partnership_id, [subject_of(p.stage) for p in progress])
    return [StageStatus(p, signed[subject_of(p.stage)]) for p in progress]


def _stage_link(partnership_id: str, stage: Stage) -> str:
    return f"/partnerships/{partnership_id}/stages/{stage.key}"


def _ask_to_sign(db: Session, partnership_id: str, stage: Stage) -> Ask:
    """What a mail asking a signatory to sign `stage` says has been done, and by whom."""
    found = status(db, partnership_id, subject_of(stage))
    return Ask(
        what=f"Review {stage.title} and sign it off for your organisation, or decline with a "
        "reason.",
        due=None,  # stages carry no due date
        done=named(db, found.signers),
        partners=found.required,
    )


def ask_when_ready(db: Session, *, partnership: Partnership, stage: Stage, base_url: str) -> None:
    """Once a stage is ready for sign-off, tell each partner's signatories (once).

    Called after every answer and submission, so it costs a few counting queries: nothing
    more once every active partner has been asked.
    """
    asked = select(SignOffRequest.partner_id).where(
        SignOffRequest.partnership_id == partnership.id, SignOffRequest.stage_key == stage.key
    )
    unasked = select(Partner.id).where(
        Partner.partnership_id == partnership.id,
        Partner.status == PartnerStatus.ACTIVE,
        col(Partner.id).not_in(asked),
    )
    if not db.exec(select(sa.func.count()).select_from(unasked.subquery())).one():
        return
    if not ready_for_sign_off(db, partnership.id, stage):
        return
    for partner_id in sorted(db.exec(unasked).all()):
        db.add(
            SignOffRequest(
                partnership_id=partnership.id, stage_key=stage.key, partner_id=partner_id
            )
        )
        tell(
            db,
            people(db, partnership.id, roles=[Role.SIGNATORY], partner_ids=[partner_id]),
            partnership_id=partnership.id,
            base_url=base_url,
            link=f"{_stage_link(partnership.id, stage)}/sign",
            message=f"{stage.title} is ready for your organisation to sign off.",
            ask=_ask_to_sign(db, partnership.id, stage),
        )
    db.flush()


def ask_to_score(db: Session, *, partnership: Partnership, scorer: Partner, base_url: str) -> None:
    """When a partnership's first readiness scores are submitted, ask every other active
    partner's officers and partner leads, at once, to score theirs.

    Once per partnership, on the first submission only: an ask per stage would be nine mails
    for the same job, which is what issue 12 found people stop reading.
    """
    submitted = db.exec(
        select(sa.func.count())
        .select_from(ScoreSubmission)
        .where(ScoreSubmission.partnership_id == partnership.id)
    ).one()
    if submitted != 1:
        return
    others = list(
        db.exec(
            select(Partner.id).where(
                Partner.partnership_id == partnership.id,
                Partner.status == PartnerStatus.ACTIVE,
                Partner.id != scorer.id,
            )
        ).all()
    )
    if not others:
        return
    names = partner_names(db, partnership.id, [scorer.id])
    dimensions = [s for s in roadmap_of(db).stages if s.statements]
    tell(
        db,
        people(db, partnership.id, roles=[Role.OFFICER, Role.PARTNER_LEAD], partner_ids=others),
        partnership_id=partnership.id,
        base_url=base_url,
        link=f"/partnerships/{partnership.id}/roadmap",
        message=f"{names[scorer.id].name} has started scoring readiness: score and submit "
        "your organisation's readiness on each stage.",
        ask=Ask(
            what=f"Score your organisation's readiness statements on each of the "
            f"{len(dimensions)} stages, with evidence, and submit them",
            done=[names[scorer.id].name],
            partners=len(others) + 1,
        ),
    )


def remind(db: Session, *, now: datetime, every: timedelta, base_url: str) -> int:
    """Remind signatories of sign-offs outstanding longer than `every`, at most once per
    `every` for each partner and stage. Returns how many reminders went out."""
    roadmap = roadmap_of(db)
    sent = 0
    for request in db.exec(select(SignOffRequest)).all():
        last = request.reminded_at or request.requested_at
        if now - last < every:
            continue
        stage = roadmap.stage(request.stage_key)
        if stage is None:
            continue
        found = status(db, request.partnership_id, request.stage_key)
        if request.partner_id not in found.active or request.partner_id in found.signed:
            continue  # withdrawn, or signed
        waiting = (now - request.requested_at).days
        tell(
            db,
            people(
                db, request.partnership_id, roles=[Role.SIGNATORY], partner_ids=[request.partner_id]
            ),
            partnership_id=request.partnership_id,
            base_url=base_url,
            link=f"{_stage_link(request.partnership_id, stage)}/sign",
            message=f"Reminder: {stage.title} has been waiting {waiting} days for your "
            "organisation's sign-off.",
            ask=_ask_to_sign(db, request.partnership_id, stage),
        )
        request.reminded_at = now
        sent += 1
    return sent
