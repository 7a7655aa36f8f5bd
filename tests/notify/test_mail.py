"""Mail that people read: action mail at once and complete, news as each person chose, the
digest once per person however often it runs, and sign-off mail carrying the sealed head."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.audit.service import SYSTEM, verify_chain
from app.core.database import session_scope
from app.mail.models import OutboxMessage
from app.notify.models import MailChoice, MailState, Notification
from app.notify.service import BODY_LIMIT, Ask, choose, send_digest, send_digests, tell
from tests.factories import (
    World,
    enter_populations,
    fill_stage,
    make_world,
    post_form,
    propose_funding,
    put_answer,
    sign_in,
    sign_stage,
    three_councils,
)
from tests.pages import check_page

BASE = "http://testserver"


def _mail(db: Session, to: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.exec(
            select(OutboxMessage)
            .where(OutboxMessage.to == to)
            .order_by(col(OutboxMessage.created_at))
        )
    )


def _news(db: Session, world: World, who: list[str], message: str) -> None:
    tell(
        db,
        [world.users[w] for w in who],
        partnership_id=world.partnership.id,
        message=message,
        link=f"/partnerships/{world.partnership.id}",
        base_url=BASE,
    )
    db.commit()


def test_an_action_mail_says_what_by_when_and_who_has_done_it(db: Session) -> None:
    world = make_world(db)
    choose(db, SYSTEM, user_id=world.users["signatory"].id, news=MailChoice.OFF)
    tell(
        db,
        [world.users["signatory"]],
        partnership_id=world.partnership.id,
        message="Governance is ready for your organisation to sign off.",
        link="/x",
        base_url=BASE,
        ask=Ask(
            what="Review Governance and sign it off.",
            done=["Ann Example (Eastbrook Borough Council)"],
            partners=2,
        ),
    )
    db.commit()
    [mail] = _mail(db, world.users["signatory"].email)  # at once, though news is off
    assert mail.subject == (
        "Northdale and Eastbrook revenues: Governance is ready for your organisation to sign off."
    )
    assert "What to do: Review Governance and sign it off." in mail.body
    assert "By when: no date has been set" in mail.body
    assert "  - Ann Example (Eastbrook Borough Council)" in mail.body


def test_past_a_dozen_partners_an_action_mail_counts_instead_of_listing(db: Session) -> None:
    world = make_world(db)
    done = [f"Signer {i} (Council {i})" for i in range(13)]
    tell(
        db,
        [world.users["signatory"]],
        partnership_id=world.partnership.id,
        message="Sign",
        link="/x",
        base_url=BASE,
        ask=Ask(what="Sign it.", done=done, partners=40),
    )
    db.commit()
    [mail] = _mail(db, world.users["signatory"].email)
    assert "Already done: 13 of 40 partners." in mail.body
    assert "Signer 0" not in mail.body


def test_a_stage_ready_to_sign_asks_each_signatory_at_once(client: TestClient, db: Session) -> None:
    world = make_world(db)
    stage = client.app.state.roadmap.stage("governance")  # type: ignore[attr-defined]
    fill_stage(client, world, stage)
    for who in ("officer", "other_officer"):
        for statement in stage.statements:
            put_answer(client, world, who, stage, statement.key, {"score": 3, "evidence": "M7"})
        submit = f"/api/v1/partnerships/{world.partnership.id}/stages/{stage.key}/scores/submit"
        assert client.post(submit, headers=world.auth(who)).status_code == 204
    [mail] = [m for m in _mail(db, world.users["signatory"].email) if "ready" in m.subject]
    assert mail.subject.startswith("Northdale and Eastbrook revenues: Governance is ready")
    assert "What to do: Review Governance and sign it off" in mail.body
    assert "By when: no date has been set" in mail.body
    assert "Already done: by nobody yet." in mail.body


def test_news_follows_each_persons_choice_and_stays_in_the_service(db: Session) -> None:
    world = make_world(db)
    choose(db, SYSTEM, user_id=world.users["lead"].id, news=MailChoice.IMMEDIATE)
    choose(db, SYSTEM, user_id=world.users["viewer"].id, news=MailChoice.OFF)
    db.commit()
    _news(db, world, ["lead", "viewer", "officer"], "Eastbrook answered a question.")

    [now] = _mail(db, world.users["lead"].email)
    assert now.subject == "Northdale and Eastbrook revenues: Eastbrook answered a question."
    assert _mail(db, world.users["viewer"].email) == []
    assert _mail(db, world.users["officer"].email) == []  # daily, the default: not yet
    told = db.exec(select(Notification.user_id, Notification.mail_state)).all()
    assert dict(told) == {
        world.users["lead"].id: MailState.SENT,
        world.users["viewer"].id: MailState.NONE,
        world.users["officer"].id: MailState.WAITING,
    }


def test_the_digest_groups_news_by_partnership_and_never_sends_twice(
    app: FastAPI, db: Session
) -> None:
    world = make_world(db)
    _news(db, world, ["officer"], "Eastbrook answered a question.")
    _news(db, world, ["officer"], "Someone commented on Governance.")
    assert send_digests(app.state.engine, base_url=BASE) == 1
    assert send_digests(app.state.engine, base_url=BASE) == 0
    [digest] = _mail(db, world.users["officer"].email)
    assert digest.subject == "Northdale and Eastbrook revenues: your daily summary, 2 updates"
    body = digest.body
    assert body.index("Northdale and Eastbrook revenues\n---") < body.index("Eastbrook answered")
    assert body.index("Eastbrook answered") < body.index("Someone commented")
    assert f"{BASE}/account/notifications" in body

    _news(db, world, ["officer"], "A risk was added.")
    assert send_digests(app.state.engine, base_url=BASE) == 1  # the next day: only what is new
    latest = _mail(db, world.users["officer"].email)[-1]
    assert "A risk was added." in latest.body and "Eastbrook answered" not in latest.body


def test_a_long_digest_fits_one_email_and_counts_what_did_not_fit(
    app: FastAPI, db: Session
) -> None:
    world = make_world(db)
    for i in range(60):
        _news(db, world, ["officer"], f"Update {i:02d} " + "x" * 480)
    assert send_digests(app.state.engine, base_url=BASE) == 1
    [digest] = _mail(db, world.users["officer"].email)
    assert len(digest.body) <= BODY_LIMIT
    assert digest.subject.endswith("60 updates")
    shown = [i for i in range(60) if f"Update {i:02d} " in digest.body]
    assert shown and shown[-1] == 59  # the newest are shown
    assert f"The {60 - len(shown)} oldest updates did not fit" in digest.body
    assert send_digests(app.state.engine, base_url=BASE) == 0  # all of them are done


def test_a_digest_for_someone_who_turned_news_off_is_not_sent(app: FastAPI, db: Session) -> None:
    world = make_world(db)
    _news(db, world, ["officer"], "Eastbrook answered a question.")
    choose(db, SYSTEM, user_id=world.users["officer"].id, news=MailChoice.OFF)
    db.commit()
    assert send_digests(app.state.engine, base_url=BASE) == 0
    assert _mail(db, world.users["officer"].email) == []


def test_two_workers_at_once_send_each_digest_once(app: FastAPI, db: Session) -> None:
    world = make_world(db)
    people = ["lead", "viewer", "officer", "signatory", "other_officer"]
    for i in range(5):
        _news(db, world, people, f"News {i}.")
    start = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        start.wait()
        for user_id in [world.users[w].id for w in people]:
            with session_scope(app.state.engine, write=True) as s:
                sent.append(int(send_digest(s, user_id=user_id, base_url=BASE)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == len(people)
    for who in people:
        assert len(_mail(db, world.users[who].email)) == 1


def test_a_sign_off_mail_carries_the_sealed_head_it_left_the_chain_at(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    choose(db, SYSTEM, user_id=world.users["lead"].id, news=MailChoice.IMMEDIATE)
    db.commit()
    stage = client.app.state.roadmap.stage("governance")  # type: ignore[attr-defined]
    fill_stage(client, world, stage)
    assert sign_stage(client, world, "signatory", stage).status_code == 201
    db.expire_all()
    newest = db.exec(
        select(AuditEvent)
        .where(AuditEvent.chain == world.partnership.id)
        .order_by(col(AuditEvent.position).desc())
    ).first()
    assert newest is not None and newest.action == "signoff.signed"
    [mail] = [m for m in _mail(db, world.users["lead"].email) if "signed" in m.subject]
    assert f"event: {newest.position}\n" in mail.body
    assert f"hash:  {newest.hash}\n" in mail.body
    assert f"roadmap audit verify --partnership {world.partnership.id}" in mail.body
    [told] = db.exec(
        select(Notification).where(
            Notification.user_id == world.users["lead"].id,
            col(Notification.message).contains("signed"),
        )
    ).all()
    assert told.audit_head["hash"] == newest.hash
    assert verify_chain(db, world.partnership.id) is None


def test_choosing_on_the_page(client: TestClient, db: Session) -> None:
    world = make_world(db)
    sign_in(client, world.users["officer"].email)
    account = check_page(client.get("/account"))
    assert account.find("a", href="/account/notifications") is not None
    page = check_page(client.get("/account/notifications"))
    checked = page.find("input", attrs={"name": "news", "checked": True})
    assert checked is not None and checked["value"] == "daily"  # the default

    refused = client.post("/account/notifications", data={"news": "off"}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token

    wrong = post_form(client, "/account/notifications", {"news": "hourly"})
    soup = check_page(wrong, status=400)
    link = soup.select_one(".govuk-error-summary a")
    assert link is not None and link["href"] == "#news"
    assert soup.find(id="news") is not None

    done = post_form(client, "/account/notifications", {"news": "immediate"})
    assert done.status_code == 303 and done.headers["location"] == "/account"
    page = check_page(client.get("/account/notifications"))
    checked = page.find("input", attrs={"name": "news", "checked": True})
    assert checked is not None and checked["value"] == "immediate"
    db.expire_all()
    assert db.exec(
        select(AuditEvent).where(
            AuditEvent.action == "mail.preference",
            AuditEvent.object_id == world.users["officer"].id,
        )
    ).first()


def test_choosing_through_the_api(client: TestClient, db: Session) -> None:
    world = make_world(db)
    url = "/api/v1/me/mail-preference"
    assert client.get(url, headers=world.auth("officer")).json() == {"news": "daily"}
    put = client.put(url, headers=world.auth("officer"), json={"news": "off"})
    assert put.status_code == 200 and put.json() == {"news": "off"}
    assert client.get(url, headers=world.auth("officer")).json() == {"news": "off"}
    assert client.put(url, headers=world.auth("officer"), json={"news": "x"}).status_code == 422
    assert client.get(url).status_code == 401


def test_roadmap_digest_sends_once(
    db: Session, database_url: str, monkeypatch: Any, capsys: Any
) -> None:
    from app.cli import main as cli
    from app.core.settings import get_settings

    world = make_world(db)
    _news(db, world, ["officer", "lead"], "Eastbrook answered a question.")
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        assert cli(["digest"]) == 0
        assert "2 digest(s) queued" in capsys.readouterr().out
        assert cli(["digest"]) == 0
        assert "0 digest(s) queued" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    assert len(_mail(db, world.users["officer"].email)) == 1


def test_the_first_funding_proposal_asks_every_ceo_and_cfo_at_once(
    client: TestClient, db: Session
) -> None:
    world = three_councils(db)
    enter_populations(client, world)
    assert propose_funding(client, world).status_code == 200
    for key in ("lead", "other", "third"):
        for role in ("ceo", "cfo"):
            [mail] = _mail(db, world.users[f"{key}_{role}"].email)
            assert mail.subject.startswith("Northdale and Eastbrook revenues: The Day 1 funding")
            assert "What to do: Review the funding formula" in mail.body
            assert "Already done: by nobody yet." in mail.body
    assert propose_funding(client, world, version=1, years=2).status_code == 200
    assert len(_mail(db, world.users["lead_ceo"].email)) == 1  # a change asks nobody again
