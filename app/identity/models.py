"""Organisations (public bodies) and the people who work for them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.core.models import created_at_field, enum_field, id_field


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
