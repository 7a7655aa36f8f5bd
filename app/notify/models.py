"""Notifications in the service: what a person is told, beside the email, and how often each
person wants the news by email."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field


class MailChoice(StrEnum):
    """How a person wants the news (every mail that does not ask them to act)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class MailState(StrEnum):
    """What became of a notification's email."""

    SENT = "sent"  # queued at once, on its own
    WAITING = "waiting"  # news waiting for the person's daily digest
    DIGESTED = "digested"  # went out in a digest
    NONE = "none"  # the person chose no news by email


class Notification(SQLModel, table=True):
    __table_args__ = (sa.Index("ix_notification_mail_state_user", "mail_state", "user_id"),)

    id: str = id_field()
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    partnership_id: str = Field(foreign_key="partnership.id", max_length=32)
    message: str = Field(max_length=500)
    link: str = Field(max_length=300)
    created_at: datetime = created_at_field()
    read_at: datetime | None = timestamp_field()
    # Asks the person to act (sign, score, accept): always mailed at once, whatever their choice.
    action: bool = False
    mail_state: MailState = enum_field(MailState, MailState.SENT)
    # The partnership's sealed audit head just after the change this tells of (a sign-off or
    # an agreement), so that the reader can compare it with `roadmap audit verify` later.
    audit_head: Any = Field(default=None, sa_type=sa.JSON, nullable=True)


class MailPreference(SQLModel, table=True):
    """A person's choice for news by email; no row means the default, daily."""

    __tablename__ = "mail_preference"

    user_id: str = Field(foreign_key="user.id", primary_key=True, max_length=32)
    news: MailChoice = enum_field(MailChoice, MailChoice.DAILY)
    updated_at: datetime = created_at_field()
