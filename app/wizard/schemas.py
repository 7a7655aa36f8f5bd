"""The JSON shapes of the roadmap API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core import patterns


class AnswerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "business-need",
                    "scope": "shared",
                    "value": "Residents wait too long for benefit decisions.",
                    "version": 3,
                    "updated_by": "d500b1bde35e42369390d11e1caac836",
                    "updated_at": "2026-11-22T10:15:00Z",
                },
                {
                    "key": "business-owner",
                    "scope": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                    "value": {
                        "score": 3,
                        "evidence": "Head of Revenues named owner, CMT minute 14/2026",
                        "evidence_url": None,
                        "valid_until": "2027-03-31",
                    },
                    "version": 1,
                    "updated_by": "d500b1bde35e42369390d11e1caac836",
                    "updated_at": "2026-11-22T10:20:00Z",
                },
            ]
        }
    )
    key: str
    scope: str = Field(description='"shared", or the partner id that owns the answer')
    value: Any
    version: int
    updated_by: str
    updated_at: datetime


# A stage's state, as the task list shows it: answering states until someone signs, then
# signing states (app.wizard.signing.status_label is the one place that decides).
StageStateName = Literal["not_started", "in_progress", "ready", "signed", "changed", "agreed"]
STAGE_STATE_DESCRIPTION = (
    "not_started; in_progress; ready (every required answer given, every partner's part "
    "done: ready for sign-off); signed (by some partners, as it stands); changed (signed, "
    "then the content changed, and no one has signed since); agreed (every active partner "
    "has signed it as it stands). For Day 1, signing means the funding formula's CEO and CFO "
    "signatures."
)


class PartnerStateOut(BaseModel):
    partner_id: str
    organisation: str
    state: Literal["not_started", "in_progress", "complete"] = Field(
        description="How far this partner has got with its own answers and readiness scores"
    )
    scores_submitted: bool


class StageSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "business-scope",
                    "number": 1,
                    "title": "Business scope",
                    "state": "in_progress",
                    "shared_answered": 7,
                    "shared_required": 10,
                    "partners": [
                        {
                            "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                            "organisation": "Northdale District Council",
                            "state": "complete",
                            "scores_submitted": True,
                        },
                        {
                            "partner_id": "e53b56d90cfd454fa66efc9f2b86e9f0",
                            "organisation": "Eastbrook Borough Council",
                            "state": "in_progress",
                            "scores_submitted": False,
                        },
                    ],
                    "hints": [
                        "Staff will move between organisations, but the legal-issues stage does "
                        "not yet say whether TUPE applies or how staff will be transferred or "
                        "seconded. Answer the staff transfer question there before anyone signs."
                    ],
                }
            ]
        }
    )
    key: str
    number: int
    title: str
    state: StageStateName = Field(description=STAGE_STATE_DESCRIPTION)
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key": "business-scope",
                    "title": "Business scope",
                    "state": "in_progress",
                    "questions": [
                        {
                            "key": "business-case-status",
                            "type": "single_choice",
                            "label": "How far has the business case got?",
                            "hint": None,
                            "scope": "shared",
                            "required": True,
                            "options": [
                                {
                                    "value": "outline",
                                    "label": "Outline business case",
                                    "hint": None,
                                },
                                {"value": "full", "label": "Full business case", "hint": None},
                            ],
                            "min": None,
                            "max": None,
                            "max_length": None,
                        }
                    ],
                    "statements": [
                        {
                            "key": "business-owner",
                            "text": "A named senior manager from the service itself owns the "
                            "outcomes of this shared service for our organisation.",
                            "driver": "leadership",
                            "weight": "3",
                            "evidence": "The name and post of the business owner.",
                            "levels": {
                                "0": "We need to start work to understand who should own it.",
                                "1": "We know ownership must sit with the business.",
                                "2": "A business owner is named but not yet active.",
                                "3": "The business owner leads our part of the work.",
                                "4": "The business owner is accountable for the outcomes.",
                            },
                        }
                    ],
                    "shared_answers": [
                        {
                            "key": "business-case-status",
                            "scope": "shared",
                            "value": "outline",
                            "version": 2,
                            "updated_by": "d500b1bde35e42369390d11e1caac836",
                            "updated_at": "2026-11-22T10:15:00Z",
                        }
                    ],
                    "my_answers": [
                        {
                            "key": "business-owner",
                            "scope": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                            "value": {
                                "score": 3,
                                "evidence": "Head of Revenues named owner, CMT minute 14/2026",
                                "evidence_url": None,
                                "valid_until": "2027-03-31",
                            },
                            "version": 1,
                            "updated_by": "d500b1bde35e42369390d11e1caac836",
                            "updated_at": "2026-11-22T10:20:00Z",
                        }
                    ],
                    "other_partners": [
                        {
                            "partner_id": "e53b56d90cfd454fa66efc9f2b86e9f0",
                            "organisation": "Eastbrook Borough Council",
                            "scores_submitted": False,
                            "answers": [],
                        }
                    ],
                    "scores_submitted": True,
                    "hints": [],
                }
            ]
        }
    )
    key: str
    title: str
    state: StageStateName = Field(description=STAGE_STATE_DESCRIPTION)
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 2,
                    "scope": "shared",
                    "old_value": ["revenues-benefits"],
                    "new_value": ["revenues-benefits", "contact-centre"],
                    "changed_by": "1d0ffd6b11dc453e911b1ef4b1bd9fe1",
                    "changed_by_name": "Tom Okafor",
                    "changed_by_organisation": "Northdale District Council",
                    "changed_at": "2026-11-22T10:15:00Z",
                },
                {
                    "version": 2,
                    "scope": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                    "old_value": {
                        "score": 2,
                        "evidence": "Head of Revenues named owner",
                        "evidence_url": None,
                        "valid_until": None,
                    },
                    "new_value": {
                        "score": 3,
                        "evidence": "Head of Revenues named owner, CMT minute 14/2026",
                        "evidence_url": None,
                        "valid_until": "2027-03-31",
                    },
                    "changed_by": "d500b1bde35e42369390d11e1caac836",
                    "changed_by_name": "Priya Shah",
                    "changed_by_organisation": "Eastbrook Borough Council",
                    "changed_at": "2026-11-22T10:20:00Z",
                },
            ]
        }
    )
    version: int
    scope: str
    old_value: Any
    new_value: Any
    changed_by: str
    changed_by_name: str
    changed_by_organisation: str = Field(description="The organisation of the person")
    changed_at: datetime


class CommentIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"body": "Does this include council tax support, or only housing benefit?"}
            ]
        }
    )
    body: str = Field(min_length=1, max_length=5000, pattern=patterns.VISIBLE)


class CommentOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "d02ec8ace14d4539bfd9acfe2ed84515",
                    "key": "services-in-scope",
                    "author": "Tom Okafor",
                    "organisation": "Eastbrook Borough Council",
                    "body": "Does this include council tax support, or only housing benefit?",
                    "created_at": "2026-11-22T10:15:00Z",
                    "resolved_at": "2026-11-23T09:30:00Z",
                }
            ]
        }
    )
    id: str
    key: str
    author: str
    organisation: str
    body: str
    created_at: datetime
    resolved_at: datetime | None
