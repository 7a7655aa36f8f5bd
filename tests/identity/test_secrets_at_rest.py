"""A copy of the database plus the site administrator's view of the outbox lets nobody in.

The attack from issue 13: an anonymous reset request (and an invitation), then read every row
of every table and the admin's outbox page and API, and try every token-looking string as a
reset token, an invitation token, a bearer token and a session cookie. None may work. The
recipient's own copy (the unsealed mail) must still work, or the test would prove nothing.
"""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.core.security import SESSION_COOKIE
from app.mail.models import OutboxMessage
from app.models import metadata
from tests.factories import PASSWORD, mail_text, make_token, make_user, make_world, sign_in

TOKENISH = re.compile(r"[A-Za-z0-9_\-.]{20,}")
NEW_PASSWORD = "an entirely new passphrase"


def _database_copy(db: Session) -> str:
    """Every value in every table, as someone with a backup would read it."""
    db.rollback()
    return "\n".join(
        " ".join(str(value) for value in row)
        for table in metadata.sorted_tables
        for row in db.execute(sa.select(table)).all()
    )


def test_a_database_copy_and_the_admin_outbox_sign_nobody_in(
    client: TestClient, db: Session
) -> None:
    world = make_world(db)
    admin = make_user(db, email="admin@site.example.org", organisation="Site", admin=True)
    admin_token = make_token(db, admin)
    db.commit()
    victim = world.users["officer"].email
    assert client.post("/api/v1/auth/password-reset", json={"email": victim}).status_code == 202
    invited = client.post(
        f"/api/v1/partnerships/{world.partnership.id}/invitations",
        headers=world.auth("lead"),
        json={
            "email": "new@westfield.example.org",
            "organisation": "Westfield",
            "roles": ["officer"],
        },
    )
    assert invited.status_code == 201, invited.text

    api_view = client.get(
        "/api/v1/admin/outbox", headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert api_view.status_code == 200
    assert all("token=" not in m["body"] for m in api_view.json())
    sign_in(client, "admin@site.example.org")
    page_view = client.get("/admin/outbox").text
    client.cookies.clear()
    assert "token=" not in page_view

    seen = _database_copy(db) + api_view.text + page_view
    candidates = set(TOKENISH.findall(seen)) - {admin_token}
    assert candidates
    for candidate in sorted(candidates):
        reset = client.post(
            "/api/v1/auth/password-reset/confirm",
            json={"token": candidate, "new_password": NEW_PASSWORD},
        )
        assert reset.status_code in (404, 422), candidate  # 422: longer than any token
        accept = client.post(
            "/api/v1/invitations/accept",
            json={"token": candidate, "name": "Mallory", "password": NEW_PASSWORD},
        )
        assert accept.status_code >= 400, candidate
        bearer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {candidate}"})
        assert bearer.status_code == 401, candidate
        client.cookies.set(SESSION_COOKIE, candidate)
        assert client.get("/api/v1/me").status_code == 401, candidate
        client.cookies.clear()

    # The recipient's copy still works: the harness above would have caught a usable token.
    db.rollback()
    mail = db.exec(select(OutboxMessage).where(OutboxMessage.to == victim)).one()
    token = mail_text(mail).split("token=")[1].split()[0]
    assert token not in seen
    confirmed = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204


def test_the_link_is_sealed_until_delivery_and_only_a_placeholder_is_stored(
    client: TestClient, db: Session
) -> None:
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    client.post("/api/v1/auth/password-reset", json={"email": "ada@example.org"})
    db.rollback()
    mail = db.exec(select(OutboxMessage)).one()
    assert "(link sent to the recipient only)" in mail.body
    assert mail.sealed_body is not None and "token=" not in mail.sealed_body
    assert "http://testserver/reset-password?token=" in mail_text(mail)
    # The sealed text fails closed when altered.
    tampered = mail.sealed_body[:-6] + ("AAAAAA" if mail.sealed_body[-6:] != "AAAAAA" else "BBBBBB")
    mail.sealed_body = tampered
    try:
        mail_text(mail)
    except ValueError:
        pass
    else:
        raise AssertionError("a tampered sealed body was opened")
    assert PASSWORD not in mail.body
    assert (
        db.exec(select(OutboxMessage).where(col(OutboxMessage.body).contains("token="))).all() == []
    )


def test_without_smtp_in_development_the_link_goes_to_the_log(
    client: TestClient, db: Session, caplog: pytest.LogCaptureFixture
) -> None:
    make_user(db, email="ada@example.org", organisation="Northdale District Council")
    db.commit()
    with caplog.at_level(logging.INFO, logger="app.mail.service"):
        client.post("/api/v1/auth/password-reset", json={"email": "ada@example.org"})
    db.rollback()
    token = mail_text(db.exec(select(OutboxMessage)).one()).split("token=")[1].split()[0]
    assert token in caplog.text
