"""The roadmap in force, as a dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.wizard.definition import Roadmap


def get_roadmap(request: Request) -> Roadmap:
    """The roadmap definition loaded at start-up."""
    roadmap: Roadmap = request.app.state.roadmap
    return roadmap


RoadmapDep = Annotated[Roadmap, Depends(get_roadmap)]
