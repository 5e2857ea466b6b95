"""Who is acting: passed to every access_/do_ function."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    dispatcher = "dispatcher"
    technician = "technician"
    viewer = "viewer"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role
    name: str
    technician_id: int | None = None

    @property
    def can_dispatch(self) -> bool:
        return self.role in (Role.admin, Role.dispatcher)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin


SYSTEM = Actor(user_id=None, role=Role.admin, name="system")
