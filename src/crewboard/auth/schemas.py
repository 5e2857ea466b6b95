"""API shapes for login, users and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from crewboard.auth.actor import Role


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    password: str


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str | None = None
    technician_id: int | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    password: str | None = None
    technician_id: int | None = None
    active: bool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    technician_id: int | None
    active: bool
    version: int


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked: bool


class NewTokenRead(TokenRead):
    token: str = Field(description="shown once; store it now")
