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
    id: str
    email: str
    name: str
    is_admin: bool
    organisation: OrganisationOut
    partnerships: list[MembershipOut]


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class ResetRequest(BaseModel):
    email: str = Field(max_length=320)


class ResetConfirm(BaseModel):
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
    id: str
    name: str
    can_write: bool
    created_at: datetime
    expires_at: datetime | None


class PersonalTokenCreated(PersonalTokenOut):
    token: str = Field(description="Shown once: store it now")
