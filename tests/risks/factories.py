"""Risks for tests, made through the real service."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.risks.models import Risk
from app.risks.service import RiskFields, create_risk
from app.wizard.definition import Roadmap
from tests.factories import TEST_ACTOR, World


def make_risk(db: Session, world: World, roadmap: Roadmap, **fields: Any) -> Risk:
    """A risk in the world's partnership, raised by its officer; `fields` override the rest."""
    values: dict[str, Any] = {
        "title": "Partners cannot agree the funding formula",
        "description": "Without an agreed formula no partner can budget for the service.",
        "likelihood": 3,
        "impact": 3,
    }
    return create_risk(
        db,
        TEST_ACTOR,
        partnership_id=world.partnership.id,
        roadmap=roadmap,
        risk=RiskFields(**(values | fields)),
        user_id=world.users["officer"].id,
    )
