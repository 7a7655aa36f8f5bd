"""The JSON shapes of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEventOut(BaseModel):
    id: str
    position: int
    at: datetime
    actor_id: str | None
    actor_name: str | None
    action: str
    object_type: str
    object_id: str | None
    before: Any
    after: Any
    request_id: str | None
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None
