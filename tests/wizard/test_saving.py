"""Saving answers through the stage page, with and without JavaScript: nothing is ever lost."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.paths import ROADMAP_DIR
from app.partnerships.models import Role
from app.wizard.loader import load_roadmap
from app.wizard.models import Answer, AnswerRevision
from tests.factories import World, join, make_user, make_world, page_csrf, sign_in
from tests.pages import check_page

STAGE = "business-scope"
ROADMAP_STAGE = load_roadmap(ROADMAP_DIR).stage(STAGE)
assert ROADMAP_STAGE is not None


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def _url(world: World, suffix: str = "") -> str:
    return f"/partnerships/{world.partnership.id}/stages/{STAGE}{suffix}"


def _form_state(client: TestClient, world: World) -> dict[str, str]:
    """The hidden version fields of the stage page, as the browser holds them."""
    html = client.get(_url(world)).text
    return dict(re.findall(r'name="(v:[^"]+)" value="(\d+)"', html))


def _save(
    client: TestClient,
    world: World,
    data: dict[str, object],
    versions: dict[str, str],
    **extra: str,
):  # type: ignore[no-untyped-def]
    body = {**versions, **data, "csrf_token": page_csrf(client), **extra}
    return client.post(_url(world), data=body, follow_redirects=False)


def _stored(db: Session, world: World, key: str, scope: str = "shared") -> Answer | None:
    db.expire_all()
    db.rollback()
    return db.exec(
        select(Answer).where(
            Answer.partnership_id == world.partnership.id,
            Answer.question_key == key,
            Answer.scope == scope,
        )
    ).first()


def test_every_type_saves_without_javascript(client: TestClient, db: Session, world: World) -> None:
    sign_in(client, world.users["officer"].email)
    versions = _form_state(client, world)
    response = _save(
        client,
        world,
        {
            "business-need": "  Residents wait too long.\r\nStaff are hard to recruit.  ",
            "services-in-scope": ["ict", "revenues-benefits"],
            "business-case-status": "outline",
            "staff-transfer": "yes",
            "target-go-live-day": "1",
            "target-go-live-month": "4",
            "target-go-live-year": "2027",
            "annual-volume": "12,500",
            "scope-deliverable": "4",
            "partner-staff-in-scope": "24",
        },
        versions,
        **{"continue": "1"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == _url(world, "/check")
    expected = {
        "business-need": "Residents wait too long.\nStaff are hard to recruit.",
        "services-in-scope": ["revenues-benefits", "ict"],
        "business-case-status": "outline",
        "staff-transfer": "yes",
        "target-go-live": "2027-04-01",
        "annual-volume": "12500",
        "scope-deliverable": 4,
    }
    for key, value in expected.items():
        stored = _stored(db, world, key)
        assert stored is not None and stored.value == value and stored.version == 1, key
    own = _stored(db, world, "partner-staff-in-scope", world.lead_partner.id)
    assert own is not None and own.value == "24"
    check = check_page(client.get(_url(world, "/check")))
    assert "Residents wait too long." in check.get_text()
    assert "Your answers have been saved" in check.get_text()


def test_errors_are_linked_and_valid_answers_are_kept(
    client: TestClient, db: Session, world: World
) -> None:
    sign_in(client, world.users["officer"].email)
    response = _save(
        client,
        world,
        {
            "business-need": "Kept even though another answer is wrong",
            "annual-volume": "lots",
            "target-go-live-day": "31",
            "target-go-live-month": "2",
            "target-go-live-year": "2027",
        },
        _form_state(client, world),
    )
    soup = check_page(response, status=400)
    links = {a["href"]: a.get_text() for a in soup.select(".govuk-error-summary a")}
    assert links == {
        "#annual-volume": "Enter a number",
        "#target-go-live-day": "The date must be a real date",
    }
    assert soup.find(id="annual-volume")["value"] == "lots"  # what was typed is shown again
    assert _stored(db, world, "business-need") is not None
    assert _stored(db, world, "annual-volume") is None


def test_a_stale_save_shows_both_answers_and_overwrites_nothing(
    app: object, client: TestClient, db: Session, world: World
) -> None:
    sign_in(client, world.users["officer"].email)
    other = TestClient(app)  # type: ignore[arg-type]
    sign_in(other, world.users["other_officer"].email)
    mine, theirs = _form_state(client, world), _form_state(other, world)

    assert (
        _save(
            other, world, {"business-need": "Their wording", "outcomes": "Theirs too"}, theirs
        ).status_code
        == 303
    )
    response = _save(client, world, {"business-need": "My wording", "outcomes": ""}, mine)
    soup = check_page(response, status=409)
    assert "Someone else changed 1 answer" in soup.get_text()
    item = soup.find(id="item-business-need")
    assert "Their answer: Their wording" in item.get_text(" ", strip=True)
    other_name = world.users["other_officer"].name
    assert f"{other_name} (Eastbrook Borough Council) changed this answer" in item.get_text(
        " ", strip=True
    )
    assert item.find("textarea")["name"] == "business-need"
    assert "My wording" in item.find("textarea").get_text()
    assert soup.find(id="item-outcomes").find(class_="app-conflict") is None  # untouched by me
    assert _stored(db, world, "business-need").value == "Their wording"  # type: ignore[union-attr]
    assert _stored(db, world, "outcomes").value == "Theirs too"  # type: ignore[union-attr]

    # Keep mine: the re-shown form carries their version, so saving again replaces theirs.
    again = dict(re.findall(r'name="(v:[^"]+)" value="(\d+)"', response.text))
    assert again["v:business-need"] == "1"
    assert _save(client, world, {"business-need": "My wording"}, again).status_code == 303
    stored = _stored(db, world, "business-need")
    assert stored is not None and stored.value == "My wording" and stored.version == 2
    revisions = db.exec(select(AnswerRevision).where(AnswerRevision.answer_id == stored.id)).all()
    assert [r.new_value for r in sorted(revisions, key=lambda r: r.version)] == [
        "Their wording",
        "My wording",
    ]


def test_htmx_saves_one_answer_and_reports_a_conflict(
    client: TestClient, db: Session, world: World
) -> None:
    sign_in(client, world.users["officer"].email)
    headers = {"HX-Request": "true", "X-CSRF-Token": page_csrf(client)}
    url = _url(world, "/answers/staff-transfer")
    saved = client.post(
        url, data={"v:staff-transfer": "0", "staff-transfer": "yes"}, headers=headers
    )
    assert saved.status_code == 200
    assert 'id="item-staff-transfer"' in saved.text and "Saved" in saved.text
    assert 'name="v:staff-transfer" value="1"' in saved.text
    stale = client.post(
        url, data={"v:staff-transfer": "0", "staff-transfer": "no"}, headers=headers
    )
    assert "You (in another window or tab) changed this answer" in stale.text
    assert "Their answer: <strong>Yes</strong>" in stale.text
    assert _stored(db, world, "staff-transfer").value == "yes"  # type: ignore[union-attr]
    invalid = client.post(
        _url(world, "/answers/annual-volume"),
        data={"v:annual-volume": "0", "annual-volume": "-5"},
        headers=headers,
    )
    assert "0 or more" in invalid.text and "govuk-error-message" in invalid.text


@pytest.mark.parametrize("who", ["viewer", "signatory"])
def test_readers_cannot_save(client: TestClient, world: World, who: str) -> None:
    sign_in(client, world.users[who].email)
    soup = check_page(client.get(_url(world)))
    assert soup.find("textarea") is None and "Not answered yet" in soup.get_text()
    response = _save(client, world, {"business-need": "x"}, {"v:business-need": "0"})
    assert response.status_code == 403


def test_each_partner_answers_its_own_questions(
    client: TestClient, db: Session, world: World
) -> None:
    sign_in(client, world.users["other_officer"].email)
    _save(client, world, {"partner-staff-in-scope": "31"}, {"v:partner-staff-in-scope": "0"})
    sign_in(client, world.users["officer"].email)
    _save(client, world, {"partner-staff-in-scope": "24"}, {"v:partner-staff-in-scope": "0"})
    assert _stored(db, world, "partner-staff-in-scope", world.other_partner.id).value == "31"  # type: ignore[union-attr]
    assert _stored(db, world, "partner-staff-in-scope", world.lead_partner.id).value == "24"  # type: ignore[union-attr]
    soup = check_page(client.get(_url(world)))
    others = soup.find(id="item-partner-staff-in-scope").find(class_="app-others")
    assert "Eastbrook Borough Council" in others.get_text() and "31" in others.get_text()


def test_history_shows_who_changed_what_with_a_word_diff(client: TestClient, world: World) -> None:
    sign_in(client, world.users["officer"].email)
    _save(client, world, {"business-need": "Residents wait too long"}, {"v:business-need": "0"})
    _save(client, world, {"business-need": "Residents wait far too long"}, {"v:business-need": "1"})
    soup = check_page(client.get(_url(world, "/history?key=business-need")))
    assert [i.get_text() for i in soup.select(".app-diff ins")] == [
        "far ",
        "Residents wait too long",
    ]
    assert "Version 2, by Officer (Northdale District Council)" in soup.get_text()


def test_history_comes_a_page_at_a_time(client: TestClient, db: Session, world: World) -> None:
    """However long the history, a page shows 50 saves and links to the older ones."""
    from app.wizard.service import HISTORY_PAGE, save_answer

    officer = world.users["officer"].id
    for version in range(HISTORY_PAGE + 7):
        save_answer(
            db,
            partnership_id=world.partnership.id,
            stage_key="business-scope",
            key="business-need",
            scope="shared",
            value=f"Draft {version + 1}",
            read_version=version,
            user_id=officer,
        )
    db.commit()
    sign_in(client, world.users["viewer"].email)
    first = check_page(client.get(_url(world, "/history")))
    assert len(first.select(".app-revision")) == HISTORY_PAGE
    assert "Version 57" in first.get_text() and "Version 7," not in first.get_text()
    older = first.find("a", string="Older changes")
    assert older is not None
    second = check_page(client.get(_url(world, "/history" + older["href"])))
    assert len(second.select(".app-revision")) == 7
    assert "Version 1," in second.get_text() and second.find("a", string="Older changes") is None


def test_a_large_partnership_lists_other_answers_on_a_page_of_their_own(
    client: TestClient, db: Session, world: World
) -> None:
    """Past a dozen other partners, a question links to every partner's answer instead of
    printing them all under it; the blind rule holds there too."""
    from app.wizard.views import INLINE_OTHERS

    for n in range(INLINE_OTHERS):
        officer = make_user(db, email=f"officer@c{n}.example.org", organisation=f"Council {n}")
        join(db, world.partnership, officer, [Role.OFFICER])
    db.commit()
    sign_in(client, world.users["other_officer"].email)
    _save(client, world, {"partner-staff-in-scope": "31"}, {"v:partner-staff-in-scope": "0"})
    sign_in(client, world.users["officer"].email)
    soup = check_page(client.get(_url(world)))
    item = soup.find(id="item-partner-staff-in-scope")
    assert item.find(class_="app-others") is None
    link = item.select_one('a[href$="/answers/partner-staff-in-scope"]')
    assert link is not None and f"The other {INLINE_OTHERS + 1} partners" in link.get_text()
    answers = check_page(client.get(link["href"]))
    rows = answers.select(".govuk-summary-list__row")
    assert len(rows) == INLINE_OTHERS + 1
    assert "Eastbrook Borough Council" in answers.get_text() and "31" in answers.get_text()
    statement = _url(world, "/answers/" + ROADMAP_STAGE.statements[0].key)
    scores = check_page(client.get(statement))
    assert "once your organisation has submitted its own" in scores.get_text()
