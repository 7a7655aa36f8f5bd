"""Signing a stage: bound to its exact content, superseded by any change, agreed by all."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.core.canonical import content_hash
from app.core.paths import ROADMAP_DIR
from app.mail.models import OutboxMessage
from app.notify.models import Notification
from app.notify.service import send_digests
from app.partnerships.models import Role
from app.signatures.models import Signature as SignOff
from app.wizard.definition import QuestionType
from app.wizard.loader import load_roadmap
from tests.factories import (
    PASSWORD,
    World,
    fill_stage,
    join,
    make_user,
    make_world,
    post_form,
    put_answer,
    sample_value,
    sign_in,
    sign_stage,
)
from tests.pages import check_page, hidden_fields

ROADMAP = load_roadmap(ROADMAP_DIR)
STAGE = ROADMAP.stage("governance")
assert STAGE is not None


def _put(client: TestClient, world: World, who: str, key: str, value: Any) -> dict[str, Any]:
    return put_answer(client, world, who, STAGE, key, value)


def _fill(client: TestClient, world: World) -> None:
    fill_stage(client, world, STAGE)


def _sign(client: TestClient, world: World, who: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return sign_stage(client, world, who, STAGE, password)


def _signatories(db: Session, world: World) -> World:
    """Give Eastbrook a signatory too (the world has one for Northdale)."""
    east = make_user(
        db, email="signatory@eastbrook.example.org", organisation="Eastbrook Borough Council"
    )
    join(db, world.partnership, east, [Role.SIGNATORY])
    world.users["other_signatory"] = east
    from tests.factories import make_token

    world.tokens["other_signatory"] = make_token(db, east)
    db.commit()
    return world


def _stage_state(client: TestClient, world: World) -> str:
    sign_in(client, world.users["viewer"].email)
    soup = check_page(client.get(f"/partnerships/{world.partnership.id}/roadmap"))
    return soup.find(id=f"status-{STAGE.key}").get_text(strip=True)  # type: ignore[union-attr]


def test_a_stage_is_signed_only_when_its_required_questions_are_answered(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    early = _sign(client, world, "signatory")
    assert early.status_code == 409 and "Answer every required question" in early.json()["detail"]
    _fill(client, world)
    wrong = _sign(client, world, "signatory", "not my password at all")
    assert wrong.status_code == 403 and "password is not correct" in wrong.json()["detail"]
    assert _sign(client, world, "officer").status_code == 403  # officers answer, signatories sign


def test_the_sign_off_is_bound_to_a_hash_of_the_exact_content(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    _fill(client, world)
    signed = _sign(client, world, "signatory")
    assert signed.status_code == 201
    body = signed.json()
    assert body["partner_id"] == world.lead_partner.id and body["current"]
    db.rollback()  # a fresh snapshot: see what the requests committed
    db.expire_all()
    row = db.get(SignOff, body["id"])
    assert row is not None
    assert content_hash(row.content) == body["content_hash"]
    assert row.content["stage"] == STAGE.key and row.content["roadmap_version"] == "2026.1"
    assert set(row.content["shared"]) == {q.key for q in STAGE.questions if q.scope == "shared"}
    assert _sign(client, world, "signatory").status_code == 409  # already signed as it stands


def test_agreed_when_every_active_partner_has_signed_and_superseded_by_any_change(
    client: TestClient, db: Session
) -> None:
    world = _signatories(db, make_world(db))
    _fill(client, world)
    assert _sign(client, world, "signatory").status_code == 201
    assert _stage_state(client, world) == "Signed by 1 of 2"
    assert _sign(client, world, "other_signatory").status_code == 201
    assert _stage_state(client, world) == "Agreed"
    # The one state, everywhere: the stage page's header and the API say the same.
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/stages/{STAGE.key}"))
    assert any(c.get_text().endswith("· Agreed") for c in page.select(".govuk-caption-l"))
    listed = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages", headers=world.auth("viewer")
    ).json()
    assert next(s["state"] for s in listed if s["key"] == STAGE.key) == "agreed"
    one = client.get(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}",
        headers=world.auth("viewer"),
    ).json()
    assert one["state"] == "agreed"
    db.rollback()  # a fresh snapshot: see what the requests committed
    send_digests(client.app.state.engine, base_url="http://testserver")  # news: the daily digest
    db.expire_all()
    agreed_mail = db.exec(
        select(OutboxMessage).where(OutboxMessage.body.contains("is agreed"))
    ).all()  # type: ignore[attr-defined]
    assert len(agreed_mail) >= 7  # everyone in the partnership

    shared = next(
        q for q in STAGE.questions if q.scope == "shared" and q.type is QuestionType.LONG_TEXT
    )
    _put(client, world, "other_officer", shared.key, "Agreed text, with one more clause")
    assert _stage_state(client, world) == "Changed since sign-off"
    db.rollback()  # a fresh snapshot: see what the requests committed
    db.expire_all()
    rows = db.exec(select(SignOff)).all()
    assert all(r.superseded_at is not None for r in rows)
    assert all(r.superseded_by["key"] == shared.key for r in rows)
    assert {r.superseded_by["user_id"] for r in rows} == {world.users["other_officer"].id}
    told = db.exec(
        select(Notification).where(Notification.user_id == world.users["signatory"].id)
    ).all()
    assert any("no longer counts" in n.message for n in told)

    sign_in(client, world.users["signatory"].email)
    page = check_page(client.get(f"/partnerships/{world.partnership.id}/stages/{STAGE.key}/sign"))
    changes = page.find(class_="app-changes")
    assert changes is not None and "What changed since you signed" in changes.get_text()
    assert "with one more clause" in " ".join(i.get_text() for i in changes.select("ins"))
    assert [d.get_text() for d in changes.select("del")] == ["text"]


def test_a_partner_answer_supersedes_only_that_partners_sign_off(
    client: TestClient, db: Session
) -> None:
    world = _signatories(db, make_world(db))
    _fill(client, world)
    _sign(client, world, "signatory")
    _sign(client, world, "other_signatory")
    own = next(q for q in STAGE.questions if q.scope == "partner")
    _put(
        client,
        world,
        "other_officer",
        own.key,
        sample_value(own) if own.type is not QuestionType.SHORT_TEXT else "Someone else",
    )
    db.rollback()  # a fresh snapshot: see what the requests committed
    db.expire_all()
    by_partner = {r.partner_id: r for r in db.exec(select(SignOff)).all()}
    assert by_partner[world.lead_partner.id].current
    assert not by_partner[world.other_partner.id].current


def test_a_new_partner_reopens_the_stage_and_a_withdrawal_stops_counting(
    client: TestClient, db: Session
) -> None:
    world = _signatories(db, make_world(db))
    _fill(client, world)
    _sign(client, world, "signatory")
    _sign(client, world, "other_signatory")
    newcomer = make_user(db, email="officer@westmoor.example.org", organisation="Westmoor Council")
    partner = join(db, world.partnership, newcomer, [Role.OFFICER])
    db.commit()
    assert _stage_state(client, world) == "Signed by 2 of 3"
    withdrawn = client.post(
        f"/api/v1/partners/{partner.id}/withdraw",
        headers=world.auth("lead"),
        json={"reason": "Joined by mistake"},
    )
    assert withdrawn.status_code == 200
    assert _stage_state(client, world) == "Agreed"


def test_decline_and_revoke(client: TestClient, db: Session) -> None:
    world = _signatories(db, make_world(db))
    _fill(client, world)
    base = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}/signoffs"
    declined = client.post(
        f"{base}/decline",
        headers=world.auth("other_signatory"),
        json={"reason": "Our cabinet has not approved the voting rule"},
    )
    assert declined.status_code == 201 and declined.json()["decision"] == "declined"
    db.rollback()  # a fresh snapshot: see what the requests committed
    db.expire_all()
    lead_told = db.exec(
        select(Notification).where(Notification.user_id == world.users["lead"].id)
    ).all()
    assert any("declined" in n.message for n in lead_told)
    signed = _sign(client, world, "signatory").json()
    other = client.post(
        f"/api/v1/signoffs/{signed['id']}/revoke",
        headers=world.auth("other_signatory"),
        json={"reason": "x"},
    )
    assert other.status_code == 403
    mine = client.post(
        f"/api/v1/signoffs/{signed['id']}/revoke",
        headers=world.auth("signatory"),
        json={"reason": "Signed too early"},
    )
    assert mine.status_code == 200 and mine.json()["current"] is False
    again = client.post(
        f"/api/v1/signoffs/{signed['id']}/revoke",
        headers=world.auth("signatory"),
        json={"reason": "twice"},
    )
    assert again.status_code == 409


def test_signing_through_the_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    _fill(client, world)
    sign_in(client, world.users["signatory"].email)
    url = f"/partnerships/{world.partnership.id}/stages/{STAGE.key}"
    stage_page = check_page(client.get(url))
    assert stage_page.find("a", href=f"{url}/sign")
    review = check_page(client.get(f"{url}/sign"))
    assert review.find("code", class_="app-hash")
    shown = hidden_fields(review, f"{url}/sign")
    assert shown["content_hash"] == review.find("code", class_="app-hash").get_text()

    wrong = post_form(client, f"{url}/sign", {**shown, "password": "wrong password here"})
    assert check_page(wrong, status=400).find(class_="govuk-error-summary")
    done = post_form(client, f"{url}/sign", {**shown, "password": PASSWORD})
    assert done.status_code == 303
    after = check_page(client.get(url))
    assert "1 of 2 partners have signed" in after.get_text()


def test_the_page_signs_only_what_it_showed(client: TestClient, db: Session) -> None:
    """An answer saved while the signatory reviews: nothing is signed, and the page says what
    moved."""
    world = make_world(db)
    _fill(client, world)
    sign_in(client, world.users["signatory"].email)
    url = f"/partnerships/{world.partnership.id}/stages/{STAGE.key}"
    shown = hidden_fields(check_page(client.get(f"{url}/sign")), f"{url}/sign")
    question = next(
        q for q in STAGE.questions if q.scope == "shared" and q.type.value == "long_text"
    )
    _put(client, world, "officer", question.key, "Changed while the signatory was reading")

    refused = post_form(client, f"{url}/sign", {**shown, "password": PASSWORD})
    page = check_page(refused, status=409)
    moved = page.find(id="changes")
    assert moved is not None and question.label in moved.get_text()
    assert "Changed while the signatory was reading" in moved.get_text()
    assert db.exec(select(SignOff)).all() == []
    # Tampering with the content sent back cannot change what is signed: it only loses the diff.
    forged = post_form(
        client, f"{url}/sign", {**shown, "shown_content": "{}", "password": PASSWORD}
    )
    assert check_page(forged, status=409).find(id="changes")
    assert db.exec(select(SignOff)).all() == []


def test_roadmap_remind_at_most_once_per_interval(
    db: Session, database_url: str, monkeypatch: Any, capsys: Any
) -> None:
    from datetime import timedelta

    from app.cli import main as cli
    from app.core.database import utcnow
    from app.core.settings import get_settings
    from app.wizard.models import SignOffRequest

    world = make_world(db)
    db.add(
        SignOffRequest(
            partnership_id=world.partnership.id,
            stage_key=STAGE.key,
            partner_id=world.lead_partner.id,
            requested_at=utcnow() - timedelta(days=8),
        )
    )
    db.add(
        SignOffRequest(
            partnership_id=world.partnership.id,
            stage_key=STAGE.key,
            partner_id=world.other_partner.id,
            requested_at=utcnow() - timedelta(days=2),
        )
    )
    db.commit()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REMINDER_DAYS", "7")
    get_settings.cache_clear()
    try:
        assert cli(["remind"]) == 0
        assert "1 reminder(s) queued" in capsys.readouterr().out
        assert cli(["remind"]) == 0
        assert "0 reminder(s) queued" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    db.rollback()
    told = db.exec(
        select(Notification).where(Notification.user_id == world.users["signatory"].id)
    ).all()
    assert [n.message for n in told] == [
        f"Reminder: {STAGE.title} has been waiting 8 days for your organisation's sign-off."
    ]
    mail = db.exec(
        select(OutboxMessage).where(OutboxMessage.to == world.users["signatory"].email)
    ).all()
    assert len(mail) == 1


def test_the_notifications_page(client: TestClient, db: Session) -> None:
    world = _signatories(db, make_world(db))
    _fill(client, world)
    client.post(
        f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}/signoffs/decline",
        headers=world.auth("other_signatory"),
        json={"reason": "Not yet approved"},
    )
    sign_in(client, world.users["lead"].email)
    first = check_page(client.get("/notifications"))
    assert "declined to sign" in first.get_text() and "New" in first.get_text()
    second = check_page(client.get("/notifications"))
    assert "New" not in second.get_text()  # seen once, marked read


def test_signatories_are_asked_once_when_a_stage_becomes_ready(
    client: TestClient, db: Session
) -> None:
    """Ready means every required shared answer, and every partner's own answers and submitted
    scores: then each partner's signatory is told, once."""
    world = _signatories(db, make_world(db))
    message = f"{STAGE.title} is ready for your organisation to sign off."

    def told() -> dict[str, int]:
        db.rollback()
        rows = db.exec(select(Notification).where(Notification.message == message)).all()
        return {
            who: sum(1 for n in rows if n.user_id == world.users[who].id)
            for who in ("signatory", "other_signatory")
        }

    _fill(client, world)
    for who in ("officer", "other_officer"):
        for statement in STAGE.statements:
            _put(client, world, who, statement.key, {"score": 3, "evidence": "Minute 7"})
    submit = f"/api/v1/partnerships/{world.partnership.id}/stages/{STAGE.key}/scores/submit"
    assert client.post(submit, headers=world.auth("officer")).status_code in (200, 204)
    assert told() == {"signatory": 0, "other_signatory": 0}  # Eastbrook has not submitted
    assert client.post(submit, headers=world.auth("other_officer")).status_code in (200, 204)
    assert told() == {"signatory": 1, "other_signatory": 1}
    _put(client, world, "officer", STAGE.statements[0].key, {"score": 4, "evidence": "Minute 8"})
    assert told() == {"signatory": 1, "other_signatory": 1}  # asked once, not at every change
