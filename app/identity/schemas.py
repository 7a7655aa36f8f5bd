"""The JSON shapes of the identity API (never a table model: no hash ever leaves)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core import patterns


class TokenRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"email": "lead@northdale.example.org", "password": "correct horse battery"}
            ]
        }
    )
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "D8-oL4kHazH6_MqFnQMI9MjDIjE6EfD0E0b60vz0MH8",
                    "token_type": "bearer",
                    "expires_at": "2026-11-22T18:15:00Z",
                }
            ]
        }
    )
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_at: datetime | None


class OrganisationOut(BaseModel):
    id: str
    name: str
    kind: str


class MembershipOut(BaseModel):
    partnership_id: str
    name: str
    partner_id: str
    partner_status: str
    roles: list[str]


class MeOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "7c1e4b9a2d6f4e08b3a5c7d9e1f20a64",
                    "email": "lead@northdale.example.org",
                    "name": "Alex Morgan",
                    "is_admin": False,
                    "organisation": {
                        "id": "3f2a9c0e5b7d4e1f8a6c2b9d0e4f7a13",
                        "name": "Northdale District Council",
                        "kind": "district_council",
                    },
                    "partnerships": [
                        {
                            "partnership_id": "a41d6e2f9c0b4873b5e1d8c2f6a09e37",
                            "name": "Northdale and Eastbrook shared revenues and benefits",
                            "partner_id": "5b8e0c3a7f1d4926a4c8e2b6d0f19c58",
                            "partner_status": "active",
                            "roles": ["lead", "partner_lead"],
                        }
                    ],
                }
            ]
        }
    )
    id: str
    email: str
    name: str
    is_admin: bool
    organisation: OrganisationOut
    partnerships: list[MembershipOut] = Field(
        description="One page of memberships (`?limit=`, default 50; the next page's "
        "`?cursor=` is in the X-Next-Cursor and Link headers)."
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current_password": "autumn budget 2026",
                    "new_password": "correct horse battery staple",
                }
            ]
        }
    )
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class ResetRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "lead@northdale.example.org"}]}
    )
    email: str = Field(max_length=320)


class ResetConfirm(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "token": "z8zypbQVJipC4r_LiCIDYm0fQ8VgDnF34oakVddnuCM",
                    "new_password": "correct horse battery staple",
                }
            ]
        }
    )
    token: str = Field(max_length=200)
    new_password: str = Field(max_length=1024)


class PersonalTokenIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"name": "Document management system", "can_write": False, "expires_in_days": 90}
            ]
        }
    )
    name: str = Field(min_length=1, max_length=100, pattern=patterns.VISIBLE)
    can_write: StrictBool = False
    expires_in_days: int = Field(default=90, ge=1, le=365)


class PersonalTokenOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6a3f0d8c1e5b4a7290c4e6b1d8f3a25c",
                    "name": "Document management system",
                    "can_write": False,
                    "created_at": "2026-11-22T10:15:00Z",
                    "expires_at": "2027-02-20T10:15:00Z",
                }
            ]
        }
    )
    id: str
    name: str
    can_write: bool
    created_at: datetime
    expires_at: datetime | None


class PersonalTokenCreated(PersonalTokenOut):
    # Its own examples: the inherited ones lack the token.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "6a3f0d8c1e5b4a7290c4e6b1d8f3a25c",
                    "name": "Document management system",
                    "can_write": False,
                    "created_at": "2026-11-22T10:15:00Z",
                    "expires_at": "2027-02-20T10:15:00Z",
                    "token": "pr6ub75Hz6UuaMNJYiZHSu1nflk08gyPRAEvpWPJZNY",
                }
            ]
        }
    )
    token: str = Field(description="Shown once: store it now")
