"""The JSON shapes of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The example page's older event, whose hash the newer one follows.
_OLDER_HASH = "5f707621ffc5b683943a95ed564d7d7e23aed690764ed6881eeb5ae4f5b1aa4f"


class AuditEventOut(BaseModel):
    id: str
    position: int
    at: datetime
    actor_id: str | None
    actor_name: str | None
    actor_organisation: str | None = Field(
        default=None, description="The actor's organisation (null for the service's own events)"
    )
    action: str
    object_type: str
    object_id: str | None
    before: Any
    after: Any = Field(
        description="What the change left. Partners score blind: another partner's readiness "
        "score you may not see yet has `value` null and `withheld` true (the hash covers it)"
    )
    request_id: str | None
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    """Newest first; `next_cursor` is the position to ask for older events, or null at the end."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": "2c9f9add07d36e9cb1329d0479165ab2",
                            "position": 12,
                            "at": "2026-11-23T09:40:00Z",
                            "actor_id": "d0a6d22c80cd2564b96d25e6e01ba649",
                            "actor_name": "Daniel Okafor",
                            "action": "risk.updated",
                            "object_type": "risk",
                            "object_id": "7734754f2b3db10b8396eebeb011dd3e",
                            "before": {"likelihood": 4, "version": 1},
                            "after": {"likelihood": 3, "version": 2},
                            "request_id": "0140795b7edd1f64",
                            "prev_hash": _OLDER_HASH,
                            "hash": "e07831936eebd7933881b62ae53fe5df"
                            "edaf6667cfe581adee9870764dfad925",
                        },
                        {
                            "id": "9d5dd1893f147e423843552dd8c77b12",
                            "position": 11,
                            "at": "2026-11-22T16:50:00Z",
                            "actor_id": "a932c0b78e3e50ca953e0e1a127975b8",
                            "actor_name": "Helen Morris",
                            "action": "risk.updated",
                            "object_type": "risk",
                            "object_id": "eefa58fb0ce7be7e7d87e09f29631c20",
                            "before": {"status": "open", "version": 2},
                            "after": {"status": "mitigated", "version": 3},
                            "request_id": "9c3e51a07b2d48f6",
                            "prev_hash": "28423214ac4943aea22f6297343e6572"
                            "dd0178ffdbc836ead2e3806431ec7fe3",
                            "hash": _OLDER_HASH,
                        },
                    ],
                    "next_cursor": "11",
                }
            ]
        }
    )

    items: list[AuditEventOut]
    next_cursor: str | None
