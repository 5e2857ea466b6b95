"""API shapes for company settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CompanyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    timezone: str
    day_start: str
    day_end: str
    working_days: list[int]
    delay_threshold_min: int
    auto_repair: bool
    version: int


class CompanyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: str | None = None
    day_start: str | None = None
    day_end: str | None = None
    working_days: list[int] | None = None
    delay_threshold_min: int | None = Field(default=None, ge=1, le=240)
    auto_repair: bool | None = None
