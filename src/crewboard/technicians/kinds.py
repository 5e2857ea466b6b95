"""Enumerations shared by technician models and schemas."""

from enum import StrEnum


class AbsenceKind(StrEnum):
    time_off = "time_off"
    call_out = "call_out"
