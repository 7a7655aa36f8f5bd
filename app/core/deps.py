"""Dependencies every domain uses: the database session and the roadmap in force."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.core.database import writer
from app.wizard.definition import Roadmap

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """A session per request; writes take the write lock at BEGIN. Routes commit explicitly."""
    engine = request.app.state.engine
    bind = engine if request.method in SAFE_METHODS else writer(engine)
    with Session(bind, expire_on_commit=False) as session:
        yield session


def get_roadmap(request: Request) -> Roadmap:
    """The roadmap definition loaded at start-up."""
    roadmap: Roadmap = request.app.state.roadmap
    return roadmap


SessionDep = Annotated[Session, Depends(get_db)]
RoadmapDep = Annotated[Roadmap, Depends(get_roadmap)]
