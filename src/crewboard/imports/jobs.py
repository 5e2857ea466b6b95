"""Job rows: customer by id or name (created from the row if new), address or location
id, job type by name, appointment windows in company-local time; source is import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.company.queries import company_tz
from crewboard.customers.actions import do_add_location, do_create_customer
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.customers.schemas import CustomerCreate, LocationIn
from crewboard.errors import ValidationFailed
from crewboard.imports.customers import find_customer, same_address
from crewboard.imports.headers import Columns, Row
from crewboard.imports.rows import RowImporter, pick
from crewboard.imports.values import bad, parse_minutes, parse_skills, parse_when, split_list
from crewboard.jobs.actions import do_create_job
from crewboard.jobs.kinds import Source
from crewboard.jobs.models import JobType
from crewboard.jobs.schemas import JobCreate

WINDOWS = (("window_start", "window_end"), ("window2_start", "window2_end"),
           ("window3_start", "window3_end"))
TEXT_FIELDS = ("description", "contact_name", "contact_phone", "contact_email",
               "access_notes", "billing_ref")


class JobRows(RowImporter):
    fields_by_loc = {
        "windows": "window_start",
        **{f"windows.{i}": start for i, (start, _end) in enumerate(WINDOWS)},
        **{f"windows.{i}.start": start for i, (start, _end) in enumerate(WINDOWS)},
        **{f"windows.{i}.end": end for i, (_start, end) in enumerate(WINDOWS)},
        "job_type_id": "job_type", "name": "customer", "phone": "customer_phone",
        "email": "customer_email", "locations": "address", "locations.lat": "lat",
        "locations.lon": "lon", "locations.address": "address",
    }

    def __init__(self, session: Session, actor: Actor, columns: Columns) -> None:
        super().__init__(session, actor, columns)
        self.tz = company_tz(session)

    def import_row(self, row: Row) -> str:
        values = self._job_values(row)
        JobCreate.model_validate({**values, "customer_id": 0})  # every job field's problem first
        customer = self._customer(row)
        values["customer_id"] = customer.id if customer else row.text("customer_id")
        if row.get("location_id") is not None:
            values["location_id"] = row.text("location_id")
        elif customer is not None and row.get("address") is not None:
            values["location_id"] = self._location(row, customer).id
        body = JobCreate.model_validate(values)
        do_create_job(self.session, self.actor, windows=[w.pair() for w in body.windows],
                      **body.model_dump(exclude={"windows"}))
        return "created"

    # ---------------------------------------------------------------- pieces

    def _job_values(self, row: Row) -> dict[str, Any]:
        values: dict[str, Any] = {**pick(row, *TEXT_FIELDS), "source": Source.import_}
        if row.get("priority") is not None:
            values["priority"] = (row.text("priority") or "").strip().lower()
        if row.get("duration_min") is not None:
            values["duration_min"] = parse_minutes(row.get("duration_min"), "duration_min")
        if row.get("required_skills") is not None:
            values["required_skills"] = parse_skills(row.get("required_skills"),
                                                     "required_skills")
        if row.get("required_equipment") is not None:
            values["required_equipment"] = split_list(row.get("required_equipment"))
        if row.get("job_type") is not None:
            values["job_type_id"] = self._job_type(row.text("job_type") or "").id
        values["windows"] = self._windows(row)
        return values

    def _windows(self, row: Row) -> list[dict[str, Any]]:
        day = row.get("date")
        windows = []
        for start_field, end_field in WINDOWS:
            start, end = row.get(start_field), row.get(end_field)
            if start is None and end is None:
                continue
            if start is None or end is None:
                missing = start_field if start is None else end_field
                raise bad(missing, "The appointment window needs both a start and an end; "
                          f"'{self.columns.column(missing) or missing}' is empty.")
            begins = parse_when(start, self.tz, start_field, day=day)
            ends = parse_when(end, self.tz, end_field, day=day if day is not None else begins)
            windows.append({"start": begins, "end": ends})
        if day is not None and not windows:
            raise bad("window_start", "A date without window start and end times does not say "
                      "when; add window_start and window_end.")
        return windows

    def _job_type(self, name: str) -> JobType:
        job_type = self.session.scalar(select(JobType).where(
            func.lower(JobType.name) == name.strip().lower(), JobType.archived.is_(False)))
        if job_type is None:
            known = ", ".join(self.session.scalars(
                select(JobType.name).where(JobType.archived.is_(False)).order_by(JobType.name)))
            raise ValidationFailed("unknown_job_type", f"Unknown job type '{name}' (job types: "
                                   f"{known or 'none yet'}).", field="job_type")
        return job_type

    def _customer(self, row: Row) -> Customer | None:
        """The row's customer: by id, by name (and phone/e-mail), or created from the row."""
        if row.get("customer_id") is not None:
            text = row.text("customer_id") or ""
            if not text.isdigit():
                raise bad("customer_id", f"'{text}' is not a customer number.")
            customer = self.session.get(Customer, int(text))
            return customer if customer is not None and not customer.archived else None
        name = row.text("customer")
        if name is None:
            raise ValidationFailed("customer_required", "The row names no customer; fill in "
                                   "the customer name or customer_id.", field="customer")
        phone, email = row.text("customer_phone"), row.text("customer_email")
        customer = find_customer(self.session, name, phone, email, field="customer")
        if customer is not None:
            return customer
        location = pick(row, "address", "lat", "lon")
        contact = {k: v for k, v in (("phone", phone), ("email", email)) if v}
        body = CustomerCreate.model_validate(
            {"name": name, **contact, "locations": [location] if location else []})
        return do_create_customer(self.session, self.actor, **body.model_dump())

    def _location(self, row: Row, customer: Customer) -> ServiceLocation:
        address = row.text("address") or ""
        for location in customer.locations:
            if not location.archived and same_address(location.address, address):
                return location
        if row.get("lat") is None and row.get("lon") is None:
            raise ValidationFailed("unknown_address", f"'{address}' is not a service location "
                                   f"of {customer.name}; add lat and lon to the row to add it.",
                                   field="address")
        new = LocationIn.model_validate(pick(row, "address", "lat", "lon"))
        return do_add_location(self.session, self.actor, customer, new.model_dump())
