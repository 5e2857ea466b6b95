"""``POST /imports/{kind}`` and ``GET /exports/{kind}.csv``: uploads, reports, permissions."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.technicians.models import Technician
from tests.conftest import World
from tests.imports.files import counts, csv_bytes, xlsx_bytes

TECHS = [["Name", "Lat", "Lon", "Skills", "Shifts"],
         ["Dana Kim", "41.95", "-87.7", "hvac:2", "Mon-Fri 08:00-17:00"],
         ["Eli Moss", "41.8", "-87.6", "", ""]]


def _upload(api, kind: str, data: bytes, name: str = "file.csv", **params):  # type: ignore[no-untyped-def]
    return api.post(f"/imports/{kind}", files={"file": (name, data)}, params=params)


def test_upload_csv_and_xlsx(world: World) -> None:
    world.skill("hvac")
    office = world.api(Role.dispatcher)
    reply = _upload(office, "technicians", csv_bytes(TECHS))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["ok"] and body["rows"] == 2 and body["counts"] == {"created": 2}
    with world.db.scope() as s:
        techs = s.scalars(select(Technician).order_by(Technician.name)).all()
        assert [(t.name, t.skill_levels()) for t in techs] == [("Dana Kim", {"hvac": 2}),
                                                               ("Eli Moss", {})]

    customers = [["Customer", "Address", "Lat", "Lng"], ["Ann Lee", "1 Main St", 41.9, -87.6]]
    reply = _upload(world.api(Role.admin), "customers", xlsx_bytes(customers), "c.xlsx")
    assert reply.status_code == 200 and reply.json()["counts"] == {"customers_created": 1}


def test_bad_rows_answer_422_with_every_bad_row(world: World) -> None:
    world.skill("hvac")
    office = world.api(Role.dispatcher)
    rows = [*TECHS, ["Fay", "91", "-87.6", "", ""], ["Gus", "41.8", "-87.6", "hvac:9", ""],
            ["Hal", "41.8", "-87.6", "", "Mon 9-5pm; Mon 10:00-11:00"]]
    before = counts(world.db)
    reply = _upload(office, "technicians", csv_bytes(rows))
    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "import_rejected"
    assert error["message"] == "3 of 5 rows have problems; nothing was imported."
    assert [(e["row"], e["field"], e["column"]) for e in error["report"]["errors"]] == [
        (4, "home_lat", "Lat"), (5, "skills", "Skills"), (6, "shifts", "Shifts")]
    assert error["report"]["errors"][2]["message"] == "Weekday 0 is given twice."
    assert counts(world.db) == before


def test_dry_run_and_map(world: World) -> None:
    office = world.api(Role.dispatcher)
    rows = [["Who", "Y", "X"], ["Dana Kim", "41.9", "-87.6"]]
    params = {"map": ["Who=name", "Y=home_lat", "X=home_lon"]}
    before = counts(world.db)
    dry = _upload(office, "technicians", csv_bytes(rows), dry_run="true", **params)
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["counts"] == {"created": 1}
    assert counts(world.db) == before
    real = _upload(office, "technicians", csv_bytes(rows), **params)
    assert real.status_code == 200 and counts(world.db)["technicians"] == 1


def test_unreadable_and_unknown_kind(world: World) -> None:
    office = world.api(Role.dispatcher)
    bad = _upload(office, "customers", b"PK\x03\x04junk", "x.xlsx")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unreadable_file"
    assert _upload(office, "invoices", csv_bytes(TECHS)).status_code == 422
    missing = _upload(office, "customers", csv_bytes([["Phone"], ["1"]]))
    assert missing.status_code == 422
    assert missing.json()["error"]["report"]["errors"][0]["code"] == "missing_column"


@pytest.mark.parametrize("role", [Role.technician, Role.viewer])
def test_only_dispatchers_and_admins_import(world: World, role: Role) -> None:
    tech = world.tech("Dana Kim") if role is Role.technician else None
    api = world.api(role, technician_id=tech)
    before = counts(world.db)
    reply = _upload(api, "technicians", csv_bytes(TECHS))
    assert reply.status_code == 403 and reply.json()["error"]["code"] == "forbidden"
    assert counts(world.db) == before


def test_export_csv_for_office_roles(world: World) -> None:
    world.customer("Ann Lee")
    tech = world.tech("Dana Kim")
    world.job()
    for role in (Role.admin, Role.dispatcher, Role.viewer):
        api = world.api(role)
        reply = api.get("/exports/customers.csv")
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith("text/csv")
        assert 'filename="customers.csv"' in reply.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
        assert [r["name"] for r in rows] == ["Ann Lee", "Pat Doe"]
    viewer = world.api(Role.viewer)
    jobs = viewer.get("/exports/jobs.csv", params={"date": "2030-06-04"})
    assert jobs.status_code == 200
    assert 'filename="jobs-2030-06-04.csv"' in jobs.headers["content-disposition"]
    assert len(jobs.content.decode("utf-8-sig").splitlines()) == 2
    assert len(viewer.get("/exports/jobs.csv", params={"date": "2030-06-05"})
               .content.decode("utf-8-sig").splitlines()) == 1
    technician = world.api(Role.technician, technician_id=tech)
    assert technician.get("/exports/customers.csv").status_code == 403
    assert technician.get("/exports/jobs.csv").status_code == 403
