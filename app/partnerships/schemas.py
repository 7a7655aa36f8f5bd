"""The JSON shapes of the partnerships API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from app.core import patterns
from app.partnerships.models import AUTHORITY_MAX_LENGTH, SIGNING_ROLES, Role

AUTHORITY_DESCRIPTION = (
    "The decision a signing role (signatory, ceo, cfo) is granted on, such as a scheme of "
    "delegation or a committee minute: required to give one."
)


def _authority() -> Any:
    return Field(
        default=None,
        max_length=AUTHORITY_MAX_LENGTH,
        pattern=patterns.VISIBLE,
        description=AUTHORITY_DESCRIPTION,
    )


# A request giving a signing role names its authority; the schema says so, so that a client
# can know from it alone (the server refuses the same with 422).
NEEDS_AUTHORITY: dict[str, JsonValue] = {
    "if": {
        "required": ["roles"],
        "properties": {
            "roles": {"contains": {"enum": list[JsonValue](sorted(r.value for r in SIGNING_ROLES))}}
        },
    },
    "then": {"required": ["authority"], "properties": {"authority": {"type": "string"}}},
}


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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "a41d6e2f9c0b4873b5e1d8c2f6a09e37",
                    "name": "Northdale and Eastbrook shared revenues and benefits",
                    "service": "Revenues and benefits",
                    "roadmap_version": "2026.1",
                    "created_at": "2026-11-22T10:15:00Z",
                    "my_partner_id": "5b8e0c3a7f1d4926a4c8e2b6d0f19c58",
                    "my_roles": ["lead", "partner_lead"],
                }
            ]
        }
    )
    id: str
    name: str
    service: str
    roadmap_version: str
    created_at: datetime
    my_partner_id: str
    my_roles: list[Role]


class AuthorityOut(BaseModel):
    """A signing role a person holds, who granted it, when, and on what authority."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "role": "ceo",
                    "authority": "Cabinet minute 2026/114",
                    "granted_by": "c5f81a2e6d9b4037a1e4c8f2b9d06e15",
                    "granted_by_name": "Sam Patel",
                    "granted_at": "2026-11-23T11:20:00Z",
                }
            ]
        }
    )
    role: Role
    authority: str | None = Field(
        description="Null for a grant made before authorities were recorded."
    )
    granted_by: str | None = Field(description="The person who granted it; null if not recorded.")
    granted_by_name: str | None
    granted_at: datetime


class PersonOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c5f81a2e6d9b4037a1e4c8f2b9d06e15",
                    "name": "Sam Patel",
                    "email": "lead@eastbrook.example.org",
                    "roles": ["partner_lead", "officer"],
                    "authorities": [],
                },
                {
                    "id": "f1a7c3e9b5d24068a2c4e6f8b0d13a57",
                    "name": "Jordan Hughes",
                    "email": "ceo@eastbrook.example.org",
                    "roles": ["ceo"],
                    "authorities": [
                        {
                            "role": "ceo",
                            "authority": "Cabinet minute 2026/114",
                            "granted_by": "c5f81a2e6d9b4037a1e4c8f2b9d06e15",
                            "granted_by_name": "Sam Patel",
                            "granted_at": "2026-11-23T11:20:00Z",
                        }
                    ],
                },
            ]
        }
    )
    id: str
    name: str
    email: str
    roles: list[Role]
    authorities: list[AuthorityOut] = Field(
        description="For each signing role held (signatory, ceo, cfo): who granted it, when, "
        "and on what authority."
    )


class InvitationOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2e9b5d71c4a04f8e96d3b0a7e5c18f42",
                    "email": "signatory@eastbrook.example.org",
                    "roles": ["signatory"],
                    "created_at": "2026-11-22T10:15:00Z",
                    "expires_at": "2026-12-06T10:15:00Z",
                    "status": "pending",
                }
            ]
        }
    )
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
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "a41d6e2f9c0b4873b5e1d8c2f6a09e37",
                    "name": "Northdale and Eastbrook shared revenues and benefits",
                    "service": "Revenues and benefits",
                    "description": "One team for both councils, hosted by Northdale.",
                    "roadmap_version": "2026.1",
                    "created_at": "2026-11-22T10:15:00Z",
                    "partners": [
                        {
                            "id": "5b8e0c3a7f1d4926a4c8e2b6d0f19c58",
                            "organisation_id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                            "organisation": "Northdale District Council",
                            "is_lead": True,
                            "status": "active",
                            "joined_at": "2026-11-22T10:15:00Z",
                            "withdrawn_at": None,
                            "withdrawal_reason": None,
                            "people": [
                                {
                                    "id": "7c1e4b9a2d6f4e08b3a5c7d9e1f20a64",
                                    "name": "Alex Morgan",
                                    "email": "lead@northdale.example.org",
                                    "roles": ["lead", "partner_lead"],
                                    "authorities": [],
                                }
                            ],
                            "invitations": [],
                        },
                        {
                            "id": "e2c7a9154b3d4f60980c1a6e5d7b2f49",
                            "organisation_id": "9d04f6b2c8e14a37b5f2e0d9c1a6837e",
                            "organisation": "Eastbrook Borough Council",
                            "is_lead": False,
                            "status": "active",
                            "joined_at": "2026-11-23T09:40:00Z",
                            "withdrawn_at": None,
                            "withdrawal_reason": None,
                            "people": [
                                {
                                    "id": "c5f81a2e6d9b4037a1e4c8f2b9d06e15",
                                    "name": "Sam Patel",
                                    "email": "lead@eastbrook.example.org",
                                    "roles": ["partner_lead", "officer"],
                                    "authorities": [],
                                }
                            ],
                            "invitations": [
                                {
                                    "id": "2e9b5d71c4a04f8e96d3b0a7e5c18f42",
                                    "email": "signatory@eastbrook.example.org",
                                    "roles": ["signatory"],
                                    "created_at": "2026-11-23T10:05:00Z",
                                    "expires_at": "2026-12-07T10:05:00Z",
                                    "status": "pending",
                                }
                            ],
                        },
                    ],
                }
            ]
        }
    )
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
            ],
            "allOf": [NEEDS_AUTHORITY],
        }
    )
    email: str = Field(max_length=320, pattern=patterns.EMAIL)
    organisation: str = Field(min_length=1, max_length=200)
    roles: list[Role] = Field(min_length=1)
    authority: str | None = _authority()


class PersonInvitationCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"email": "officer@eastbrook.example.org", "roles": ["officer"]},
                {
                    "email": "signatory@eastbrook.example.org",
                    "roles": ["signatory"],
                    "authority": "Scheme of delegation 4.2",
                },
            ],
            "allOf": [NEEDS_AUTHORITY],
        }
    )
    email: str = Field(max_length=320, pattern=patterns.EMAIL)
    roles: list[Role] = Field(min_length=1)
    authority: str | None = _authority()


class InvitationCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "2e9b5d71c4a04f8e96d3b0a7e5c18f42",
                    "partner_id": "e2c7a9154b3d4f60980c1a6e5d7b2f49",
                    "email": "signatory@eastbrook.example.org",
                    "roles": ["signatory"],
                    "expires_at": "2026-12-07T10:05:00Z",
                }
            ]
        }
    )
    id: str
    partner_id: str
    email: str
    roles: list[Role]
    expires_at: datetime


class InvitationAccept(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "Q4TP7Cey2grNN98iYwjwSX_CqesqnYrT7we7t1IHWv0",
                    "name": "Jordan Hughes",
                    "password": "correct horse battery staple",
                }
            ]
        }
    )
    token: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(max_length=1024)


class AcceptedOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": "f1a7c3e9b5d24068a2c4e6f8b0d13a57",
                    "partnership_id": "a41d6e2f9c0b4873b5e1d8c2f6a09e37",
                    "partner_id": "e2c7a9154b3d4f60980c1a6e5d7b2f49",
                }
            ]
        }
    )
    user_id: str
    partnership_id: str
    partner_id: str


class Withdrawal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "reason": "Eastbrook's cabinet decided on 10 March 2027 to keep revenues "
                    "and benefits in house."
                }
            ]
        }
    )
    reason: str = Field(min_length=1, max_length=2000)


class RolesUpdate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"roles": ["officer"]},
                {"roles": ["officer", "signatory"], "authority": "Scheme of delegation 4.2"},
            ]
        }
    )
    roles: list[Role] = Field(
        description="The roles the person is to hold; `lead` is not among them (it comes with "
        "starting the partnership and is kept as it is).",
        # The schema offers only the roles that can be set here, so a client knows from it.
        json_schema_extra={
            "items": {"type": "string", "enum": [r.value for r in Role if r is not Role.LEAD]}
        },
    )
    authority: str | None = Field(
        default=None,
        max_length=AUTHORITY_MAX_LENGTH,
        pattern=patterns.VISIBLE,
        description="Required when the roles give the person a signing role (signatory, ceo, "
        "cfo) they do not hold yet: the decision it is granted on, such as a scheme of "
        "delegation or a committee minute. Roles already held keep their authority.",
    )

    @field_validator("roles")
    @classmethod
    def _settable(cls, roles: list[Role]) -> list[Role]:
        # Dropped silently, `["lead"]` used to take every other role away (issue 13).
        if Role.LEAD in roles:
            raise ValueError(
                "'lead' cannot be set here: the partnership lead role is kept as it is"
            )
        return roles
