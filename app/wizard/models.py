"""Answers to roadmap questions, each with a version, and every revision of them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field, timestamp_field

SHARED_SCOPE = "shared"


_answer_version = sa.Column("version", sa.Integer, nullable=False)


class Answer(SQLModel, table=True):
    """The current value of one question for a partnership (shared) or for one partner.

    `scope` is "shared" or the partner's id: a NOT NULL column, so that the unique constraint
    stops two first saves of the same answer from both succeeding (NULLs never collide).
    `version` is SQLAlchemy's version counter: an update says `WHERE version = <as read>`, so
    that a stale save fails (StaleDataError) on every database, and goes through the ORM, where
    the domains that derive from answers (signatures) see it.
    """

    __table_args__ = (sa.UniqueConstraint("partnership_id", "stage_key", "question_key", "scope"),)
    __mapper_args__ = {"version_id_col": _answer_version, "version_id_generator": False}

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    question_key: str = Field(max_length=60)
    scope: str = Field(max_length=32)
    partner_id: str | None = Field(default=None, foreign_key="partner.id", max_length=32)
    value: Any = Field(sa_type=sa.JSON, nullable=True)
    version: int = Field(default=1, ge=1, sa_column=_answer_version)
    updated_by: str = Field(foreign_key="user.id", max_length=32)
    updated_at: datetime = created_at_field()


class AnswerRevision(SQLModel, table=True):
    """One save of an answer: who, when, the value before and after."""

    __tablename__ = "answer_revision"
    __table_args__ = (sa.UniqueConstraint("answer_id", "version"),)

    id: str = id_field()
    answer_id: str = Field(foreign_key="answer.id", index=True, max_length=32)
    version: int
    old_value: Any = Field(sa_type=sa.JSON, nullable=True)
    new_value: Any = Field(sa_type=sa.JSON, nullable=True)
    changed_by: str = Field(foreign_key="user.id", max_length=32)
    changed_at: datetime = created_at_field()


class ScoreSubmission(SQLModel, table=True):
    """A partner has submitted its readiness scores for a stage: it may now see the others'."""

    __tablename__ = "score_submission"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "stage_key", "partner_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    submitted_by: str = Field(foreign_key="user.id", max_length=32)
    submitted_at: datetime = created_at_field()


class Comment(SQLModel, table=True):
    """A comment on one question, between partners; resolvable."""

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    question_key: str = Field(max_length=60)
    author_id: str = Field(foreign_key="user.id", max_length=32)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    body: str = Field(max_length=5000)
    created_at: datetime = created_at_field()
    resolved_at: datetime | None = timestamp_field()
    resolved_by: str | None = Field(default=None, foreign_key="user.id", max_length=32)


class SignOffRequest(SQLModel, table=True):
    """When a stage became ready for sign-off, and when each partner was last reminded."""

    __tablename__ = "sign_off_request"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "stage_key", "partner_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    requested_at: datetime = created_at_field()
    reminded_at: datetime | None = timestamp_field()


class PartnerStage(SQLModel, table=True):
    """Where one partner stands on one stage: what it has answered of its own items, and the
    sums its readiness score is made of.

    Derived from the partner's own answers on the stage, recomputed from them (never
    incremented) whenever one is saved, in the same transaction (`save_answer`). Pages that
    show every partner read one small row each instead of every answer.
    """

    __tablename__ = "partner_stage"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "stage_key", "partner_id"),)

    id: str = id_field()
    partnership_id: str = Field(foreign_key="partnership.id", index=True, max_length=32)
    stage_key: str = Field(max_length=60)
    partner_id: str = Field(foreign_key="partner.id", max_length=32)
    given: int = 0  # own questions and statements answered
    required_given: int = 0  # of those, the required ones (every statement is required)
    scored: int = 0  # statements with a score
    weighted: int = 0  # sum of weight x score over scored statements, weights in hundredths
    weights: int = 0  # sum of the weights of scored statements, in hundredths
    low: int = 0  # statements scored below the action threshold
    evidence_until: date | None = Field(default=None, sa_type=sa.Date, nullable=True)
    drivers: Any = Field(
        default_factory=dict, sa_type=sa.JSON
    )  # driver -> [weighted, weights, scored]
