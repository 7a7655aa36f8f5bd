"""Expensive requests cost each person from a budget (issue 13: agreement.pdf took 10.5 s,
six at once 40 s, and any member, viewers included, could ask as often as they liked)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.audit.service import Actor
from app.core.throttle import Budget
from app.export.api import BUILD_COST, RENDER_COST
from app.export.build import build
from app.export.schema import Agreement
from app.export.service import document, issue
from tests.factories import app_session, make_world, sign_in
from tests.pages import check_page


def test_exports_are_limited_per_person_and_a_stored_one_costs_little(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    world = make_world(db)
    app.state.expensive = Budget(BUILD_COST + RENDER_COST + 2 * BUILD_COST)
    url = f"/api/v1/partnerships/{world.partnership.id}/agreement.json"
    # The first export renders; the next two are the stored document, and cost one unit each.
    for _ in range(3):
        assert client.get(url, headers=world.auth("viewer")).status_code == 200
    refused = client.get(url, headers=world.auth("viewer"))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 61
    assert client.get(url, headers=world.auth("officer")).status_code == 200  # their own budget


def test_answer_history_is_limited_per_person_as_a_page_and_in_the_api(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    world = make_world(db)
    app.state.expensive = Budget(2)
    pid = world.partnership.id
    api = f"/api/v1/partnerships/{pid}/stages/business-scope/answers/business-need/history"
    assert client.get(api, headers=world.auth("viewer")).status_code == 200
    sign_in(client, world.users["viewer"].email)
    assert client.get(f"/partnerships/{pid}/stages/business-scope/history").status_code == 200
    page = client.get(f"/partnerships/{pid}/stages/business-scope/history")
    soup = check_page(page, 429)
    assert soup.h1 is not None and "too often" in soup.h1.get_text()
    assert int(page.headers["retry-after"]) >= 1
    refused = client.get(api, headers=world.auth("viewer"))
    assert refused.status_code == 429 and refused.json()["status"] == 429


def test_six_requests_at_once_for_a_new_document_render_it_once(app: FastAPI, db: Session) -> None:
    world = make_world(db)
    issued = issue(
        db,
        Actor(user_id=world.users["viewer"].id, request_id="test"),
        build(db, world.partnership, app.state.roadmap),
        user_id=world.users["viewer"].id,
    )
    db.commit()
    renders: list[str] = []
    charged: list[str] = []

    def slow_pdf(agreement: Agreement) -> bytes:
        renders.append(threading.current_thread().name)
        time.sleep(1.0)  # as a large PDF takes seconds
        return b"%PDF-rendered once"

    def request(n: int) -> bytes:
        with app_session(app) as own:
            return document(
                own, issued, "pdf", slow_pdf, before_render=lambda: charged.append(str(n))
            )

    with ThreadPoolExecutor(max_workers=6) as pool:
        bodies = list(pool.map(request, range(6)))
    assert bodies == [b"%PDF-rendered once"] * 6
    assert len(renders) == 1 and len(charged) == 1
    # Stored now: a later request is served from the store, with no render and no charge.
    with app_session(app) as own:
        assert document(own, issued, "pdf", slow_pdf, before_render=lambda: charged.append("x"))
    assert len(renders) == 1 and len(charged) == 1
