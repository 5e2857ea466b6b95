"""API shapes for skills and technicians."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from crewboard.technicians.kinds import AbsenceKind


class SkillIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str | None = Field(default=None, max_length=300)
    max_level: int = Field(default=1, ge=1, le=10)


class SkillRead(SkillIn):
    model_config = ConfigDict(from_attributes=True)

    id: int


class SkillLevel(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)  # read from TechnicianSkill

    name: str
    level: int = Field(default=1, ge=1, le=10)


class ShiftIn(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    start: str = Field(description="local HH:MM")
    end: str = Field(description="local HH:MM")
    break_minutes: int = Field(default=30, ge=0, le=180)


class AbsenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AbsenceKind = AbsenceKind.time_off
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    reason: str | None = None


class AbsenceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: AbsenceKind
    starts_at: datetime
    ends_at: datetime
    reason: str | None


class TechnicianBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    photo_url: str | None = Field(default=None, max_length=500)
    home_address: str | None = Field(default=None, max_length=500)
    end_address: str | None = Field(default=None, max_length=500)
    end_lat: float | None = Field(default=None, ge=-90, le=90)
    end_lon: float | None = Field(default=None, ge=-180, le=180)
    equipment: list[str] = Field(default_factory=list)
    region: str | None = Field(default=None, max_length=100)
    active: bool = True


class TechnicianCreate(TechnicianBase):
    name: str = Field(min_length=1, max_length=200)
    home_lat: float = Field(ge=-90, le=90)
    home_lon: float = Field(ge=-180, le=180)
    skills: list[SkillLevel] = Field(default_factory=list)
    shifts: list[ShiftIn] | None = Field(
        default=None, description="weekly hours; omitted = the company's working days and hours")


class TechnicianUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: EmailStr | None = None
    photo_url: str | None = Field(default=None, max_length=500)
    home_address: str | None = Field(default=None, max_length=500)
    home_lat: float | None = Field(default=None, ge=-90, le=90)
    home_lon: float | None = Field(default=None, ge=-180, le=180)
    end_address: str | None = Field(default=None, max_length=500)
    end_lat: float | None = Field(default=None, ge=-90, le=90)
    end_lon: float | None = Field(default=None, ge=-180, le=180)
    equipment: list[str] | None = None
    region: str | None = Field(default=None, max_length=100)
    active: bool | None = None
    skills: list[SkillLevel] | None = None
    shifts: list[ShiftIn] | None = None


class TechnicianRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone: str | None
    email: str | None
    photo_url: str | None
    home_address: str | None
    home_lat: float
    home_lon: float
    end_address: str | None
    end_lat: float | None
    end_lon: float | None
    equipment: list[str]
    region: str | None
    active: bool
    skills: list[SkillLevel]
    shifts: list[ShiftIn]
    absences: list[AbsenceRead]
    last_lat: float | None
    last_lon: float | None
    last_seen_at: datetime | None
    version: int


class LocationReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float
    lon: float
    at: AwareDatetime | None = Field(default=None, description="when the phone took the fix")
    accuracy_m: float | None = Field(default=None, ge=0)
