"""The crew as plain rows: the day's shift, the absences touching the day, skills."""

from __future__ import annotations

from datetime import timedelta

from crewboard.auth.actor import SYSTEM
from crewboard.technicians.actions import do_add_absence
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician
from crewboard.technicians.rows import technician_rows
from tests.conftest import DAY, World, at
from tests.conftest import TestDB as Database


def test_rows_hold_what_the_day_needs(db: Database) -> None:
    w = World(db)
    for name in ("plumbing", "hvac", "electrical"):
        w.skill(name)
    dana = w.tech("Dana Kim", {"hvac": 2, "plumbing": 1, "electrical": 3},
                  shifts=[{"weekday": DAY.weekday(), "start": "07:00", "end": "15:00"},
                          {"weekday": DAY.weekday() + 1, "start": "09:00", "end": "17:00"}],
                  equipment=["ladder"], region="north")
    eli = w.tech("Eli Ross", {}, shifts=[])
    gone = w.tech("Gone Away", {})
    w.run(lambda s: setattr(s.get(Technician, gone), "active", False))

    def absences(s) -> None:  # type: ignore[no-untyped-def]
        tech = s.get(Technician, dana)
        for start, end, reason in ((at("12:00"), at("13:00"), "dentist"),
                                   (at("00:00") - timedelta(days=3),
                                    at("00:00") - timedelta(days=2), "last week")):
            do_add_absence(s, SYSTEM, tech, kind=AbsenceKind.time_off, starts_at=start,
                           ends_at=end, reason=reason)

    w.run(absences)
    start, end = at("00:00"), at("00:00") + timedelta(days=1)
    with db.session() as s:
        rows = technician_rows(s, DAY.weekday(), start, end)
        assert [r.id for r in rows] == [dana, eli]  # active only, by id
        d = rows[0]
        assert d.skill_levels() == s.get(Technician, dana).skill_levels()
        assert list(d.skill_levels()) == ["hvac", "plumbing", "electrical"]
        assert [(x.start, x.end) for x in d.shifts] == [("07:00", "15:00")]
        assert [a.reason for a in d.absences] == ["dentist"]
        assert (d.equipment, d.region, rows[1].shifts) == (["ladder"], "north", [])
        assert [r.id for r in technician_rows(s, DAY.weekday(), start, end, ids=[eli])] == [eli]
        assert technician_rows(s, DAY.weekday(), start, end, ids=[gone]) == []


def test_an_unchanged_technician_is_the_row_read_before(db: Database) -> None:
    w = World(db)
    dana, eli = w.tech("Dana Kim", {}), w.tech("Eli Ross", {})
    start, end = at("00:00"), at("00:00") + timedelta(days=1)

    def read() -> list:  # type: ignore[type-arg]
        with db.session() as s:
            return technician_rows(s, DAY.weekday(), start, end)

    first = read()
    w.run(lambda s: do_add_absence(s, SYSTEM, s.get(Technician, eli), kind=AbsenceKind.time_off,
                                   starts_at=at("12:00"), ends_at=at("13:00"), reason="dentist"))
    again = read()
    assert again[0] is first[0] and again[0].id == dana
    assert again[1] is not first[1] and [a.reason for a in again[1].absences] == ["dentist"]
