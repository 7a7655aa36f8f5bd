"""Organisations (public bodies) and the people who work for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field, timestamp_field


class OrganisationKind(StrEnum):
    DISTRICT_COUNCIL = "district_council"
    COUNTY_COUNCIL = "county_council"
    UNITARY_COUNCIL = "unitary_council"
    FIRE = "fire"
    POLICE = "police"
    NHS = "nhs"
    HOUSING = "housing"
    OTHER = "other"


class Organisation(SQLModel, table=True):
    """A public body. It exists once and can be a partner in many partnerships."""

    id: str = id_field()
    name: str = Field(max_length=200, unique=True)
    kind: OrganisationKind = enum_field(OrganisationKind, OrganisationKind.OTHER)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    """A person; they belong to exactly one organisation."""

    id: str = id_field()
    email: str = Field(max_length=320, unique=True, description="Stored lower-cased.")
    name: str = Field(max_length=200)
    organisation_id: str = Field(foreign_key="organisation.id", index=True, max_length=32)
    password_hash: str | None = Field(default=None, max_length=200)
    is_admin: bool = False
    is_active: bool = True
    created_at: datetime = created_at_field()


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: str = id_field()
    token_hash: str = Field(max_length=64, unique=True)
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    ended_at: datetime | None = timestamp_field()
    ip: str | None = Field(default=None, max_length=45)
    user_agent: str | None = Field(default=None, max_length=300)


class ApiToken(SQLModel, table=True):
    """A bearer token for the API: from `POST /api/v1/auth/token` or made on the account page."""

    __tablename__ = "api_token"

    id: str = id_field()
    token_hash: str = Field(max_length=64, unique=True)
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    name: str = Field(max_length=100)
    personal: bool = False
    can_write: bool = True
    created_at: datetime = created_at_field()
    expires_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


class SignInAttempt(SQLModel, table=True):
    """A failed sign-in, counted per account and per address to slow down guessing."""

    __tablename__ = "sign_in_attempt"

    id: str = id_field()
    email: str = Field(max_length=320, index=True)
    ip: str = Field(max_length=45, index=True)
    at: datetime = created_at_field()


class PasswordReset(SQLModel, table=True):
    """A one-time password reset link: stored hashed, expires, works once."""

    __tablename__ = "password_reset"

    id: str = id_field()
    token_hash: str = Field(max_length=64, unique=True)
    user_id: str = Field(foreign_key="user.id", index=True, max_length=32)
    created_at: datetime = created_at_field()
    expires_at: datetime = created_at_field()
    used_at: datetime | None = timestamp_field()


class ApiWrite(SQLModel, table=True):
    """One write through a bearer token, kept for a minute to throttle runaway clients."""

    __tablename__ = "api_write"

    id: str = id_field()
    token_id: str = Field(foreign_key="api_token.id", index=True, max_length=32)
    at: datetime = created_at_field()
