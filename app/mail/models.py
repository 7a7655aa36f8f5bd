"""The transactional outbox: messages written with the change, sent after it commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field, timestamp_field


class OutboxMessage(SQLModel, table=True):
    """An email waiting to be sent, or sent (kept for the site administrator to read).

    `body` is what anyone who reads the table may see: a secret link in it is replaced by a
    placeholder. A mail that carries one keeps the whole text in `sealed_body`, encrypted under
    a key derived from SECRET_KEY, only until it is delivered.
    """

    __tablename__ = "outbox_message"

    id: str = id_field()
    to: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=20_000)
    sealed_body: str | None = Field(default=None, sa_type=sa.Text)
    partnership_id: str | None = Field(default=None, foreign_key="partnership.id", max_length=32)
    created_at: datetime = created_at_field()
    next_attempt_at: datetime = created_at_field()
    attempts: int = 0
    sent_at: datetime | None = timestamp_field()
    last_error: str | None = Field(default=None, max_length=2000)
