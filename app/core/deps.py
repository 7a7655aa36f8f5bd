"""The database session every request uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.core.database import open_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """A session per request (a writer unless the method is safe). Routes commit explicitly.

    Its `info` carries what work done at commit time needs: the base URL for links in
    notifications, and the roadmap in force.
    """
    state = request.app.state
    with open_session(
        state.engine,
        write=request.method not in SAFE_METHODS,
        info={"base_url": state.settings.base_url, "roadmap": state.roadmap},
    ) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_roadmap_version(request: Request) -> str:
    """The version of the roadmap in force, which a new partnership is pinned to."""
    return str(request.app.state.roadmap.version)


RoadmapVersion = Annotated[str, Depends(get_roadmap_version)]
