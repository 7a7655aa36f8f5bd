"""`GET /healthz`: for load balancers and the Docker HEALTHCHECK, and with `?detail=true`, for
operators: figures that domains register in `app.state.health_details` (core imports no
domain), such as the mail backlog. Only counts and ages, never an address or a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from app.core.deps import SessionDep
from app.core.problems import API_ERRORS

router = APIRouter(tags=["health"])

HealthDetail = Callable[[Session], Mapping[str, Any]]


class Health(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "ok"},
                {
                    "status": "ok",
                    "detail": {"outbox": {"waiting": 3, "oldest_waiting_seconds": 1260}},
                },
            ]
        }
    )
    status: str
    detail: dict[str, dict[str, Any]] | None = None


@router.get(
    "/healthz",
    summary="Whether the service and its database answer",
    response_model_exclude_none=True,
    responses={422: API_ERRORS[422]},  # `detail` that is not a boolean
)
def healthz(request: Request, db: SessionDep, detail: bool = False) -> Health:
    """`{"status": "ok"}` when the database answers a query; `detail=true` adds each registered
    figure (the mail outbox: how many mails wait, and how long the oldest has waited)."""
    db.execute(sa.text("SELECT 1"))
    if not detail:
        return Health(status="ok")
    providers: Mapping[str, HealthDetail] = getattr(request.app.state, "health_details", {})
    return Health(status="ok", detail={name: dict(get(db)) for name, get in providers.items()})
