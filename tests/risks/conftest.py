"""Fixtures for the risk register's tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from app.wizard.definition import Roadmap
from tests.factories import World, make_world


@pytest.fixture
def roadmap(app: FastAPI) -> Roadmap:
    """The roadmap definition the app loaded."""
    loaded: Roadmap = app.state.roadmap
    return loaded


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)
