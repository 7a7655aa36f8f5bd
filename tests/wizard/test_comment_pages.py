"""A stage's comments, a page at a time: issue 13 found 1,000 comments sent all at once (1.2 MB
of JSON, a 1.8 MB page)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.database import utcnow
from app.wizard.models import Comment
from app.wizard.service import COMMENTS_PAGE, COMMENTS_SHOWN
from tests.factories import World, make_world, sign_in
from tests.pages import check_page

STAGE = "business-scope"
QUESTION = "business-need"
MANY = 130


def _comments(db: Session, world: World, n: int, question: str = QUESTION) -> list[str]:
    """`n` comments, a second apart; their bodies, oldest first."""
    start = utcnow() - timedelta(days=1)
    bodies = [f"Comment {i:03d} on {question}" for i in range(n)]
    for i, body in enumerate(bodies):
        db.add(
            Comment(
                partnership_id=world.partnership.id,
                stage_key=STAGE,
                question_key=question,
                author_id=world.users["officer"].id,
                partner_id=world.lead_partner.id,
                body=body,
                created_at=start + timedelta(seconds=i),
                resolved_at=start if i % 2 else None,
            )
        )
    db.commit()
    return bodies


def test_the_api_gives_comments_a_page_at_a_time_newest_first(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    bodies = _comments(db, world, MANY)
    url: str | None = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/comments"
    seen: list[str] = []
    while url:
        page = client.get(url, headers=world.auth("viewer"))
        assert page.status_code == 200
        assert len(page.json()) <= COMMENTS_PAGE
        seen += [c["body"] for c in page.json()]
        cursor = page.headers.get("x-next-cursor")
        url = page.links["next"]["url"] if cursor else None
        if cursor:
            assert f"cursor={cursor}" in url
    assert seen == bodies[::-1]
    small = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE}/comments?limit=7",
        headers=world.auth("viewer"),
    )
    assert len(small.json()) == 7 and small.headers["x-next-cursor"]


def test_the_stage_page_shows_the_newest_comments_and_links_to_older_ones(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    bodies = _comments(db, world, MANY)
    _comments(db, world, 3, question="services-in-scope")
    sign_in(client, world.users["viewer"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/stages/{STAGE}"))
    thread = page.select_one(f"#comments-{QUESTION}")
    assert thread is not None
    shown = [p.get_text() for p in thread.select(".app-comment p.govuk-body")]
    assert shown == bodies[-COMMENTS_SHOWN:]
    assert f"Comments ({MANY // 2} open)" in thread.get_text()
    older = thread.find("a", string=f"Older comments ({MANY - COMMENTS_SHOWN})")
    assert older is not None
    href: str | None = str(older["href"])
    seen: list[str] = []
    while href:
        comments = check_page(client.get(href))
        seen += [p.get_text() for p in comments.select(".app-comment p.govuk-body")]
        link = comments.find("a", string="Older comments")
        href = str(link["href"]) if link else None
        if href:
            href = f"/partnerships/{world.partnership.id}/stages/{STAGE}/comments/{QUESTION}{href}"
    assert seen == bodies[: MANY - COMMENTS_SHOWN][::-1]


def test_a_short_thread_has_no_link_and_an_unknown_question_no_page(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    _comments(db, world, 3)
    sign_in(client, world.users["viewer"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/stages/{STAGE}"))
    thread = page.select_one(f"#comments-{QUESTION}")
    assert thread is not None and "Older comments" not in thread.get_text()
    missing = client.get(f"/partnerships/{world.partnership.id}/stages/{STAGE}/comments/nope")
    check_page(missing, 404)
