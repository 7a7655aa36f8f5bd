"""Notifications in the service: what a person is told, beside the email."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field, timestamp_field


class Notification(SQLModel, table=True):
    id: str = id_field()
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    partnership_id: str = Field(foreign_key="partnership.id", max_length=32)
    message: str = Field(max_length=500)
    link: str = Field(max_length=300)
    created_at: datetime = created_at_field()
    read_at: datetime | None = timestamp_field()
