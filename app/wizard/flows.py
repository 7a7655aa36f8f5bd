"""The roadmap's actions: answering, submitting readiness scores, commenting.

Each is one whole action: checked, saved, and recorded in the audit trail in the caller's
transaction (the route commits).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.audit.service import Actor, record
from app.core.database import utcnow
from app.partnerships.permissions import Membership
from app.wizard.definition import Question, Stage
from app.wizard.models import Answer, Comment, ScoreSubmission
from app.wizard.service import answer_scope, answers_of, save_answer, submissions_of
from app.wizard.signing import ask_to_score, ask_when_ready
from app.wizard.values import InvalidValue, normalise, normalise_score

MAX_COMMENT = 5000


class ScoresIncomplete(ValueError):
    """Scores cannot be submitted until every statement has one."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("Score every statement before submitting: " + ", ".join(missing))
        self.missing = missing


def check_value(stage: Stage, key: str, raw: Any) -> Any:
    """The normalised value for a question or statement of `stage` (InvalidValue if not)."""
    item = stage.item(key)
    if item is None:
        raise LookupError(key)
    return normalise(item, raw) if isinstance(item, Question) else normalise_score(item, raw)


def answer(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    stage: Stage,
    key: str,
    value: Any,
    read_version: int,
    base_url: str,
) -> Answer:
    """Save a checked value (from check_value) for the caller's partnership or partner.

    Raises StaleAnswer when someone saved it since `read_version` was read. The signatures
    whose content a change alters are superseded when the transaction commits (see
    `app.signatures.flows`): nothing here needs to know who signed what.
    """
    item = stage.item(key)
    if item is None:
        raise LookupError(key)
    scope = answer_scope(item, member.partner.id)
    before = answers_of(db, member.partnership.id, stage.key, key=key, scope=scope).get(
        (stage.key, key, scope)
    )
    old_value, old_version = (before.value, before.version) if before else (None, 0)
    saved = save_answer(
        db,
        partnership_id=member.partnership.id,
        stage_key=stage.key,
        key=key,
        scope=scope,
        value=value,
        read_version=read_version,
        user_id=member.principal.user.id,
    )
    if saved.version != old_version:
        record(
            db,
            actor,
            "answer.saved",
            object_type="answer",
            object_id=saved.id,
            partnership_id=member.partnership.id,
            before={"value": old_value, "version": old_version},
            after={
                "stage": stage.key,
                "key": key,
                "scope": scope,
                "value": value,
                "version": saved.version,
            },
        )
        ask_when_ready(db, partnership=member.partnership, stage=stage, base_url=base_url)
    return saved


def submit_scores(
    db: Session,
    actor: Actor,
    *,
    member: Membership,
    stage: Stage,
    base_url: str,
) -> None:
    """Submit the partner's readiness scores for a stage; it can then see the other partners'."""
    if (stage.key, member.partner.id) in submissions_of(db, member.partnership.id):
        return
    answers = answers_of(db, member.partnership.id, stage.key, scope=member.partner.id)
    missing = [
        s.text
        for s in stage.statements
        if (found := answers.get((stage.key, s.key, member.partner.id))) is None
        or found.value is None
    ]
    if missing:
        raise ScoresIncomplete(missing)
    submission = ScoreSubmission(
        partnership_id=member.partnership.id,
        stage_key=stage.key,
        partner_id=member.partner.id,
        submitted_by=member.principal.user.id,
    )
    db.add(submission)
    db.flush()
    record(
        db,
        actor,
        "scores.submitted",
        object_type="stage",
        object_id=stage.key,
        partnership_id=member.partnership.id,
        after={"partner_id": member.partner.id},
    )
    ask_to_score(db, partnership=member.partnership, scorer=member.partner, base_url=base_url)
    ask_when_ready(db, partnership=member.partnership, stage=stage, base_url=base_url)


def add_comment(
    db: Session, actor: Actor, *, member: Membership, stage: Stage, key: str, body: str
) -> Comment:
    """Comment on a question or statement."""
    if stage.item(key) is None:
        raise LookupError(key)
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise InvalidValue("Enter a comment")
    if len(body) > MAX_COMMENT:
        raise InvalidValue(f"Comment must be {MAX_COMMENT:,} characters or fewer")
    comment = Comment(
        partnership_id=member.partnership.id,
        stage_key=stage.key,
        question_key=key,
        author_id=member.principal.user.id,
        partner_id=member.partner.id,
        body=body,
    )
    db.add(comment)
    db.flush()
    record(
        db,
        actor,
        "comment.added",
        object_type="comment",
        object_id=comment.id,
        partnership_id=member.partnership.id,
        after={"stage": stage.key, "key": key, "body": body},
    )
    return comment


def resolve_comment(db: Session, actor: Actor, *, member: Membership, comment: Comment) -> None:
    """Mark a comment resolved (any active officer of any partner may)."""
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = utcnow(), member.principal.user.id
        record(
            db,
            actor,
            "comment.resolved",
            object_type="comment",
            object_id=comment.id,
            partnership_id=member.partnership.id,
        )
