"""API shapes for customers and service locations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field

Lat = Field(ge=-90, le=90)
Lon = Field(ge=-180, le=180)


class LocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=100)
    address: str = Field(min_length=1, max_length=500)
    lat: float = Lat
    lon: float = Lon
    access_notes: str | None = None


class LocationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, min_length=1, max_length=500)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    access_notes: str | None = None


class LocationRead(LocationIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    archived: bool


class CustomerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    consent_sms: bool = True
    consent_email: bool = True
    notes: str | None = None
    locations: list[LocationIn] = Field(default_factory=list)


class CustomerUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    consent_sms: bool | None = None
    consent_email: bool | None = None
    notes: str | None = None


class CustomerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone: str | None
    email: str | None
    consent_sms: bool
    consent_email: bool
    notes: str | None
    archived: bool
    version: int
    locations: list[LocationRead]
