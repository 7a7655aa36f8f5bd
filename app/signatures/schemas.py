"""The JSON shapes of signing: the requests, and a signature as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core import patterns


class SignRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"password": "correct horse battery staple"},
                {
                    "password": "correct horse battery staple",
                    "content_hash": (
                        "e539513e43c2cddcecb315a744e23264f545d55081c5749cd5dc228c5549acb6"
                    ),
                    "acknowledged": ["tupe-needs-consultation"],
                },
            ]
        }
    )
    password: str = Field(max_length=1024, description="Your password, entered again to sign")
    content_hash: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="The content hash you were shown (GET the stage's `content_hash`). When "
        "the content has changed since, nothing is signed and the answer is 409 with the "
        "current hash and content.",
    )
    acknowledged: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        default_factory=list,
        max_length=200,
        description="The keys of the open consistency warnings you have read (GET the "
        "stage's `signoffs/preview`). Every open warning must be here, or the answer is 422 "
        "naming the `unacknowledged` keys and nothing is signed.",
    )


class WarningOut(BaseModel):
    key: str = Field(description="The consistency rule's key, stable across roadmap versions")
    message: str


class SignPreview(BaseModel):
    """What a signatory would sign now, and what they must acknowledge to sign it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "stage": "governance",
                    "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                    "content": {
                        "partnership_id": "9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
                        "roadmap_version": "2026.1",
                        "stage": "governance",
                        "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                        "shared": {"decision-body": "company-board"},
                        "own": {"partner-representative": "Director of Resources"},
                    },
                    "content_hash": (
                        "e539513e43c2cddcecb315a744e23264f545d55081c5749cd5dc228c5549acb6"
                    ),
                    "warnings": [
                        {
                            "key": "company-needs-vehicle",
                            "message": "Decisions are to be taken by a company board, but the "
                            "legal-issues stage does not choose a company as the legal vehicle.",
                        }
                    ],
                    "refusal": None,
                }
            ]
        }
    )

    stage: str
    partner_id: str
    content: dict[str, Any] = Field(description="The content that would be signed")
    content_hash: str = Field(description="Its SHA-256: send it back to sign only this")
    warnings: list[WarningOut] = Field(
        description="Open consistency warnings: send every key in `acknowledged` to sign"
    )
    refusal: str | None = Field(
        description="Why it cannot be signed yet (unanswered questions), or null"
    )


class ReasonRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "Our section 151 officer has not yet seen the business case figures."},
                {"reason": "Signed in error: the out-of-scope list is still being agreed."},
            ]
        }
    )
    reason: str = Field(min_length=1, max_length=2000, pattern=patterns.VISIBLE)


class SignatureOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bce7876c01fa4305980e52a782404705",
                    "stage": "business-scope",
                    "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                    "user_id": "d500b1bde35e42369390d11e1caac836",
                    "role": "signatory",
                    "state": "current",
                    "decision": "signed",
                    "reason": None,
                    "content_hash": (
                        "e539513e43c2cddcecb315a744e23264f545d55081c5749cd5dc228c5549acb6"
                    ),
                    "roadmap_version": "2026.1",
                    "created_at": "2026-11-22T10:30:00Z",
                    "current": True,
                    "superseded_at": None,
                    "superseded_by": None,
                    "revoked_at": None,
                },
                {
                    "id": "004fec7d00d0469bb728d8ef700de0ea",
                    "stage": "business-scope",
                    "partner_id": "e53b56d90cfd454fa66efc9f2b86e9f0",
                    "user_id": "1d0ffd6b11dc453e911b1ef4b1bd9fe1",
                    "role": "signatory",
                    "state": "superseded",
                    "decision": "signed",
                    "reason": None,
                    "content_hash": (
                        "165f00efae926a9289546951b9eb1d8a0ed396ae436505edf312529b3748c3c4"
                    ),
                    "roadmap_version": "2026.1",
                    "created_at": "2026-11-20T16:40:00Z",
                    "current": False,
                    "superseded_at": "2026-11-22T10:15:00Z",
                    "superseded_by": {
                        "key": "services-in-scope",
                        "scope": "shared",
                        "user_id": "d500b1bde35e42369390d11e1caac836",
                        "user_name": "Priya Shah",
                    },
                    "revoked_at": None,
                },
            ]
        }
    )
    id: str
    stage: str = Field(description='The stage\'s key, or "funding" for the funding formula')
    partner_id: str
    user_id: str
    role: Literal["signatory", "ceo", "cfo"]
    state: Literal["current", "superseded", "revoked", "declined"] = Field(
        description="Only a current signature counts"
    )
    decision: str
    reason: str | None
    content_hash: str
    roadmap_version: str
    created_at: datetime
    current: bool
    superseded_at: datetime | None
    superseded_by: Any
    revoked_at: datetime | None
    revoke_reason: str | None = Field(
        default=None, description="Why it was revoked, as the person who revoked it gave it"
    )
    acknowledged: list[WarningOut] = Field(
        default_factory=list,
        description="The open consistency warnings the signer acknowledged when signing",
    )
