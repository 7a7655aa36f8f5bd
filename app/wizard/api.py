"""JSON API for the roadmap definition."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.deps import RoadmapDep
from app.wizard.definition import Roadmap

router = APIRouter(prefix="/api/v1", tags=["roadmap"])


@router.get("/roadmap", summary="The roadmap definition in force")
def get_roadmap_definition(roadmap: RoadmapDep) -> Roadmap:
    """Stages, questions, readiness statements, the scale and the weights."""
    return roadmap
