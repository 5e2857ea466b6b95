"""Matching a spreadsheet's headers to our fields.

Headers match case-, space- and punctuation-insensitively against each
field's name and common synonyms ("Customer Name", "E-mail", "Lng"); an
explicit ``--map "Their Header=our_field"`` wins over the guess, and
``=ignore`` silences a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from crewboard.errors import ValidationFailed
from crewboard.imports.report import Notice


class Kind(StrEnum):
    customers = "customers"
    technicians = "technicians"
    jobs = "jobs"


IGNORE = "ignore"
PHONE = ("phone number", "telephone", "tel", "mobile", "cell", "cell phone", "mobile phone")
EMAIL = ("e-mail", "email address", "e-mail address", "mail")
LAT = ("latitude",)
LON = ("lng", "long", "longitude")
ACCESS = ("access", "access instructions", "gate code", "entry notes")


@dataclass(frozen=True)
class Spec:
    """The columns of one kind: synonyms per field, required fields, export-only columns."""

    fields: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    """Each entry is a set of alternatives of which the file needs at least one."""
    export_only: tuple[str, ...] = ()
    """Columns our export writes for people that the import reads past silently."""


SPECS: dict[Kind, Spec] = {
    Kind.customers: Spec(
        fields={
            "name": ("customer name", "customer", "client", "client name", "full name"),
            "phone": PHONE, "email": EMAIL,
            "consent_sms": ("sms consent", "sms ok", "texts ok", "sms"),
            "consent_email": ("email consent", "e-mail consent", "email ok"),
            "notes": ("customer notes", "comments", "comment"),
            "label": ("location label", "location name", "site", "site name"),
            "address": ("service address", "street address", "location address", "location",
                        "addr"),
            "lat": LAT, "lon": LON, "access_notes": ACCESS,
        },
        required=(("name",),)),
    Kind.technicians: Spec(
        fields={
            "name": ("technician", "technician name", "tech", "tech name", "full name"),
            "phone": PHONE, "email": EMAIL,
            "photo_url": ("photo", "photo link", "picture"),
            "home_address": ("address", "home", "start address", "base address"),
            "home_lat": ("lat", "latitude", "home latitude", "start lat"),
            "home_lon": ("lon", "lng", "long", "longitude", "home longitude", "home lng",
                         "start lon"),
            "end_address": ("end of day address",),
            "end_lat": ("end latitude",),
            "end_lon": ("end lng", "end longitude"),
            "skills": ("skill", "skill levels", "skills and levels", "competencies"),
            "equipment": ("tools", "van equipment", "vehicle equipment"),
            "region": ("area", "zone", "territory"),
            "shifts": ("shift", "hours", "shift hours", "working hours", "schedule",
                       "availability"),
            "break_minutes": ("break", "break min", "break mins", "lunch minutes"),
            "active": ("enabled",),
        },
        required=(("name",), ("home_lat",), ("home_lon",))),
    Kind.jobs: Spec(
        fields={
            "customer": ("customer name", "client", "client name", "name"),
            "customer_id": ("customer number", "customer no", "client id"),
            "customer_phone": ("phone", *PHONE, "customer phone number"),
            "customer_email": ("email", *EMAIL, "customer e-mail"),
            "location_id": ("service location id",),
            "address": ("service address", "street address", "job address", "location",
                        "addr"),
            "lat": LAT, "lon": LON,
            "job_type": ("type", "job type name", "service", "service type", "work type"),
            "description": ("problem", "details", "job description", "work description",
                            "issue"),
            "priority": ("urgency",),
            "date": ("day", "appointment date", "service date", "job date"),
            "window_start": ("start", "from", "window from", "arrival from",
                             "appointment start", "window 1 start", "window1 start"),
            "window_end": ("end", "to", "window to", "arrival to", "appointment end",
                           "window 1 end", "window1 end"),
            "window2_start": ("second window start", "window 2 start", "alt window start"),
            "window2_end": ("second window end", "window 2 end", "alt window end"),
            "window3_start": ("third window start", "window 3 start"),
            "window3_end": ("third window end", "window 3 end"),
            "duration_min": ("duration", "duration minutes", "duration min", "minutes",
                             "estimated duration", "est duration", "duration mins"),
            "required_skills": ("skills", "skill", "skills required"),
            "required_equipment": ("equipment", "tools"),
            "contact_name": ("site contact", "contact"),
            "contact_phone": ("site contact phone",),
            "contact_email": ("site contact email",),
            "access_notes": ACCESS,
            "billing_ref": ("billing reference", "billing", "invoice", "invoice number",
                            "po", "po number", "purchase order"),
        },
        required=(("customer", "customer_id"),),
        export_only=("ref", "status", "technician", "planned_start")),
}


def normalize(header: str) -> str:
    """``"E-mail Address "`` -> ``"emailaddress"``: what two spellings of one header share."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def _lookup(spec: Spec) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, synonyms in spec.fields.items():
        for alias in (name, *synonyms):
            table.setdefault(normalize(alias), name)
    for name in spec.export_only:
        table.setdefault(normalize(name), IGNORE)
    return table


