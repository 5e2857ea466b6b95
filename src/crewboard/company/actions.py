"""Editing company settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.company.clock import check_hhmm, check_timezone
from crewboard.company.models import Company
from crewboard.company.queries import get_company
from crewboard.errors import ValidationFailed
from crewboard.events.actions import record_event


def check_company_values(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("timezone") is not None:
        check_timezone(values["timezone"])
    for field in ("day_start", "day_end"):
        if values.get(field) is not None:
            values[field] = check_hhmm(values[field], field)
    days = values.get("working_days")
    if days is not None and any(d not in range(7) for d in days):
        raise ValidationFailed("bad_weekday", "working_days holds weekdays 0 (Monday) to 6.",
                               field="working_days")
    return {k: v for k, v in values.items() if v is not None}


def do_update_company(session: Session, actor: Actor, *, version: int | None,
                      values: dict[str, Any]) -> Company:
    company = get_company(session)
    check_version(company, version, "The company settings")
    changed = apply_changes(company, check_company_values(values))
    session.flush()
    record_event(session, actor, "company.updated", "company", company.id,
                 data={"changed": changed})
    return company
