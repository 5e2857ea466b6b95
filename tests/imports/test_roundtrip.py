"""Export -> import round-trips: the export's headers are the import's fields."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from crewboard.auth.actor import SYSTEM
from crewboard.imports.export import export_csv
from crewboard.imports.headers import Kind
from crewboard.jobs.actions import do_create_job
from tests.conftest import DAY, World, _wipe, at
from tests.conftest import TestDB as Database
from tests.imports.files import counts, do_import


def _export(db: Database, kind: Kind, **kw: object) -> str:
    with db.scope() as s:
        return export_csv(s, SYSTEM, kind, **kw)  # type: ignore[arg-type]


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _fresh(db: Database) -> World:
    _wipe(db)
    world = World(db)
    world.skill("hvac")
    world.skill("gas-cert", max_level=1)
    world.job_type("repair", default_duration_min=120)
    return world


def _seed(world: World) -> None:
    from crewboard.customers.actions import do_add_location, do_update_customer
    from crewboard.customers.models import Customer

    world.tech("Dana Kim", {"hvac": 2, "gas-cert": 1}, equipment=["=cmd", "ladder"],
               region="north", phone="+1 312 555 0199", email="dana@example.com",
               shifts=[{"weekday": d, "start": "07:30", "end": "16:00", "break_minutes": 45}
                       for d in range(4)] + [{"weekday": 5, "start": "09:00", "end": "13:00",
                                              "break_minutes": 45}])
    world.tech("Eli Moss", active=False)
    ann = world.customer("Ann Lee")

    def more(s):  # type: ignore[no-untyped-def]
        customer = s.get(Customer, ann)
        do_update_customer(s, SYSTEM, customer, version=None,
                           values={"notes": "=HYPERLINK(\"x\")", "consent_sms": False})
        do_add_location(s, SYSTEM, customer, {"address": "2 Side St", "lat": 41.91,
                                              "lon": -87.66, "access_notes": "gate 42",
                                              "label": "shop"})

    world.run(more)
    world.customer("Bo Ray", lat=42.0, lon=-87.7)


def test_customers_and_technicians_round_trip(db: Database) -> None:
    world = _fresh(db)
    _seed(world)
    customers, technicians = _export(db, Kind.customers), _export(db, Kind.technicians)
    assert len(_rows(customers)) == 3  # Ann has two locations, Bo one
    assert "'=HYPERLINK" in customers and "'=cmd" in technicians  # formula guard
    assert "+1 312 555 0199" in technicians  # phone numbers are not "formulas"
    tech_row = _rows(technicians)[0]
    assert tech_row["shifts"] == "Mon-Thu 07:30-16:00; Sat 09:00-13:00"
    assert tech_row["skills"] == "gas-cert:1; hvac:2" and tech_row["break_minutes"] == "45"

    _fresh(db)
    assert do_import(db, Kind.customers, customers.encode()).ok
    assert do_import(db, Kind.technicians, technicians.encode()).ok
    assert _export(db, Kind.customers) == customers
    assert _export(db, Kind.technicians) == technicians


def test_jobs_round_trip_and_date_filter(db: Database) -> None:
    world = _fresh(db)
    ann = world.customer("Ann Lee")
    repair = world.job_type("boiler", default_duration_min=60)
    world.job(ann, windows=[("08:00", "10:00"), ("13:00", "15:00")], skills={"hvac": 1},
              duration=90, description="No heat, \"urgent\"\nback door", billing_ref="PO-7",
              job_type_id=repair, required_equipment=["ladder"])
    world.job(ann, windows=[("09:00", "11:00")], duration=30)
    next_day = DAY + timedelta(days=1)
    world.run(lambda s: do_create_job(s, SYSTEM, customer_id=ann,
                                      windows=[(at("08:00", next_day), at("09:00", next_day))]))
    everything = _export(db, Kind.jobs)
    on_day = _export(db, Kind.jobs, day=DAY)
    assert len(_rows(everything)) == 3 and len(_rows(on_day)) == 2
    first = _rows(on_day)[0]
    assert (first["window_start"], first["window_end"]) == ("2030-06-04 08:00", "2030-06-04 10:00")
    assert (first["window2_start"], first["window2_end"]) == ("2030-06-04 13:00",
                                                              "2030-06-04 15:00")
    assert first["status"] == "scheduled" and first["ref"].startswith("J-")

    customers = _export(db, Kind.customers)
    _fresh(db).job_type("boiler", default_duration_min=60)
    assert do_import(db, Kind.customers, customers.encode()).ok
    before = counts(db)
    report = do_import(db, Kind.jobs, on_day.encode())
    assert report.ok and dict(report.counts) == {"created": 2} and report.warnings == []
    assert counts(db)["customers"] == before["customers"]  # matched, not duplicated

    def strip_refs(text: str) -> list[dict[str, str]]:
        return [{k: v for k, v in row.items() if k != "ref"} for row in _rows(text)]

    assert strip_refs(_export(db, Kind.jobs, day=DAY)) == strip_refs(on_day)