def parse_overrides(pairs: Iterable[str]) -> dict[str, str]:
    """``["Their Header=our_field", ...]`` -> ``{"Their Header": "our_field"}``."""
    out: dict[str, str] = {}
    for pair in pairs:
        header, sep, target = pair.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise ValidationFailed("bad_mapping", f"Write a mapping as \"Their Header=our_field\", "
                                   f"got '{pair}'.", field="map")
        out[header.strip()] = target.strip()
    return out


@dataclass
class Row:
    """One data row: our field -> cell value (blank cells left out)."""

    number: int
    values: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)


@dataclass
class Columns:
    """Where each field sits in the file, and what the file's header calls it."""

    kind: Kind
    index: dict[str, int] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)
    errors: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    def row(self, number: int, cells: Sequence[Any]) -> Row:
        values = {}
        for name, i in self.index.items():
            value = cells[i] if i < len(cells) else None
            if value is not None and value != "":
                values[name] = value
        return Row(number, values)

    def column(self, name: str | None) -> str | None:
        return self.label.get(name) if name else None


def map_headers(kind: Kind, headers: Sequence[str], header_row: int = 1,
                overrides: dict[str, str] | None = None) -> Columns:
    """Match ``headers`` to the fields of ``kind``; problems land in ``errors``/``warnings``."""
    spec = SPECS[kind]
    lookup = _lookup(spec)
    cols = Columns(kind)
    forced: dict[str, str] = {}
    for header, target in (overrides or {}).items():
        name = IGNORE if normalize(target) == IGNORE else next(
            (f for f in spec.fields if normalize(f) == normalize(target)), None)
        if name is None:
            known = ", ".join(spec.fields)
            cols.errors.append(Notice(header_row, f"--map target '{target}' is not a {kind} "
                                      f"field (fields: {known}, or ignore).", "bad_mapping"))
            continue
        if not any(normalize(h) == normalize(header) for h in headers):
            cols.errors.append(Notice(header_row, f"--map names the column '{header}', which "
                                      "is not in the file.", "bad_mapping", column=header))
            continue
        forced[normalize(header)] = name
    for i, header in enumerate(headers):
        if not header or not header.strip():
            continue
        key = normalize(header)
        name = forced.get(key, lookup.get(key))
        if name is None:
            cols.warnings.append(Notice(header_row, f"Column '{header}' is not a {kind} field; "
                                        "it is ignored.", "unknown_column", column=header))
            continue
        if name == IGNORE:
            continue
        if name in cols.index:
            cols.errors.append(Notice(header_row, f"Columns '{cols.label[name]}' and '{header}' "
                                      f"both mean {name}; remove one or map it with --map.",
                                      "duplicate_column", field=name, column=header))
            continue
        cols.index[name], cols.label[name] = i, header.strip()
    for alternatives in spec.required:
        if not any(a in cols.index for a in alternatives):
            wanted = " or ".join(f"'{a}'" for a in alternatives)
            cols.errors.append(Notice(header_row, f"The file has no {wanted} column, which a "
                                      f"{kind} import needs.", "missing_column",
                                      field=alternatives[0]))
    return cols
