"""Raw columns convert to exactly what a typed select gives; the memo keeps the most
recently used."""

from __future__ import annotations

from sqlalchemy import select

from crewboard.auth.actor import SYSTEM
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import Priority
from crewboard.jobs.models import Job
from crewboard.rawrows import Memo, RawColumns, execute
from crewboard.technicians.actions import do_add_absence
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Absence, Technician
from tests.conftest import TestDB as Database
from tests.conftest import World, at


def _raw_and_typed(db: Database, columns: list, order_by: object) -> tuple[list, list]:
    raw = RawColumns(columns, "c")
    with db.session() as s:
        typed = [list(r) for r in s.execute(select(*columns).order_by(order_by))]
        dialect = s.get_bind().dialect
        rows = execute(s, select(*raw.selected).order_by(order_by))
        converted = [raw.convert(dialect, r) for r in rows]
        keys = {raw.key(r) for r in rows}  # hashable on every backend
    assert len(keys) == len(rows)
    return converted, typed


def test_raw_job_and_absence_columns_convert_like_a_typed_select(db: Database) -> None:
    w = World(db)
    w.skill("plumbing")
    dana = w.tech("Dana Kim", {"plumbing": 1}, equipment=["ladder", "pipe camera"])
    plain = w.job(windows=[("09:00", "11:00")], required_equipment=["ladder"],
                  priority=Priority.high, pinned=True)
    w.job(windows=[], description=None)  # NULLs, empty lists, defaults
    w.run(lambda s: A.do_assign_job(s, SYSTEM, s.get(Job, plain), s.get(Technician, dana),
                                    at("09:30")))
    w.run(lambda s: do_add_absence(s, SYSTEM, s.get(Technician, dana),
                                   kind=AbsenceKind.time_off, starts_at=at("13:00"),
                                   ends_at=at("14:00"), reason=None))
    for table, order in ((Job, Job.id), (Absence, Absence.id), (Technician, Technician.id)):
        got, want = _raw_and_typed(db, list(table.__table__.c), order)
        assert got == want, table
        assert [type(v) for v in got[0]] == [type(v) for v in want[0]], table
    jobs, _ = _raw_and_typed(db, list(Job.__table__.c), Job.id)
    assert jobs[0][list(Job.__table__.c.keys()).index("required_equipment")] == ["ladder"]
    assert jobs[0][list(Job.__table__.c.keys()).index("planned_start")] == at("09:30")


def test_a_decoded_json_value_keys_as_a_tuple() -> None:
    raw = RawColumns([Job.__table__.c.id, Job.__table__.c.required_equipment], "c")
    assert raw.key([1, ["ladder", {"b": [2], "a": 1}]]) == (
        1, ("ladder", (("a", 1), ("b", (2,)))))
    assert raw.key([1, '["ladder"]']) == (1, '["ladder"]')  # SQLite: the text itself


def test_the_memo_keeps_the_most_recently_used() -> None:
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get_many(["a", "x"]) == [1, None]  # "a" now used after "b"
    memo.put("c", 3)
    assert memo.get_many(["a", "b", "c"]) == [1, None, 3]
    memo.clear()
    assert len(memo) == 0
