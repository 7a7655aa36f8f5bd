"""The roadmap pages: the task list and every stage, for an officer and for a viewer."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.paths import ROADMAP_DIR
from app.wizard.loader import load_roadmap
from tests.factories import make_world, sign_in
from tests.pages import check_page

ROADMAP = load_roadmap(ROADMAP_DIR)


def test_task_list_shows_every_stage_with_its_state(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    soup = check_page(client.get(f"/partnerships/{world.partnership.id}/roadmap"))
    items = soup.select(".govuk-task-list__item")
    assert len(items) == 10
    assert "Day 1" in items[0].get_text()
    assert all("Not started" in i.get_text() for i in items)
    assert "0 of 10 stages agreed" in soup.get_text()
    assert "The funding formula is not agreed yet" in soup.get_text()


def test_every_stage_page_renders_for_an_officer_and_a_viewer(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    for who, editable in (("officer", True), ("viewer", False)):
        sign_in(client, world.users[who].email)
        for stage in ROADMAP.stages:
            url = f"/partnerships/{world.partnership.id}/stages/{stage.key}"
            soup = check_page(client.get(url))
            assert soup.h1.get_text(strip=True) == stage.title  # type: ignore[union-attr]
            assert (
                bool(soup.find("button", string=lambda s: s and "Save and continue" in s))
                is editable
            )
            for question in stage.questions:
                assert soup.find(id=f"item-{question.key}") is not None
            check_page(client.get(url + "/check"))
            check_page(client.get(url + "/history"))
