"""Technician rows: skills "hvac:2; plumbing", shifts "Mon-Fri 08:00-17:00", equipment lists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from crewboard.imports.headers import Row
from crewboard.imports.rows import RowImporter, pick, same_contact
from crewboard.imports.values import parse_shifts, parse_skills, split_list
from crewboard.technicians.actions import do_create_technician
from crewboard.technicians.models import Technician
from crewboard.technicians.schemas import TechnicianCreate

PLAIN_FIELDS = ("name", "phone", "email", "photo_url", "home_address", "home_lat", "home_lon",
                "end_address", "end_lat", "end_lon", "region", "active")


class TechnicianRows(RowImporter):
    fields_by_loc = {"home.lat": "home_lat", "home.lon": "home_lon", "end.lat": "end_lat",
                     "end.lon": "end_lon", "shifts.break_minutes": "break_minutes"}

    def import_row(self, row: Row) -> str:
        values: dict[str, Any] = pick(row, *PLAIN_FIELDS)
        values["skills"] = [{"name": name, "level": level} for name, level
                            in parse_skills(row.get("skills"), "skills").items()]
        values["equipment"] = split_list(row.get("equipment"))
        shifts = parse_shifts(row.get("shifts"), "shifts", row.text("break_minutes"))
        if shifts is not None:
            values["shifts"] = shifts
        elif row.get("break_minutes") is not None:
            self.warn(row, "break_minutes applies to the shifts column, which is empty; the "
                      "company's working hours are used.", "ignored_value", "break_minutes")
        body = TechnicianCreate.model_validate(values)
        existing = self._existing(body)
        if existing is not None:
            self.warn(row, f"Technician {existing.name} already exists (id {existing.id}); the "
                      "row is skipped. Edit existing technicians in crewboard.", "exists",
                      "name")
            return "skipped"
        do_create_technician(self.session, self.actor, **body.model_dump())
        return "created"

    def _existing(self, body: TechnicianCreate) -> Technician | None:
        named = self.session.scalars(select(Technician).where(
            func.lower(Technician.name) == body.name.strip().lower()).order_by(Technician.id))
        return next((t for t in named if same_contact(body.phone, body.email, t.phone, t.email)),
                    None)
