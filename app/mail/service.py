"""Email through the transactional outbox.

`queue` writes a message in the caller's transaction, so it exists exactly when the change
does. `deliver_due` sends what is due after the commit: right after the request (a background
task, so no request waits on SMTP) and again every few seconds from the app's delivery loop,
with a growing back-off, until the SMTP server takes it. With no SMTP_HOST the messages stay in
the outbox for site administrators to read, and are logged.

A secret link (password reset, invitation) never rests in plain text: the stored `body` has a
placeholder where the link was, and the text that is sent waits sealed (encrypted under a key
derived from SECRET_KEY) in `sealed_body`, which is erased once the SMTP server has taken the
mail. With no SMTP server in development the whole text, link included, goes to the log instead,
so a developer can follow it while the administrator's outbox still shows only the placeholder;
in production it never does (the mail waits, sealed, for an SMTP server to be configured).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.core.database import session_scope, utcnow
from app.core.security import SealBroken, seal, unseal
from app.core.settings import Settings, get_settings
from app.core.templating import environment
from app.mail.models import OutboxMessage

log = logging.getLogger(__name__)

BATCH = 50
LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
SMTP_TIMEOUT_SECONDS = 10
SEAL_PURPOSE = "outbox-body"
REDACTED_LINK = "(link sent to the recipient only)"


def queue(
    db: Session,
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    partnership_id: str | None = None,
    secret_link: str | None = None,
) -> OutboxMessage:
    """Write an email from `templates/mail/<template>.txt` (first line: the subject).

    `secret_link` is given to the template as `link`, for the recipient's eyes only: it is
    stored sealed until delivery and shown to everyone else as a placeholder.
    """
    found = environment().get_template(f"mail/{template}.txt")
    subject, body = _split(found.render(**{**context, "link": REDACTED_LINK}))
    message = OutboxMessage(to=to, subject=subject, body=body, partnership_id=partnership_id)
    if secret_link is not None:
        settings = get_settings()
        sealed = _split(found.render(**{**context, "link": secret_link}))[1]
        message.sealed_body = seal(settings.secret_key, SEAL_PURPOSE, sealed)
        # Development only: a production log must never hold a credential (ASVS 16.2.5).
        if not settings.smtp_host and not settings.is_production:
            log.info("no SMTP server: mail for %s (%s) reads:\n%s", to, subject, sealed)
    db.add(message)
    db.flush()
    log.info("mail queued for %s: %s", to, message.subject)
    return message


def _split(text: str) -> tuple[str, str]:
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def text_to_send(message: OutboxMessage) -> str:
    """The body as the recipient gets it: unsealed if it carries a link (SealBroken if the
    SECRET_KEY changed since it was queued)."""
    if message.sealed_body is None:
        return message.body
    return unseal(get_settings().secret_key, SEAL_PURPOSE, message.sealed_body)


def _send(settings: Settings, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = f"<{message.id}@roadmap>"
    email.set_content(text_to_send(message))
    assert settings.smtp_host  # noqa: S101 - callers check
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(email)


def _due(now: datetime) -> SelectOfScalar[OutboxMessage]:
    return (
        select(OutboxMessage)
        .where(col(OutboxMessage.sent_at).is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(col(OutboxMessage.created_at))
    )


def _claim(engine: Engine) -> list[OutboxMessage]:
    """Take a lease on the messages that are due, so that two instances never send one twice."""
    now = utcnow()
    with session_scope(engine, write=False) as db:
        # Look first without the write lock: on SQLite it would stall writers for nothing.
        if db.exec(_due(now).limit(1)).first() is None:
            return []
    with session_scope(engine, write=True) as db:
        due = db.exec(_due(now).limit(BATCH).with_for_update(skip_locked=True)).all()
        for message in due:
            message.next_attempt_at = now + LEASE
        return list(due)


def deliver_due(engine: Engine, settings: Settings) -> int:
    """Send every message that is due; returns how many were sent."""
    if not settings.smtp_host:
        return 0
    sent = 0
    for message in _claim(engine):
        try:
            _send(settings, message)
        except (OSError, smtplib.SMTPException, SealBroken) as exc:
            with session_scope(engine, write=True) as db:
                row = db.get(OutboxMessage, message.id)
                if row is not None:
                    row.attempts += 1
                    backoff = min(timedelta(seconds=30 * 2 ** (row.attempts - 1)), MAX_BACKOFF)
                    row.next_attempt_at = utcnow() + backoff
                    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            log.warning("mail %s to %s not sent yet: %s", message.id, message.to, exc)
            continue
        with session_scope(engine, write=True) as db:
            row = db.get(OutboxMessage, message.id)
            if row is not None:
                row.sent_at = utcnow()
                row.attempts += 1
                row.last_error = None
                row.sealed_body = None  # delivered: the link now lives only in the recipient's mail
        sent += 1
    return sent


def retry_now(db: Session) -> int:
    """Make every waiting mail due now (the administrator's "retry now" after an SMTP outage);
    returns how many. Mails under a lease, being sent this moment, are left alone: a lease ends
    at most LEASE from now, so only waits longer than that can be back-offs, and only those are
    cut short; the rest are tried within LEASE anyway. So no mail is ever sent twice."""
    now = utcnow()
    result = db.execute(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.next_attempt_at) > now + LEASE
        )
        .values(next_attempt_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Backlog:
    waiting: int
    oldest_waiting_seconds: int | None


def backlog(db: Session) -> Backlog:
    """How many mails wait to be sent, and how long the oldest has waited."""
    waiting, oldest = db.exec(
        select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(
            col(OutboxMessage.sent_at).is_(None)
        )
    ).one()
    age = None if oldest is None else max(0, int((utcnow() - oldest).total_seconds()))
    return Backlog(waiting=waiting, oldest_waiting_seconds=age)


def health_detail(db: Session) -> dict[str, int | None]:
    """The outbox's figures for `/healthz?detail=true`."""
    found = backlog(db)
    return {"waiting": found.waiting, "oldest_waiting_seconds": found.oldest_waiting_seconds}


async def delivery_loop(engine: Engine, settings: Settings) -> None:
    """Every `mail_poll_seconds`, send what is due (off the event loop); never gives up."""
    while True:
        try:
            await asyncio.to_thread(deliver_due, engine, settings)
        except Exception:  # a database hiccup must not stop mail for good
            log.exception("mail delivery failed; trying again shortly")
        await asyncio.sleep(settings.mail_poll_seconds)
