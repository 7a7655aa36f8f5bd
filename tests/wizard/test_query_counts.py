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

MAX_QUERIES = 16
MAX_WRITE_QUERIES = 30
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


PAGES = [
    "/partnerships/{pid}",
    "/partnerships/{pid}/roadmap",
    "/partnerships/{pid}/stages/business-scope",
    "/partnerships/{pid}/stages/business-scope/check",
    "/partnerships/{pid}/stages/business-scope/history",
    "/partnerships/{pid}/funding",
    "/partnerships/{pid}/readiness",
    "/partnerships/{pid}/risks",
    "/partnerships/{pid}/activity",
    "/api/v1/partnerships/{pid}/stages",
    "/api/v1/partnerships/{pid}/stages/business-scope",
    "/api/v1/partnerships/{pid}/readiness",
    "/api/v1/partnerships/{pid}/funding",
]


@pytest.mark.parametrize("path", PAGES)
def test_queries_do_not_grow_with_partners(
    app: FastAPI, client: TestClient, db: Session, path: str
) -> None:
    counts = {}
    for partners in (3, 40):
        pid, token = _partnership(db, partners)
        headers = {"Authorization": f"Bearer {token}"}
        url = path.format(pid=pid)
        client.get(url, headers=headers)  # warm caches
        with counting(app.state.engine) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text[:300]
        counts[partners] = len(statements)
    assert counts[3] == counts[40], counts
    assert counts[40] <= MAX_QUERIES, counts


def _put_answer(key: str, value: object) -> tuple[str, str, dict[str, object]]:
    url = "/api/v1/partnerships/{pid}/stages/business-scope/answers/" + key
    return "PUT", url, {"value": value, "version": 1}


WRITES = {
    "a shared answer": _put_answer("business-need", "A changed need"),
    "the lead's own answer": _put_answer("partner-staff-in-scope", "7"),
    "a readiness score": _put_answer(
        STAGE.statements[0].key if STAGE else "", {"score": 3, "evidence": "Minute"}
    ),
    "funding figures": (
        "PUT",
        "/api/v1/partnerships/{pid}/funding/inputs",
        {"population": "120000"},
    ),
    "a comment": (
        "POST",
        "/api/v1/partnerships/{pid}/stages/business-scope/answers/business-need/comments",
        {"body": "Is this narrow enough?"},
    ),
}


@pytest.mark.parametrize("change", list(WRITES))
def test_writes_do_not_grow_with_partners(
    app: FastAPI, client: TestClient, db: Session, change: str
) -> None:
    method, path, body = WRITES[change]
    counts = {}
    for partners in (3, 40):
        pid, token = _partnership(db, partners)
        with counting(app.state.engine) as statements:
            response = client.request(
                method,
                path.format(pid=pid),
                headers={"Authorization": f"Bearer {token}"},
                json=body,
            )
        assert response.status_code in (200, 201), response.text[:300]
        counts[partners] = len(statements)
    assert counts[3] == counts[40], counts
    assert counts[40] <= MAX_WRITE_QUERIES, counts
