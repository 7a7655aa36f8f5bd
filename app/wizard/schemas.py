"""The JSON shapes of the roadmap API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AnswerOut(BaseModel):
    key: str
    scope: str = Field(description='"shared", or the partner id that owns the answer')
    value: Any
    version: int
    updated_by: str
    updated_at: datetime


class PartnerStateOut(BaseModel):
    partner_id: str
    organisation: str
    state: str
    scores_submitted: bool


class StageSummary(BaseModel):
    key: str
    number: int
    title: str
    state: str
    shared_answered: int
    shared_required: int
    partners: list[PartnerStateOut]
    hints: list[str]


class OtherPartnerOut(BaseModel):
    partner_id: str
    organisation: str
    scores_submitted: bool
    answers: list[AnswerOut]


class StageDetail(BaseModel):
    key: str
    title: str
    state: str
    questions: list[dict[str, Any]]
    statements: list[dict[str, Any]]
    shared_answers: list[AnswerOut]
    my_answers: list[AnswerOut]
    other_partners: list[OtherPartnerOut] = Field(
        description="Their own answers; their readiness scores only once yours are submitted"
    )
    scores_submitted: bool
    hints: list[str]


class AnswerPut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"value": "Residents wait too long for benefit decisions.", "version": 0},
                {
                    "value": {
                        "score": 3,
                        "evidence": "Board minute 12/2026",
                        "evidence_url": None,
                        "valid_until": "2027-03-31",
                    },
                    "version": 2,
                },
            ]
        }
    )
    value: Any = Field(
        description="In the question type's form (see GET /api/v1/roadmap); null clears it"
    )
    version: int = Field(ge=0, description="The version you read; 0 if never answered")


class RevisionOut(BaseModel):
    version: int
    scope: str
    old_value: Any
    new_value: Any
    changed_by: str
    changed_by_name: str
    changed_at: datetime


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class CommentOut(BaseModel):
    id: str
    key: str
    author: str
    organisation: str
    body: str
    created_at: datetime
    resolved_at: datetime | None
