"""The JSON shapes of the partnerships API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core import patterns
from app.partnerships.models import Role


class PartnershipCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Northdale and Eastbrook shared revenues and benefits",
                    "service": "Revenues and benefits",
                    "description": "One team for both councils, hosted by Northdale.",
                }
            ]
        }
    )
    name: str = Field(min_length=1, max_length=200, pattern=patterns.VISIBLE)
    service: str = Field(min_length=1, max_length=200, pattern=patterns.VISIBLE)
    description: str = Field(default="", max_length=5000)

    @field_validator("name", "service")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        # The pattern refuses blank names; trim what surrounds a real one.
        return value.strip() or value


class PartnershipSummary(BaseModel):
    id: str
    name: str
    service: str
    roadmap_version: str
    created_at: datetime
    my_partner_id: str
    my_roles: list[Role]


class PersonOut(BaseModel):
    id: str
    name: str
    email: str
    roles: list[Role]


class InvitationOut(BaseModel):
    id: str
    email: str
    roles: list[Role]
    created_at: datetime
    expires_at: datetime
    status: str


class PartnerOut(BaseModel):
    id: str
    organisation_id: str
    organisation: str
    is_lead: bool
    status: str
    joined_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    people: list[PersonOut]
    invitations: list[InvitationOut]


class PartnershipOut(BaseModel):
    id: str
    name: str
    service: str
    description: str
    roadmap_version: str
    created_at: datetime
    partners: list[PartnerOut]


class PartnerInvitationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "lead@eastbrook.example.org",
                    "organisation": "Eastbrook Borough Council",
                    "roles": ["partner_lead", "officer"],
                }
            ]
        }
    )
    email: str = Field(max_length=320, pattern=patterns.EMAIL)
    organisation: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)


class PersonInvitationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"email": "signatory@eastbrook.example.org", "roles": ["signatory"]}]
        }
    )
    email: str = Field(max_length=320, pattern=patterns.EMAIL)
    roles: list[Role] = Field(min_length=1)


class InvitationCreated(BaseModel):
    id: str
    partner_id: str
    email: str
    roles: list[Role]
    expires_at: datetime


class InvitationAccept(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1024)


class AcceptedOut(BaseModel):
    user_id: str
    partnership_id: str
    partner_id: str


class Withdrawal(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class RolesUpdate(BaseModel):
    roles: list[Role]
