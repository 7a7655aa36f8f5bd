"""JSON API: readiness as it stands, and collecting a snapshot (CONTRACT.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.core.deps import SessionDep
from app.core.pagination import DEFAULT_LIMIT, Cursor, Limit, page
from app.core.problems import API_ERRORS
from app.identity.deps import actor_of
from app.partnerships.permissions import Lead, Member
from app.readiness import service
from app.wizard.deps import RoadmapDep

router = APIRouter(prefix="/api/v1", tags=["readiness"], responses=API_ERRORS)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Only the partnership lead collects readiness"},
    404: {"description": "No such partnership that you are part of"},
}


class SnapshotOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2d440a0d238e498a95ec73a9d9b42160",
                    "collected_by": "d500b1bde35e42369390d11e1caac836",
                    "collected_at": "2026-11-22T10:15:00Z",
                    "verdict": "not ready",
                    "content_hash": (
                        "8367cf5ff4175558193269578d5b8ce7fa41f98f7ce51ec8a473d431441a2449"
                    ),
                    "data": {
                        "verdict": "not ready",
                        "today": "2026-11-22",
                        "partners": [
                            {
                                "id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                                "name": "Northdale District Council",
                            },
                            {
                                "id": "e53b56d90cfd454fa66efc9f2b86e9f0",
                                "name": "Eastbrook Borough Council",
                            },
                        ],
                        "stages": [
                            {
                                "key": "business-scope",
                                "title": "Business scope",
                                "score": "62.5",
                                "mean": "68.8",
                                "spread": "12.5",
                                "rag": "amber",
                                "submitted_by": [
                                    "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                                    "e53b56d90cfd454fa66efc9f2b86e9f0",
                                ],
                                "partners": {
                                    "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13": {
                                        "score": "62.5",
                                        "rag": "amber",
                                        "scored": 6,
                                        "total": 6,
                                        "hidden": False,
                                    },
                                    "e53b56d90cfd454fa66efc9f2b86e9f0": {
                                        "score": "75.0",
                                        "rag": "green",
                                        "scored": 6,
                                        "total": 6,
                                        "hidden": False,
                                    },
                                },
                            }
                        ],
                        "blockers": [
                            {
                                "kind": "stage",
                                "message": "Business scope is not agreed by every partner yet.",
                                "stage": "business-scope",
                                "partner_id": None,
                            }
                        ],
                        "actions": [
                            {
                                "stage": "business-scope",
                                "statement": "baseline-known",
                                "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                                "score": 1,
                            },
                            {
                                "stage": "business-scope",
                                "statement": "users-involved",
                                "partner_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                                "score": 2,
                            },
                        ],
                    },
                }
            ]
        }
    )
    id: str
    collected_by: str
    collected_at: datetime
    verdict: str
    content_hash: str = Field(description="SHA-256 of the whole snapshot, as collected")
    data: dict[str, Any] = Field(
        description="The snapshot as you may see it: partners score blind, so another "
        "partner's scores on a stage (and its actions there) are withheld, marked `hidden`, "
        "unless both had submitted theirs when it was collected; `content_hash` covers the "
        "whole snapshot"
    )


@router.get(
    "/partnerships/{pid}/readiness",
    responses=ERRORS,
    summary="Scores per partner and dimension, the partnership's, blockers, verdict",
)
def get_readiness(
    db: SessionDep, member: Member, roadmap: RoadmapDep, partner_id: str | None = None
) -> dict[str, Any]:
    """Scores are decimal strings from 0 to 100; the partnership's is its weakest partner's.

    `actions` is one partner's action plan: the caller's own organisation's, or the partner
    named by `partner_id` (every partner's plan at once would be thousands of lines in a large
    partnership; a snapshot keeps them all).
    """
    plan_for = [partner_id or member.partner.id]
    found = service.current(
        db, member.partnership, roadmap, plan_for=plan_for, viewer=member.partner.id
    )
    return service.to_data(found)


@router.post(
    "/partnerships/{pid}/readiness/snapshots",
    status_code=201,
    responses=ERRORS,
    summary="Collect and freeze the readiness as it stands (lead only)",
)
def collect(request: Request, db: SessionDep, lead: Lead, roadmap: RoadmapDep) -> SnapshotOut:
    snapshot = service.collect(
        db,
        actor_of(request, lead.principal),
        partnership=lead.partnership,
        roadmap=roadmap,
        user_id=lead.principal.user.id,
    )
    db.commit()
    return SnapshotOut(
        id=snapshot.id,
        collected_by=snapshot.collected_by,
        collected_at=snapshot.collected_at,
        verdict=snapshot.verdict,
        content_hash=snapshot.content_hash,
        data=service.data_visible_to(snapshot.data, lead.partner.id),
    )


@router.get(
    "/partnerships/{pid}/readiness/snapshots",
    responses=ERRORS,
    summary="The snapshots the lead has collected, newest first",
)
def list_snapshots(
    request: Request,
    response: Response,
    db: SessionDep,
    member: Member,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> list[SnapshotOut]:
    """Paginated: each snapshot carries the whole readiness of its day."""
    found = service.snapshots(db, member.partnership.id)
    chosen = page(
        found, key=lambda s: s.id, limit=limit, cursor=cursor, request=request, response=response
    )
    return [
        SnapshotOut(
            id=s.id,
            collected_by=s.collected_by,
            collected_at=s.collected_at,
            verdict=s.verdict,
            content_hash=s.content_hash,
            data=service.data_visible_to(s.data, member.partner.id),
        )
        for s in chosen
    ]
