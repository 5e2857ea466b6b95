"""CSV export with the headers the importer reads, so export -> import round-trips.

Customers: one row per live service location (a customer without one gets a
row with empty location cells). Technicians: one row each. Jobs: one row per
job, optionally only those on a company-local day; times are company-local.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.company.queries import company_tz
from crewboard.customers.queries import customers_query
from crewboard.imports.headers import Kind
from crewboard.imports.readers import FORMULA_START
from crewboard.imports.values import format_local, format_shifts, format_skills
from crewboard.jobs.queries import jobs_query
from crewboard.technicians.queries import technicians_query

CUSTOMER_COLUMNS = ("name", "phone", "email", "consent_sms", "consent_email", "notes", "label",
                    "address", "lat", "lon", "access_notes")
TECHNICIAN_COLUMNS = ("name", "phone", "email", "photo_url", "home_address", "home_lat",
                      "home_lon", "end_address", "end_lat", "end_lon", "skills", "equipment",
                      "region", "shifts", "break_minutes", "active")
JOB_COLUMNS = ("ref", "status", "technician", "planned_start", "customer", "customer_phone",
               "customer_email", "address", "lat", "lon", "job_type", "description",
               "priority", "window_start", "window_end", "window2_start", "window2_end",
               "window3_start", "window3_end", "duration_min", "required_skills",
               "required_equipment", "contact_name", "contact_phone", "contact_email",
               "access_notes", "billing_ref")
COLUMNS = {Kind.customers: CUSTOMER_COLUMNS, Kind.technicians: TECHNICIAN_COLUMNS,
           Kind.jobs: JOB_COLUMNS}
_NUMBERLIKE = re.compile(r"^[+-][\d\s().-]*$")


def _cell(value: Any) -> str:
    """Text for one cell; formula-like text gets a leading quote (CSV injection guard)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text.startswith(("=", "@", "\t", "\r")) or (
            text.startswith(FORMULA_START) and not _NUMBERLIKE.match(text)):
        return "'" + text
    return text


def customer_rows(session: Session, actor: Actor) -> Iterator[dict[str, Any]]:
    for customer in session.scalars(customers_query(actor)):
        base = {"name": customer.name, "phone": customer.phone, "email": customer.email,
                "consent_sms": customer.consent_sms, "consent_email": customer.consent_email,
                "notes": customer.notes}
        locations = [loc for loc in customer.locations if not loc.archived]
        if not locations:
            yield base
        for loc in locations:
            yield {**base, "label": loc.label, "address": loc.address, "lat": loc.lat,
                   "lon": loc.lon, "access_notes": loc.access_notes}


def technician_rows(session: Session, actor: Actor) -> Iterator[dict[str, Any]]:
    for tech in session.scalars(technicians_query(actor, active=None)):
        breaks = {s.break_minutes for s in tech.shifts}
        yield {"name": tech.name, "phone": tech.phone, "email": tech.email,
               "photo_url": tech.photo_url, "home_address": tech.home_address,
               "home_lat": tech.home_lat, "home_lon": tech.home_lon,
               "end_address": tech.end_address, "end_lat": tech.end_lat,
               "end_lon": tech.end_lon, "skills": format_skills(tech.skill_levels()),
               "equipment": "; ".join(tech.equipment or []), "region": tech.region,
               "shifts": format_shifts([(s.weekday, s.start, s.end) for s in tech.shifts]),
               "break_minutes": breaks.pop() if len(breaks) == 1 else None,
               "active": tech.active}


def job_rows(session: Session, actor: Actor, day: date | None = None
             ) -> Iterator[dict[str, Any]]:
    tz = company_tz(session)
    for job in session.scalars(jobs_query(actor, tz, day=day)).unique():
        row = {"ref": job.ref, "status": job.status.value,
               "technician": job.technician.name if job.technician else None,
               "planned_start": format_local(job.planned_start, tz) if job.planned_start else None,
               "customer": job.customer.name, "customer_phone": job.customer.phone,
               "customer_email": job.customer.email, "address": job.location.address,
               "lat": job.location.lat, "lon": job.location.lon,
               "job_type": job.job_type.name if job.job_type else None,
               "description": job.description, "priority": job.priority.value,
               "duration_min": job.duration_min,
               "required_skills": format_skills(job.skill_levels()),
               "required_equipment": "; ".join(job.required_equipment or []),
               "contact_name": job.contact_name, "contact_phone": job.contact_phone,
               "contact_email": job.contact_email, "access_notes": job.access_notes,
               "billing_ref": job.billing_ref}
        names = ("window_start", "window_end"), ("window2_start", "window2_end"), (
            "window3_start", "window3_end")
        for (start, end), window in zip(names, job.windows, strict=False):
            row[start], row[end] = (format_local(window.starts_at, tz),
                                    format_local(window.ends_at, tz))
        yield row


def export_rows(session: Session, actor: Actor, kind: Kind,
                day: date | None = None) -> Iterator[dict[str, Any]]:
    if kind is Kind.customers:
        return customer_rows(session, actor)
    if kind is Kind.technicians:
        return technician_rows(session, actor)
    return job_rows(session, actor, day)


def export_csv(session: Session, actor: Actor, kind: Kind, day: date | None = None) -> str:
    """The whole export as CSV text (header row first)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = COLUMNS[kind]
    writer.writerow(columns)
    for row in export_rows(session, actor, kind, day):
        writer.writerow([_cell(row.get(c)) for c in columns])
    return out.getvalue()
