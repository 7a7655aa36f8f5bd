"""Mail goes through the outbox to a real SMTP server (aiosmtpd), and survives it being down."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.core.database import utcnow
from app.mail.models import OutboxMessage
from app.mail.service import LEASE, deliver_due, queue, retry_now
from app.main import create_app
from tests.conftest import empty_tables, make_settings
from tests.factories import make_token, make_user, make_world, post_form, sign_in
from tests.pages import check_page


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _wait_for(condition, seconds: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_an_invitation_arrives_by_smtp_after_the_request(
    database_url: str, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = make_settings(
        database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        mail_from="roadmap@council.example.org",
        mail_poll_seconds=0.1,
    )
    app = create_app(settings)
    try:
        with TestClient(app) as client, Session(app.state.engine) as db:
            world = make_world(db)
            started = time.monotonic()
            response = client.post(
                f"/api/v1/partnerships/{world.partnership.id}/invitations",
                headers=world.auth("lead"),
                json={
                    "email": "new@westfield.example.org",
                    "organisation": "Westfield Council",
                    "roles": ["officer"],
                },
            )
            assert response.status_code == 201
            assert time.monotonic() - started < 2  # the request never waits on SMTP
            assert _wait_for(lambda: inbox.messages)
            [mail] = inbox.messages
            assert mail["To"] == "new@westfield.example.org"
            assert mail["From"] == "roadmap@council.example.org"
            assert "Northdale and Eastbrook revenues" in mail["Subject"]
            assert "http://testserver/invitations/accept?token=" in mail.get_payload()

            def marked_sent() -> bool:
                db.rollback()  # a fresh snapshot each time
                return db.exec(select(OutboxMessage.sent_at)).one() is not None

            assert _wait_for(marked_sent)
    finally:
        empty_tables(app.state.engine)
        app.state.engine.dispose()


def test_mail_waits_while_the_server_is_down_then_goes(
    database_url: str, db: Session, app: object
) -> None:
    port = _free_port()  # nothing listens here yet
    settings = make_settings(database_url, smtp_host="127.0.0.1", smtp_port=port)
    engine = app.state.engine  # type: ignore[attr-defined]
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    queue(
        db,
        to=user.email,
        template="password-reset",
        context={"user": user, "link": "http://x/reset", "expires_at": utcnow()},
    )
    db.commit()
    assert deliver_due(engine, settings) == 0
    db.rollback()
    waiting = db.exec(select(OutboxMessage)).one()
    assert waiting.sent_at is None and waiting.attempts == 1
    assert waiting.last_error and "ConnectionRefused" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()
    assert deliver_due(engine, settings) == 0  # backing off: not tried again yet

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        waiting.next_attempt_at = utcnow()
        db.commit()
        assert deliver_due(engine, settings) == 1
        assert [m["To"] for m in inbox.messages] == ["ada@example.org"]
        assert deliver_due(engine, settings) == 0  # sent once only
    finally:
        controller.stop()


def test_without_smtp_mail_stays_in_the_outbox_for_administrators(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    client.post(
        f"/api/v1/partnerships/{world.partnership.id}/invitations",
        headers=world.auth("lead"),
        json={
            "email": "new@westfield.example.org",
            "organisation": "Westfield Council",
            "roles": ["officer"],
        },
    )
    make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    db.commit()
    sign_in(client, world.users["lead"].email)
    assert client.get("/admin/outbox").status_code == 403
    sign_in(client, "admin@site.example.org")
    soup = check_page(client.get("/admin/outbox"))
    assert "new@westfield.example.org" in soup.get_text()
    assert "Waiting" in soup.get_text()


@pytest.fixture
def down_smtp_app(database_url: str) -> Iterator[tuple[FastAPI, int]]:
    """The app, configured for an SMTP server that is not listening yet; no delivery loop."""
    port = _free_port()
    app = create_app(make_settings(database_url, smtp_host="127.0.0.1", smtp_port=port))
    yield app, port
    empty_tables(app.state.engine)
    app.state.engine.dispose()


def test_an_administrator_retries_now_after_an_outage_and_each_mail_goes_once(
    down_smtp_app: tuple[FastAPI, int],
) -> None:
    app, port = down_smtp_app
    engine, settings = app.state.engine, app.state.settings
    with TestClient(app, raise_server_exceptions=False) as client, Session(engine) as db:
        make_user(db, email="ada@example.org", organisation="Northdale District Council")
        make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
        db.commit()
        client.post("/api/v1/auth/password-reset", json={"email": "ada@example.org"})
        assert deliver_due(engine, settings) == 0  # the server is down: a 30 s back-off
        assert deliver_due(engine, settings) == 0
        # Hours into the outage the back-off has grown to its hour (30 s doubling per failure).
        waiting = db.exec(select(OutboxMessage)).one()
        waiting.attempts, waiting.next_attempt_at = 8, utcnow() + timedelta(hours=1)
        db.commit()

        health = client.get("/healthz", params={"detail": "true"}).json()
        assert health["detail"]["outbox"]["waiting"] == 1
        assert health["detail"]["outbox"]["oldest_waiting_seconds"] >= 0
        assert "detail" not in client.get("/healthz").json()
        assert client.post("/api/v1/admin/outbox/retry").status_code == 401
        sign_in(client, "admin@site.example.org")
        page = check_page(client.get("/admin/outbox"))
        assert "Emails waiting 1" in " ".join(page.select_one("#backlog").get_text().split())
        assert page.find("button", string="Retry waiting emails now") is not None

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            retried = post_form(client, "/admin/outbox/retry", {})
            assert retried.status_code == 303
            # The retry's background delivery has run by the time the response is read.
            assert [m["To"] for m in inbox.messages] == ["ada@example.org"]
            assert "/reset-password?token=" in inbox.messages[0].get_payload()
            assert deliver_due(engine, settings) == 0
            post_form(client, "/admin/outbox/retry", {})
            assert len(inbox.messages) == 1  # sent once only
        finally:
            controller.stop()
        sent = db.exec(select(OutboxMessage)).one()
        assert sent.sent_at is not None and sent.sealed_body is None  # the link is gone
        assert "token=" not in sent.body
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "outbox.retried")).all()
        assert [e.after for e in events] == [{"messages": 1}, {"messages": 0}]
        assert client.get("/healthz?detail=true").json()["detail"]["outbox"]["waiting"] == 0


def test_retry_now_leaves_a_mail_being_sent_alone(db: Session) -> None:
    """A lease ends at most LEASE from now: such a mail is in flight and must not go twice."""
    user = make_user(db, email="ada@example.org", organisation="Northdale District Council")
    leased = queue(
        db, to=user.email, template="password-reset", context={"user": user, "expires_at": utcnow()}
    )
    backing_off = queue(
        db, to=user.email, template="password-reset", context={"user": user, "expires_at": utcnow()}
    )
    leased.next_attempt_at = utcnow() + LEASE
    backing_off.next_attempt_at = utcnow() + timedelta(minutes=30)
    db.commit()
    assert retry_now(db) == 1
    db.commit()
    db.refresh(leased)
    db.refresh(backing_off)
    assert leased.next_attempt_at > utcnow()
    assert backing_off.next_attempt_at <= utcnow()


def test_only_site_administrators_retry_through_the_api(client: TestClient, db: Session) -> None:
    world = make_world(db)
    assert client.post("/api/v1/admin/outbox/retry", headers=world.auth("lead")).status_code == 403
    admin = make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    token = make_token(db, admin)
    db.commit()
    retried = client.post(
        "/api/v1/admin/outbox/retry", headers={"Authorization": f"Bearer {token}"}
    )
    assert retried.status_code == 200 and retried.json() == {"rescheduled": 0}
