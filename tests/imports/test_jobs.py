"""Job imports: customers by name or id (or new), addresses, job types, local windows."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from crewboard.customers.models import Customer, ServiceLocation
from crewboard.events.models import Event
from crewboard.imports.headers import Kind
from crewboard.imports.report import ImportRejected
from crewboard.jobs.kinds import JobStatus, Priority, Source
from crewboard.jobs.models import Job
from tests.conftest import TestDB as Database
from tests.conftest import World, at
from tests.imports.files import counts, csv_bytes, do_import, errors_by_row, xlsx_bytes

HEADER = ["Customer", "Phone", "Service Address", "Latitude", "Longitude", "Job Type",
          "Problem", "Priority", "Date", "Start", "End", "Window 2 Start", "Window 2 End",
          "Duration", "Skills", "Equipment", "PO Number"]
ANN = ["Ann Lee", "", "1 Main St, Chicago", "", "", "Repair", "No heat", "High", "2030-06-04",
       "08:00", "10:00", "13:00", "15:00", "1h30", "hvac:2", "ladder", "PO-1"]
ZED = ["Zed Park", "312-555-0177", "8 Pine St", "41.7", "-87.7", "", "Leak", "", "",
       "2030-06-04 12:00", "2030-06-04 14:00", "", "", "45", "", "", ""]
ANN_NEW_PLACE = ["Ann Lee", "+13125550100", "3 Side St", "41.91", "-87.66", "repair", "", "low",
                 "", "", "", "", "", "", "", "", ""]


def _setup(db: Database) -> World:
    world = World(db)
    world.skill("hvac")
    world.job_type("repair", default_duration_min=120, default_skills={"hvac": 1})
    world.customer("Ann Lee")
    return world


def _jobs(db: Database) -> list[Job]:
    with db.scope() as s:
        return list(s.scalars(select(Job).order_by(Job.id)))


def _check(db: Database) -> None:
    ann_job, zed_job, later_job = _jobs(db)
    assert ann_job.customer.name == "Ann Lee" and ann_job.location.address == "1 Main St, Chicago"
    assert ann_job.job_type is not None and ann_job.job_type.name == "repair"
    assert ann_job.priority is Priority.high and ann_job.description == "No heat"
    assert [(w.starts_at, w.ends_at) for w in ann_job.windows] == [
        (at("08:00"), at("10:00")), (at("13:00"), at("15:00"))]
    assert ann_job.duration_min == 90 and ann_job.skill_levels() == {"hvac": 2}
    assert ann_job.required_equipment == ["ladder"] and ann_job.billing_ref == "PO-1"
    assert ann_job.status is JobStatus.scheduled and ann_job.source is Source.import_

    assert zed_job.customer.name == "Zed Park" and zed_job.customer.phone == "312-555-0177"
    assert (zed_job.location.address, zed_job.location.lat) == ("8 Pine St", 41.7)
    assert [(w.starts_at, w.ends_at) for w in zed_job.windows] == [(at("12:00"), at("14:00"))]
    assert zed_job.duration_min == 45 and zed_job.job_type is None

    assert later_job.customer_id == ann_job.customer_id
    assert later_job.location.address == "3 Side St"
    assert later_job.status is JobStatus.unscheduled and later_job.priority is Priority.low
    assert later_job.duration_min == 120 and later_job.skill_levels() == {"hvac": 1}


def test_good_csv(db: Database) -> None:
    _setup(db)
    before = counts(db)
    report = do_import(db, Kind.jobs, csv_bytes([HEADER, ANN, ZED, ANN_NEW_PLACE]))
    assert report.ok and dict(report.counts) == {"created": 3}
    _check(db)
    with db.scope() as s:
        actions = list(s.scalars(select(Event.action).where(Event.id > before["events"])
                                 .order_by(Event.id)))
    assert actions == ["job.created", "customer.created", "job.created",
                       "customer.location_added", "job.created"]


def test_good_xlsx_with_date_and_time_cells(db: Database) -> None:
    _setup(db)
    ann = list(ANN)
    ann[8:13] = [date(2030, 6, 4), time(8, 0), time(10, 0), "13:00", "15:00"]
    zed = list(ZED)
    zed[3:5] = [41.7, -87.7]
    zed[9:11] = [datetime(2030, 6, 4, 12, 0), datetime(2030, 6, 4, 14, 0)]  # noqa: DTZ001
    zed[13] = 45
    report = do_import(db, Kind.jobs, xlsx_bytes([HEADER, ann, zed, ANN_NEW_PLACE]), "jobs.xlsx")
    assert report.ok, report.errors
    _check(db)


def test_customer_by_id_and_its_only_location(db: Database) -> None:
    world = _setup(db)
    other = world.customer("Ann Lee", lat=41.5, lon=-87.5)  # a namesake
    report = do_import(db, Kind.jobs, csv_bytes([["Customer ID", "Description"],
                                                 [str(other), "by id"]]))
    assert report.ok
    (job,) = _jobs(db)
    assert job.customer_id == other and job.location.lat == 41.5


def test_customer_problems(db: Database) -> None:
    world = _setup(db)
    world.customer("Ann Lee", lat=41.5, lon=-87.5)  # same name, same phone: ambiguous
    rows = [["Customer", "Customer ID", "Address", "Description"],
            ["Ann Lee", "", "", "which Ann?"],
            ["", "999", "", "no such customer"],
            ["", "abc", "", "not a number"],
            ["", "", "", "nobody"],
            ["Zed", "", "8 Pine St", "no coordinates for a new customer"]]
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.jobs, csv_bytes(rows))
    errors = [(e.row, e.field, e.code) for e in info.value.report.errors]
    assert errors == [(2, "customer", "ambiguous_customer"),
                      (3, "customer_id", "unknown_customer"),
                      (4, "customer_id", "bad_value"),
                      (5, "customer", "customer_required"),
                      (6, "lat", "invalid_input"), (6, "lon", "invalid_input")]
    assert info.value.report.errors[1].message == "Customer 999 does not exist."


def test_unknown_address_of_known_customer_needs_coordinates(db: Database) -> None:
    _setup(db)
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.jobs, csv_bytes([["Customer", "Address"], ["Ann Lee", "2 Nowhere"]]))
    (error,) = info.value.report.errors
    assert (error.row, error.field, error.column) == (2, "address", "Address")
    assert error.message == ("'2 Nowhere' is not a service location of Ann Lee; add lat and "
                             "lon to the row to add it.")


def test_three_bad_rows_among_good_ones_write_nothing(db: Database) -> None:
    _setup(db)
    teleport = list(ANN)
    teleport[5] = "Teleport"
    backwards = list(ZED)
    backwards[0], backwards[9], backwards[10] = "Yan Wu", "2030-06-04 15:00", "2030-06-04 14:00"
    urgent = list(ANN_NEW_PLACE)
    urgent[7] = "asap"
    rows = [HEADER, ANN, teleport, ZED, backwards, urgent, ANN_NEW_PLACE]
    before = counts(db)
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.jobs, csv_bytes(rows))
    report = info.value.report
    assert report.rows == 6 and report.bad_rows == [3, 5, 6]
    assert errors_by_row(report) == {3: ["job_type"], 5: ["window_start"], 6: ["priority"]}
    by_row = {e.row: e for e in report.errors}
    assert by_row[3].message == "Unknown job type 'Teleport' (job types: repair)."
    assert by_row[3].column == "Job Type"
    assert by_row[5].message == "Appointment window 1 ends before it starts."
    assert by_row[6].column == "Priority" and "'emergency', 'high', 'normal' or 'low'" in \
        by_row[6].message
    assert report.summary() == "3 of 6 rows have problems; nothing was imported."
    assert counts(db) == before  # no job, no new customer or location, no audit row
    with db.scope() as s:
        assert s.scalar(select(Customer).where(Customer.name == "Zed Park")) is None


def test_dry_run_checks_everything_and_writes_nothing(db: Database) -> None:
    _setup(db)
    before = counts(db)
    report = do_import(db, Kind.jobs, csv_bytes([HEADER, ANN, ZED]), dry_run=True)
    assert report.ok and report.dry_run and dict(report.counts) == {"created": 2}
    assert "dry run" in report.summary()
    assert counts(db) == before


def test_location_id_picks_one_of_several_locations(db: Database) -> None:
    _setup(db)
    do_import(db, Kind.jobs, csv_bytes([["Customer", "Address", "Lat", "Lon"],
                                        ["Ann Lee", "3 Side St", "41.91", "-87.66"]]))
    with db.scope() as s:
        side = s.scalar(select(ServiceLocation.id).where(ServiceLocation.address == "3 Side St"))
    report = do_import(db, Kind.jobs, csv_bytes([["Customer", "Location ID"],
                                                 ["Ann Lee", str(side)]]))
    assert report.ok
    assert _jobs(db)[-1].location_id == side
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.jobs, csv_bytes([["Customer", "Description"], ["Ann Lee", "where?"]]))
    (error,) = info.value.report.errors
    assert (error.code, error.field) == ("location_required", "location_id")
