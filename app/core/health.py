"""`GET /healthz`: for load balancers and the Docker HEALTHCHECK."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from app.core.deps import SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})
    status: str


@router.get("/healthz", summary="Whether the service and its database answer")
def healthz(db: SessionDep) -> Health:
    """`{"status": "ok"}` when the database answers a query."""
    db.execute(sa.text("SELECT 1"))
    return Health(status="ok")
