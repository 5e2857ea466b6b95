"""Scheduling checks (jobs/checks.py): hard findings refuse, soft ones warn."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.errors import ValidationFailed
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.checks import AssignmentRefused, Finding, check_assignment
from crewboard.jobs.models import Job
from crewboard.technicians.actions import do_add_absence
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician
from tests.conftest import DAY, World, at, iso

SATURDAY = date(2030, 6, 8)


def _findings(world: World, job_id: int, tech_id: int, start: str,
              day: date = DAY) -> list[Finding]:
    def run(s: Session) -> list[Finding]:
        from crewboard.company.queries import company_tz

        job, tech = s.get(Job, job_id), s.get(Technician, tech_id)
        assert job is not None and tech is not None
        return check_assignment(s, company_tz(s), job, tech, at(start, day))

    return world.run(run)


def _absence(world: World, tech_id: int, kind: AbsenceKind, start: str, end: str,
             reason: str | None = None) -> None:
    def run(s: Session) -> None:
        tech = s.get(Technician, tech_id)
        assert tech is not None
        do_add_absence(s, SYSTEM, tech, kind=kind, starts_at=at(start), ends_at=at(end),
                       reason=reason)

    world.run(run)


def _assign(world: World, job_id: int, tech_id: int, start: str) -> None:
    def run(s: Session) -> None:
        job, tech = s.get(Job, job_id), s.get(Technician, tech_id)
        assert job is not None and tech is not None
        A.do_assign_job(s, SYSTEM, job, tech, at(start))

    world.run(run)


# ------------------------------------------------------------------ each finding

def test_clean_assignment_has_no_findings(bare: World) -> None:
    bare.skill("hvac")
    tech = bare.tech("Dana Kim", {"hvac": 2}, equipment=["ladder"])
    job = bare.job(skills={"hvac": 2}, required_equipment=["ladder"])
    assert _findings(bare, job, tech, "09:00") == []
    assert _findings(bare, job, tech, "08:00") == []  # shift start, window start
    assert _findings(bare, job, tech, "12:00") == []  # window end is still inside


def test_skill_missing(bare: World) -> None:
    bare.skill("gas-cert")
    tech = bare.tech("Dana Kim")
    job = bare.job(skills={"gas-cert": 1})
    [f] = _findings(bare, job, tech, "09:00")
    assert (f.code, f.hard) == ("skill_mismatch", True)
    assert f.message == f"Dana Kim lacks the skill 'gas-cert' that job J-{job} requires."


def test_skill_level_too_low(bare: World) -> None:
    bare.skill("hvac", max_level=3)
    tech = bare.tech("Dana Kim", {"hvac": 1})
    job = bare.job(skills={"hvac": 3})
    [f] = _findings(bare, job, tech, "09:00")
    assert (f.code, f.hard) == ("skill_mismatch", True)
    assert "level 1" in f.message and "needs level 3" in f.message


@pytest.mark.parametrize("kind,words", [(AbsenceKind.time_off, "on time off (vacation)"),
                                        (AbsenceKind.call_out, "called out (sick)")])
def test_absence(bare: World, kind: AbsenceKind, words: str) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job()
    _absence(bare, tech, kind, "08:30", "09:30",
             "vacation" if kind is AbsenceKind.time_off else "sick")
    [f] = _findings(bare, job, tech, "09:00")
    assert (f.code, f.hard) == ("technician_absent", True)
    assert f"Dana Kim is {words}" in f.message
    # an absence that ends when the job starts does not overlap it
    assert _findings(bare, job, tech, "09:30") == []


def test_absence_touching_the_job_is_fine(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(duration=60)
    _absence(bare, tech, AbsenceKind.time_off, "10:00", "12:00")
    assert _findings(bare, job, tech, "09:00") == []
    assert [f.code for f in _findings(bare, job, tech, "09:01")] == ["technician_absent"]


def test_inactive_technician(bare: World) -> None:
    tech = bare.tech("Dana Kim", active=False)
    job = bare.job()
    [f] = _findings(bare, job, tech, "09:00")
    assert (f.code, f.hard) == ("technician_inactive", True)
    assert "Dana Kim" in f.message


def test_double_booking(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    first, second = bare.job(duration=60), bare.job(duration=60)
    _assign(bare, first, tech, "09:00")
    [f] = _findings(bare, second, tech, "09:30")
    assert (f.code, f.hard) == ("double_booking", False)
    assert f.message == f"Overlaps J-{first} (09:00-10:00) on Dana Kim's day."
    [f] = _findings(bare, second, tech, "08:30")  # ends inside the other job
    assert f.code == "double_booking"
    assert _findings(bare, second, tech, "10:00") == []  # back to back is fine
    assert _findings(bare, second, tech, "08:00") == []


def test_closed_jobs_do_not_double_book(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    first, second = bare.job(), bare.job()
    _assign(bare, first, tech, "09:00")

    def cancel(s: Session) -> None:
        job = s.get(Job, first)
        assert job is not None
        A.do_cancel_job(s, SYSTEM, job, reason="x")

    bare.run(cancel)
    assert _findings(bare, second, tech, "09:00") == []


def test_outside_shift_before_start(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[])
    [f] = _findings(bare, job, tech, "07:30")
    assert (f.code, f.hard) == ("outside_shift", False)
    assert f.message == "Starts at 07:30, before Dana Kim's shift begins at 08:00."


def test_outside_shift_after_end(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[], duration=90)
    [f] = _findings(bare, job, tech, "16:00")
    assert f.message == "Ends at 17:30, after Dana Kim's shift ends at 17:00."
    assert _findings(bare, job, tech, "15:30") == []


def test_outside_shift_day_off(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[])
    [f] = _findings(bare, job, tech, "09:00", day=SATURDAY)
    assert (f.code, f.hard) == ("outside_shift", False)
    assert f.message == "Dana Kim does not work on Saturdays."


def test_outside_window(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[("08:00", "10:00"), ("13:00", "15:00")])
    [f] = _findings(bare, job, tech, "11:00")
    assert (f.code, f.hard) == ("outside_window", False)
    assert f.message == (f"Planned arrival 11:00 misses the appointment window "
                         f"08:00-10:00, 13:00-15:00 of J-{job}.")
    assert _findings(bare, job, tech, "13:30") == []


def test_missing_equipment(bare: World) -> None:
    tech = bare.tech("Dana Kim", equipment=["ladder"])
    job = bare.job(required_equipment=["ladder", "pipe-camera", "borescope"])
    [f] = _findings(bare, job, tech, "09:00")
    assert (f.code, f.hard) == ("missing_equipment", False)
    assert f.message == f"Dana Kim does not carry borescope, pipe-camera needed for J-{job}."


def test_all_findings_at_once(bare: World) -> None:
    bare.skill("gas")
    tech = bare.tech("Dana Kim", active=False)
    other = bare.job()
    _assign(bare, other, bare.tech("Helper"), "09:00")
    job = bare.job(skills={"gas": 1}, required_equipment=["ladder"])
    _absence(bare, tech, AbsenceKind.call_out, "06:00", "20:00", "flu")
    codes = [f.code for f in _findings(bare, job, tech, "16:30")]
    assert codes == ["skill_mismatch", "technician_inactive", "technician_absent",
                     "outside_shift", "outside_window", "missing_equipment"]


# ------------------------------------------------------------------ refuse / override (actions)

def _events(world: World, job_id: int) -> list[Event]:
    with world.db.session() as s:
        return list(s.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.id)))


def test_hard_finding_refuses_with_every_finding(bare: World) -> None:
    bare.skill("gas")
    tech = bare.tech("Dana Kim", equipment=[])
    job = bare.job(skills={"gas": 1}, required_equipment=["ladder"])
    with pytest.raises(AssignmentRefused) as err:
        _assign(bare, job, tech, "09:00")
    assert err.value.status == 409 and err.value.code == "skill_mismatch"
    assert "A dispatcher may override with a reason." in err.value.message
    codes = [(f["code"], f["hard"]) for f in err.value.data["findings"]]
    assert codes == [("skill_mismatch", True), ("missing_equipment", False)]
    assert [e.action for e in _events(bare, job)] == ["job.created"]


def test_override_without_reason_is_refused(bare: World) -> None:
    tech = bare.tech("Dana Kim", active=False)
    job = bare.job()
    with bare.db.session() as s:
        j, t = s.get(Job, job), s.get(Technician, tech)
        assert j is not None and t is not None
        for reason in (None, " "):
            with pytest.raises(ValidationFailed) as err:
                A.do_assign_job(s, SYSTEM, j, t, at("09:00"), override=True,
                                override_reason=reason)
            assert err.value.code == "override_reason_required"
            assert err.value.field == "override_reason"


def test_override_with_reason_is_recorded(bare: World) -> None:
    bare.skill("gas")
    tech = bare.tech("Dana Kim")
    job = bare.job(skills={"gas": 1}, windows=[("13:00", "14:00")])

    def run(s: Session) -> Any:
        j, t = s.get(Job, job), s.get(Technician, tech)
        assert j is not None and t is not None
        return A.do_assign_job(s, SYSTEM, j, t, at("09:00"), override=True,
                               override_reason="only one free, supervised")

    placement = bare.run(run)
    assert [w.code for w in placement.warnings] == ["outside_window"]
    e = _events(bare, job)[-1]
    assert e.action == "job.assigned" and e.reason == "only one free, supervised"
    assert [f["code"] for f in e.data["overridden"]] == ["skill_mismatch"]
    assert [f["code"] for f in e.data["warnings"]] == ["outside_window"]


def test_soft_findings_do_not_block(bare: World) -> None:
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[("08:00", "09:00")], required_equipment=["ladder"])

    def run(s: Session) -> Any:
        j, t = s.get(Job, job), s.get(Technician, tech)
        assert j is not None and t is not None
        return A.do_assign_job(s, SYSTEM, j, t, at("16:30"))

    placement = bare.run(run)
    assert [w.code for w in placement.warnings] == ["outside_shift", "outside_window",
                                                    "missing_equipment"]
    e = _events(bare, job)[-1]
    assert "overridden" not in e.data and e.reason is None
    assert len(e.data["warnings"]) == 3


def test_reassign_and_reschedule_run_the_checks(bare: World) -> None:
    bare.skill("gas")
    gas = bare.tech("Gas Guy", {"gas": 1})
    plain = bare.tech("Plain")
    job = bare.job(skills={"gas": 1})
    _assign(bare, job, gas, "09:00")
    with bare.db.session() as s:
        j, t = s.get(Job, job), s.get(Technician, plain)
        assert j is not None and t is not None
        with pytest.raises(AssignmentRefused):
            A.do_reassign_job(s, SYSTEM, j, t)
        s.rollback()
        j = s.get(Job, job)
        assert j is not None
        placement = A.do_reschedule_job(s, SYSTEM, j, planned_start=at("12:30"))
        assert [w.code for w in placement.warnings] == ["outside_window"]
        s.rollback()


# ------------------------------------------------------------------ through the API

def test_api_refusal_lists_findings_and_override(world: World) -> None:
    world.skill("gas")
    tech = world.tech("Dana Kim")
    _absence(world, tech, AbsenceKind.call_out, "08:00", "12:00", "sick")
    job = world.job(skills={"gas": 1})
    office = world.api(Role.dispatcher)
    body = {"technician_id": tech, "planned_start": iso(at("09:00"))}
    refused = office.post(f"/jobs/{job}/assign", json=body)
    assert refused.status_code == 409
    err = refused.json()["error"]
    assert err["code"] == "skill_mismatch"
    assert [f["code"] for f in err["findings"]] == ["skill_mismatch", "technician_absent"]
    assert "Dana Kim" in err["message"] and "called out (sick)" in err["message"]
    no_reason = office.post(f"/jobs/{job}/assign", json={**body, "override": True})
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["field"] == "override_reason"
    ok = office.post(f"/jobs/{job}/assign",
                     json={**body, "override": True, "override_reason": "emergency"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["job"]["status"] == "assigned" and ok.json()["warnings"] == []
    history = office.get(f"/jobs/{job}/history").json()
    assert [f["code"] for f in history["assignments"][0]["overridden"]] == [
        "skill_mismatch", "technician_absent"]
    assert history["assignments"][0]["reason"] == "emergency"


def test_api_soft_warnings_come_back(world: World) -> None:
    tech = world.tech("Dana Kim")
    job = world.job(windows=[("08:00", "09:00")])
    office = world.api(Role.dispatcher)
    reply = office.post(f"/jobs/{job}/assign",
                        json={"technician_id": tech, "planned_start": iso(at("16:45"))})
    assert reply.status_code == 200
    assert [w["code"] for w in reply.json()["warnings"]] == ["outside_shift", "outside_window"]
    assert all(w["hard"] is False for w in reply.json()["warnings"])


def test_dry_run_returns_findings_and_writes_nothing(world: World) -> None:
    world.skill("gas")
    tech = world.tech("Dana Kim")
    job = world.job(skills={"gas": 1}, required_equipment=["ladder"])
    office = world.api(Role.dispatcher)
    with world.db.session() as s:
        before = s.scalar(select(func.count()).select_from(Event))
    reply = office.post(f"/jobs/{job}/assign", json={
        "technician_id": tech, "planned_start": iso(at("09:00")), "dry_run": True})
    assert reply.status_code == 200, reply.text
    assert [(w["code"], w["hard"]) for w in reply.json()["warnings"]] == [
        ("skill_mismatch", True), ("missing_equipment", False)]
    assert reply.json()["job"]["status"] == "scheduled"
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == before
        j = s.get(Job, job)
        assert j is not None and j.technician_id is None and j.version == 1


def test_dst_shift_is_local(bare: World) -> None:
    """Shift hours are company-local on both sides of a DST change."""
    tech = bare.tech("Dana Kim")
    job = bare.job(windows=[])
    winter = date(2030, 1, 8)  # a Tuesday, CST
    assert _findings(bare, job, tech, "08:00", day=winter) == []
    assert [f.code for f in _findings(bare, job, tech, "07:59", day=winter)] == [
        "outside_shift"]
    assert at("08:00", DAY).hour == 13  # CDT = UTC-5
    assert at("08:00", winter).hour == 14  # CST = UTC-6
