"""What every table shares: opaque string ids and UTC timestamps."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.database import UTCDateTime, utcnow

# Named constraints, so that later migrations (SQLite's batch mode included) can refer to them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """An opaque identifier: 128 random bits, hex."""
    return secrets.token_hex(16)


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True, max_length=32)


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def timestamp_field(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def enum_field(enum: type[StrEnum], default: StrEnum | None = None) -> Any:
    """A StrEnum stored as its value in a plain string column (no database enum type to migrate)."""
    column_type = sa.Enum(
        enum,
        native_enum=False,
        length=30,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
    if default is None:
        return Field(sa_type=column_type, nullable=False)
    return Field(default=default, sa_type=column_type, nullable=False)


__all__ = [
    "created_at_field",
    "datetime",
    "enum_field",
    "id_field",
    "new_id",
    "timestamp_field",
]
