"""Shared helpers for edits: apply a change set and guard against stale versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect as sa_inspect

from crewboard.errors import Conflict, ValidationFailed


class StaleVersion(Conflict):
    """The caller edited an old copy; the API answers 409 with the current record."""

    def __init__(self, obj: Any, what: str, sent: int) -> None:
        super().__init__("stale_version",
                         f"{what} was changed by someone else (you sent version {sent}, "
                         f"current is {obj.version}); reload it and try again.")
        self.obj = obj
        self.current: dict[str, Any] | None = None  # the API shape, filled in by the edge


def check_version(obj: Any, version: int | None, what: str) -> None:
    """Refuse an edit made against an older version of ``obj``."""
    if version is not None and obj.version != version:
        raise StaleVersion(obj, what, version)


def apply_changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes that differ and return ``{field: [old, new]}`` for the audit row.

    An explicit null for a column that cannot be empty is refused naming the field
    (it would otherwise surface as a database integrity error).
    """
    columns = sa_inspect(type(obj)).columns
    for key, value in values.items():
        if value is None and key in columns and not columns[key].nullable:
            raise ValidationFailed("value_required", f"{key} cannot be null.", field=key)
    changed: dict[str, list[Any]] = {}
    for key, value in values.items():
        old = getattr(obj, key)
        if old != value:
            setattr(obj, key, value)
            changed[key] = [old, value]
    return changed
