"""The JSON shapes of the sign-off API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class SignRequest(BaseModel):
    password: str = Field(max_length=1024, description="Your password, entered again to sign")


class ReasonRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class SignOffOut(BaseModel):
    id: str
    stage: str
    partner_id: str
    user_id: str
    decision: str
    reason: str | None
    content_hash: str
    roadmap_version: str
    created_at: datetime
    current: bool
    superseded_at: datetime | None
    superseded_by: Any
    revoked_at: datetime | None
