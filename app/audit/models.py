"""The audit trail: append-only events, each carrying the hash of the one before it, sealed
with a key the database does not hold, and a sealed head per chain that says how long it is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, id_field

SITE_CHAIN = "site"


class AuditEvent(SQLModel, table=True):
    """One change, recorded in the same transaction as the change itself.

    Events form one chain per partnership (`chain` is the partnership id) plus a "site" chain
    for sign-ins and account events: `position` counts from 1 within the chain, and `hash` is
    the SHA-256 of the event's canonical content including `prev_hash`. `seal` is the HMAC of
    (chain, position, hash) under the audit key (`app.audit.sealing`), so a rewrite that
    recomputes the hashes is caught, and `key_id` names that key; both are null only for
    events written before sealing began.
    """

    __tablename__ = "audit_event"
    __table_args__ = (sa.UniqueConstraint("chain", "position"),)

    id: str = id_field()
    chain: str = Field(max_length=32, index=True)
    position: int = Field(ge=1)
    partnership_id: str | None = Field(default=None, foreign_key="partnership.id", max_length=32)
    actor_id: str | None = Field(default=None, foreign_key="user.id", max_length=32)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: str | None = Field(default=None, max_length=64)
    before: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    after: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    at: datetime = created_at_field()
    request_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=45)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    seal: str | None = Field(default=None, max_length=64)
    key_id: str | None = Field(default=None, max_length=16)


class AuditHead(SQLModel, table=True):
    """A chain's newest event, sealed: how long the chain must be.

    Moved forward in the same transaction as every append, under the chain's lock, and the
    next append continues from it rather than from the newest row left in `audit_event`, so
    deleting the tail of a chain is caught. `seal` is the HMAC of (chain, position, hash)
    under the audit key; `key_id` names that key, so that verifying with another SECRET_KEY
    says so instead of calling every event forged.
    """

    __tablename__ = "audit_head"

    chain: str = Field(primary_key=True, max_length=32)
    position: int = Field(ge=0)
    hash: str = Field(max_length=64)
    seal: str = Field(max_length=64)
    key_id: str = Field(max_length=16)
