"""The task list and a stage page cost the same few queries for 3 partners as for 40."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.partnerships.models import Role
from app.partnerships.service import start_partnership
from app.wizard.loader import load_roadmap
from app.wizard.service import answer_scope, save_answer
from tests.factories import TEST_ACTOR, join, make_token, make_user

MAX_QUERIES = 15
STAGE = load_roadmap(ROADMAP_DIR).stage("business-scope")


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _partnership(db: Session, partners: int) -> tuple[str, str]:
    """A partnership of `partners` councils, each with an officer who answered everything."""
    assert STAGE is not None
    lead = make_user(
        db, email=f"lead{partners}@c0.example.org", organisation=f"Council 0 of {partners}"
    )
    partnership = start_partnership(
        db,
        TEST_ACTOR,
        creator=lead,
        name=f"{partners} councils",
        service="ICT",
        description="",
        roadmap_version="2026.1",
    )
    for n in range(partners):
        officer = make_user(
            db,
            email=f"officer{partners}@c{n}.example.org",
            organisation=f"Council {n} of {partners}",
        )
        partner = join(db, partnership, officer, [Role.OFFICER])
        for item in [*STAGE.questions, *STAGE.statements]:
            value = {"score": 2, "evidence": "x"} if not hasattr(item, "type") else "1"
            if getattr(item, "type", None) not in (None, "long_text", "short_text", "number"):
                continue
            scope = answer_scope(item, partner.id)
            if scope == "shared" and n:
                continue
            save_answer(
                db,
                partnership_id=partnership.id,
                stage_key=STAGE.key,
                key=item.key,
                scope=scope,
                value=value,
                read_version=0,
                user_id=officer.id,
            )
    token = make_token(db, lead)
    db.commit()
    return partnership.id, token


@pytest.mark.parametrize(
    "path", ["/roadmap", "/stages/business-scope", "/stages/business-scope/check"]
)
def test_queries_do_not_grow_with_partners(
    app: FastAPI, client: TestClient, db: Session, path: str
) -> None:
    counts = {}
    for partners in (3, 40):
        pid, token = _partnership(db, partners)
        headers = {"Authorization": f"Bearer {token}"}
        client.get(f"/partnerships/{pid}{path}", headers=headers)  # warm caches
        with counting(app.state.engine) as statements:
            response = client.get(f"/partnerships/{pid}{path}", headers=headers)
        assert response.status_code == 200
        counts[partners] = len(statements)
    assert counts[3] == counts[40], counts
    assert counts[40] <= MAX_QUERIES, counts
