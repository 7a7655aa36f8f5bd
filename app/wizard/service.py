"""Saving answers so that nothing is lost: every save names the version it read.

A save against a version that is no longer current is refused with StaleAnswer (the caller
shows both values), never applied. The check is a conditional UPDATE (`WHERE version = read`),
so it holds on PostgreSQL under concurrent requests as well as on SQLite's single writer.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.database import utcnow
from app.wizard.definition import Question
from app.wizard.models import SHARED_SCOPE, Answer, AnswerRevision


class StaleAnswer(Exception):
    """Someone else saved this answer since it was read; `current` is what they saved."""

    def __init__(self, current: Answer | None) -> None:
        super().__init__("the answer has changed since it was read")
        self.current = current


def answer_scope(question: Question, partner_id: str) -> str:
    """Where an answer to `question` lives: the partnership's shared scope or the partner's."""
    return SHARED_SCOPE if question.scope == "shared" else partner_id


def _find(
    db: Session, partnership_id: str, stage_key: str, question_key: str, scope: str
) -> Answer | None:
    return db.exec(
        select(Answer).where(
            Answer.partnership_id == partnership_id,
            Answer.stage_key == stage_key,
            Answer.question_key == question_key,
            Answer.scope == scope,
        )
    ).first()


def save_answer(
    db: Session,
    *,
    partnership_id: str,
    stage_key: str,
    question: Question,
    partner_id: str,
    value: Any,
    read_version: int,
    user_id: str,
) -> Answer:
    """Save a normalised `value` if the answer is still at `read_version` (0: never answered).

    `partner_id` is the caller's partner; it owns the answer when the question is a partner
    question. Saving the same value again is not a change and writes no revision.
    """
    scope = answer_scope(question, partner_id)
    current = _find(db, partnership_id, stage_key, question.key, scope)
    if current is None:
        if read_version != 0:
            raise StaleAnswer(None)
        answer = Answer(
            partnership_id=partnership_id,
            stage_key=stage_key,
            question_key=question.key,
            scope=scope,
            partner_id=None if scope == SHARED_SCOPE else partner_id,
            value=value,
            version=1,
            updated_by=user_id,
            updated_at=utcnow(),
        )
        try:
            with db.begin_nested():
                db.add(answer)
        except IntegrityError:
            # Another first save won the race.
            raise StaleAnswer(_find(db, partnership_id, stage_key, question.key, scope)) from None
        db.add(
            AnswerRevision(
                answer_id=answer.id,
                version=1,
                old_value=None,
                new_value=value,
                changed_by=user_id,
                changed_at=answer.updated_at,
            )
        )
        db.flush()
        return answer

    if current.version != read_version:
        raise StaleAnswer(current)
    if current.value == value:
        return current
    old_value, now = current.value, utcnow()
    result = db.execute(
        sa.update(Answer)
        .where(col(Answer.id) == current.id, col(Answer.version) == read_version)
        .values(value=value, version=read_version + 1, updated_by=user_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.refresh(current)
        raise StaleAnswer(current)
    db.refresh(current)
    db.add(
        AnswerRevision(
            answer_id=current.id,
            version=current.version,
            old_value=old_value,
            new_value=value,
            changed_by=user_id,
            changed_at=now,
        )
    )
    db.flush()
    return current
