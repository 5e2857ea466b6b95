"""The board's data read as plain rows gives exactly the payload the ORM path gave.

The oracle rebuilds the day from ORM entities with the same building blocks
(``read_job``, ``load_day`` reading the crew itself, ``_technician``,
``exceptions``), on a day with every kind of job state, an absence, a fresh
position, a customer request and a queue, for each role.
"""

from __future__ import annotations

import functools
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.db import utcnow
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import IncompleteReason, JobStatus
from crewboard.jobs.models import Job
from crewboard.jobs.queries import day_loading, jobs_query
from crewboard.jobs.read import json_time, read_job
from crewboard.planning import board
from crewboard.planning.current import current_plan
from crewboard.planning.live import predictions, statuses
from crewboard.planning.loader import load_day
from crewboard.technicians.actions import do_add_absence, do_report_location
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician
from crewboard.tracking.actions import do_customer_request
from crewboard.tracking.queries import customer_exceptions
from tests.conftest import World
from tests.web.board_day import BoardDay, local, today
from tests.web.board_day import board_day as build_day
from tests.web.clock import WEB_TZ


def _busy_day(world: World) -> BoardDay:
    """The web tests' day, moved along: every state, a call-out, a position, a request."""
    day = build_day(world)
    j, t = day.jobs, day.techs

    def go(s: Session) -> None:
        job = lambda name: s.get(Job, j[name])  # noqa: E731
        A.do_dispatch_job(s, SYSTEM, job("dana1"))
        A.do_accept_job(s, SYSTEM, job("dana1"))
        A.do_start_travel(s, SYSTEM, job("dana1"))
        A.do_arrive(s, SYSTEM, job("dana1"))
        A.do_dispatch_job(s, SYSTEM, job("ravi1"))
        A.do_accept_job(s, SYSTEM, job("ravi1"))
        A.do_start_travel(s, SYSTEM, job("ravi1"))
        A.do_arrive(s, SYSTEM, job("ravi1"))
        A.do_complete_job(s, SYSTEM, job("ravi1"), notes="fixed", signed_by="Alan")
        A.do_dispatch_job(s, SYSTEM, job("ravi2"))
        A.do_mark_incomplete(s, SYSTEM, job("ravi2"), reason=IncompleteReason.parts_needed)
        A.do_cancel_job(s, SYSTEM, job("tap"), reason="customer away")
        do_customer_request(s, job("pipe"), "reschedule", "next week please")
        do_report_location(s, SYSTEM, s.get(Technician, t["dana"]), lat=41.91, lon=-87.66,
                           at=None, accuracy_m=5.0)
        do_add_absence(s, SYSTEM, s.get(Technician, t["maria"]), kind=AbsenceKind.call_out,
                       starts_at=local("00:00"), ends_at=local("23:00"), reason="flu")
        do_add_absence(s, SYSTEM, s.get(Technician, t["ravi"]), kind=AbsenceKind.time_off,
                       starts_at=local("00:00") - timedelta(days=9),
                       ends_at=local("00:00") - timedelta(days=8), reason="last week")

    world.run(go)
    maria = world.run(lambda s: s.get(Technician, day.techs["maria"]))
    world.run(lambda s: A.do_assign_job(s, SYSTEM, s.get(Job, j["gas"]),
                                        s.get(Technician, maria.id), local("15:00"),
                                        override=True, override_reason="test"))
    return day


def _more(s: Session, customer_id: int, tech_id: int, i: int) -> None:
    wins = [] if i % 3 == 0 else [(local("09:00"), local("11:00"))]
    job = A.do_create_job(s, SYSTEM, customer_id=customer_id, windows=wins,
                          required_skills={"plumbing": 1}, duration_min=30)
    if i % 3 == 1:
        A.do_assign_job(s, SYSTEM, job, s.get(Technician, tech_id), local("16:00"),
                        override=True, override_reason="test")


def _orm_board(s: Session, actor: Actor, now: Any) -> dict[str, Any]:
    """The payload as the ORM path built it (entities, read_job, pydantic)."""
    from zoneinfo import ZoneInfo

    only = [actor.technician_id] if actor.role is Role.technician else None
    tz, day = ZoneInfo(WEB_TZ), today()  # board_day puts the company there
    jobs = list(s.scalars(day_loading(jobs_query(actor, tz, day=day))).unique())
    if only is None:
        seen = {x.id for x in jobs}
        queue = jobs_query(actor, tz, status=[JobStatus.unscheduled], unassigned=True)
        jobs += [x for x in s.scalars(day_loading(queue).limit(board.QUEUE_LIMIT)).unique()
                 if x.id not in seen]
    ctx = load_day(s, day, now=now, technician_ids=only,  # type: ignore[arg-type]
                   include_unassigned=only is None, jobs=jobs)
    plan = current_plan(ctx)
    preds = predictions(ctx, plan)
    return {"technicians": [board._technician(ctx, plan, preds, x, statuses(ctx))
                            for x in ctx.technicians.values()],
            "jobs": [read_job(x, actor).model_dump(mode="json") for x in jobs],
            "kpis": dict(plan.kpis),
            "exceptions": (board.exceptions(ctx, preds, jobs) + customer_exceptions(s, jobs))
            if only is None else []}


@pytest.mark.parametrize("role", [Role.admin, Role.dispatcher, Role.viewer, Role.technician])
def test_rows_give_the_orm_payload(world: World, role: Role) -> None:
    day = _busy_day(world)
    actor = Actor(user_id=None, role=role, name="someone",
                  technician_id=day.techs["dana"] if role is Role.technician else None)
    now = utcnow()
    with world.db.session() as s:
        got = board.board_day(s, actor, today(), now=now)
    with world.db.session() as s:
        want = _orm_board(s, actor, now)
    for key in want:
        assert got[key] == want[key], key
    assert {x["status"] for x in got["jobs"]} >= (
        {"on_site"} if role is Role.technician else
        {"on_site", "completed", "incomplete", "cancelled", "unscheduled"})
    if role is not Role.technician:
        kinds = {e["kind"] for e in got["exceptions"]}
        assert {"urgent_unassigned", "call_out", "customer_reschedule"} <= kinds
        maria = next(x for x in got["technicians"] if x["id"] == day.techs["maria"])
        assert [a["reason"] for a in maria["absences"]] == ["flu"]  # not last week's


def test_cold_load_issues_a_constant_number_of_queries(world: World) -> None:
    day = _busy_day(world)
    actor = Actor(user_id=None, role=Role.dispatcher, name="office")
    counts, sizes = [], []
    for extra in (0, 12):
        for i in range(extra):  # more of everything: on the day, on a route, in the queue
            customer = world.customer(f"More {i}")
            world.run(lambda s, c=customer, i=i: _more(s, c, day.techs["dana"], i))
        seen: list[str] = []
        listen = lambda *a, seen=seen: seen.append(a[2])  # noqa: E731
        with world.db.session() as s:
            event.listen(world.db.engine, "before_cursor_execute", listen)
            try:
                sizes.append(len(board.board_day(s, actor, today())["jobs"]))
            finally:
                event.remove(world.db.engine, "before_cursor_execute", listen)
        counts.append(len(seen))
    assert sizes[1] == sizes[0] + 12
    assert counts[0] == counts[1] <= 12, counts


def test_board_json_is_board_day_encoded_before_and_after_a_change(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    day = _busy_day(world)
    now = utcnow()
    monkeypatch.setattr(board, "board_day", functools.partial(board.board_day, now=now))
    office = Actor(user_id=None, role=Role.dispatcher, name="office")
    mine = Actor(user_id=None, role=Role.technician, name="dana",
                 technician_id=day.techs["dana"])
    for change in (None, "dana2", "pipe"):
        if change:  # the board is re-read after it, reusing every other job's text
            world.run(lambda s, c=change: A.do_update_job(
                s, SYSTEM, s.get(Job, day.jobs[c]), version=None,
                values={"description": f"changed {c}"}))
        bodies = {}
        for actor in (office, mine):
            with world.db.session() as s:
                bodies[actor.role] = board.board_json(s, actor, today())
                assert bodies[actor.role] == json.dumps(
                    board.board_day(s, actor, today()), default=str).encode()
        assert change is None or f"changed {change}".encode() in bodies[Role.dispatcher]


# ------------------------------------------------------------ loads after a change
# Rows, routing jobs, JSON text and times are kept between loads (keyed by the
# values read, see ``crewboard.rawrows``); a warm load must give exactly what a
# load with nothing kept gives, after every kind of change, from anywhere.

def _moved(s: Session, d: BoardDay) -> None:
    A.do_reassign_job(s, SYSTEM, s.get(Job, d.jobs["dana2"]), s.get(Technician, d.techs["ravi"]),
                      local("16:00"), override=True, override_reason="test")


def _retimed(s: Session, d: BoardDay) -> None:
    A.do_reschedule_job(s, SYSTEM, s.get(Job, d.jobs["dana2"]), planned_start=local("13:10"),
                        windows=[(local("12:30"), local("15:30"))])


def _technician_changed(s: Session, d: BoardDay) -> None:
    from crewboard.technicians.actions import do_update_technician

    do_update_technician(s, SYSTEM, s.get(Technician, d.techs["ravi"]), version=None, values={
        "name": "Ravi Patel-Singh", "home_lat": 41.80, "skills": [
            {"name": "electrical", "level": 3}, {"name": "plumbing", "level": 1}],
        "shifts": [{"weekday": x, "start": "09:00", "end": "18:00"} for x in range(7)]})


def _customer_changed(s: Session, d: BoardDay) -> None:
    from crewboard.customers.actions import do_update_customer, do_update_location

    job = s.get(Job, d.jobs["dana2"])
    do_update_customer(s, SYSTEM, job.customer, version=None, values={"name": "Grace B. Hopper"})
    do_update_location(s, SYSTEM, job.location, {"lat": 41.97, "address": "2 New St"})


CHANGES: dict[str, Any] = {
    "job edited": lambda s, d: A.do_update_job(s, SYSTEM, s.get(Job, d.jobs["dana2"]),
                                               version=None, values={"description": "leaky"}),
    "job moved to another technician": _moved,
    "job re-timed": _retimed,
    "job cancelled": lambda s, d: A.do_cancel_job(s, SYSTEM, s.get(Job, d.jobs["dana2"]),
                                                  reason="gone"),
    "job archived": lambda s, d: A.do_archive_job(s, SYSTEM, s.get(Job, d.jobs["tap"])),
    "job added": lambda s, d: _more(s, s.get(Job, d.jobs["pipe"]).customer_id,
                                    d.techs["ravi"], 1),
    "technician changed": _technician_changed,
    "absence added": lambda s, d: do_add_absence(
        s, SYSTEM, s.get(Technician, d.techs["ravi"]), kind=AbsenceKind.time_off,
        starts_at=local("15:00"), ends_at=local("16:00"), reason="dentist"),
    "position reported": lambda s, d: do_report_location(
        s, SYSTEM, s.get(Technician, d.techs["ravi"]), lat=41.86, lon=-87.64, at=None,
        accuracy_m=8.0),
    "customer and place changed": _customer_changed,
}
ROLES = (Role.dispatcher, Role.viewer, Role.technician)


def _actor(role: Role, day: BoardDay) -> Actor:
    tech = day.techs["dana"] if role is Role.technician else None
    return Actor(user_id=None, role=role, name="someone", technician_id=tech)


def _from_scratch(world: World, actor: Actor, now: Any) -> dict[str, Any]:
    """The payload with nothing kept: the first load after a restart."""
    board.forget_remembered()
    with world.db.session() as s:
        return board.board_day(s, actor, today(), now=now)


def _warm(world: World, actor: Actor, now: Any) -> dict[str, Any]:
    with world.db.session() as s:
        return board.board_day(s, actor, today(), now=now)


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_load_after_a_change_is_the_load_from_scratch(world: World, change: str) -> None:
    day = _busy_day(world)
    now = utcnow()
    before = {role: _warm(world, _actor(role, day), now) for role in ROLES}  # fills what is kept
    world.run(lambda s: CHANGES[change](s, day))
    for role in ROLES:
        actor = _actor(role, day)
        got = _warm(world, actor, now)
        assert got == _from_scratch(world, actor, now), (change, role)
        with world.db.session() as s:
            want = _orm_board(s, actor, now)
        assert {k: got[k] for k in want} == want, (change, role)
        _warm(world, actor, now)  # keep everything again for the next role
    assert before[Role.dispatcher] != _warm(world, _actor(Role.dispatcher, day), now), change


def test_time_passing_moves_the_now_line_and_the_etas(world: World) -> None:
    day = _busy_day(world)
    now = utcnow()
    office = _actor(Role.dispatcher, day)
    first = _warm(world, office, now)
    for minutes in (1, 17, 95):
        later = now + timedelta(minutes=minutes)
        got = _warm(world, office, later)
        assert got == _from_scratch(world, office, later), minutes
        _warm(world, office, now)  # the earlier minute kept as well
        assert got["now"] != first["now"]
    etas = lambda b: [s["eta"] for t in b["technicians"] for s in t["route"]]  # noqa: E731
    if any(etas(first)):  # ETAs exist while the working day runs
        assert etas(_warm(world, office, now + timedelta(minutes=95))) != etas(first)


def test_writes_from_another_connection_are_seen_on_the_next_load(world: World) -> None:
    """Another process: its own engine; do_* writes and raw SQL that bumps no version,
    touches no updated_at and writes no event (a job deleted, a name, a place, a window)."""
    from sqlalchemy import delete, update

    from crewboard.customers.models import Customer, ServiceLocation
    from crewboard.db import make_engine, make_session_factory, session_scope
    from crewboard.jobs.models import JobSkill, JobWindow

    day = _busy_day(world)
    now = utcnow()
    office = _actor(Role.dispatcher, day)
    _warm(world, office, now)
    with world.db.session() as s:
        board.board_json(s, office, today())  # the encoded payload cached too
    other = make_engine(world.db.url)
    try:
        with session_scope(make_session_factory(other)) as s:
            A.do_update_job(s, SYSTEM, s.get(Job, day.jobs["ravi2"]), version=None,
                            values={"access_notes": "gate code 4711"})
        with world.db.session() as s:  # an action writes an event: a new data version
            assert b"gate code 4711" in board.board_json(s, office, today())
        with other.begin() as conn:
            gone, pipe = day.jobs["dana2"], day.jobs["pipe"]
            conn.execute(delete(JobWindow).where(JobWindow.job_id == gone))
            conn.execute(delete(JobSkill).where(JobSkill.job_id == gone))
            conn.execute(delete(Job).where(Job.id == gone))
            conn.execute(update(Technician).where(Technician.id == day.techs["ravi"])
                         .values(name="Ravi Raw"))
            customer = select(Job.customer_id).where(Job.id == pipe).scalar_subquery()
            conn.execute(update(Customer).where(Customer.id == customer).values(name="Raw Co"))
            place = select(Job.location_id).where(Job.id == pipe).scalar_subquery()
            conn.execute(update(ServiceLocation).where(ServiceLocation.id == place)
                         .values(lat=41.99))
            conn.execute(update(JobWindow).where(JobWindow.job_id == pipe)
                         .values(ends_at=local("16:00")))
    finally:
        other.dispose()
    got = _warm(world, office, now)
    assert got == _from_scratch(world, office, now)
    with world.db.session() as s:
        assert {k: got[k] for k in ("technicians", "jobs", "kpis")} == {
            k: v for k, v in _orm_board(s, office, now).items() if k != "exceptions"}
    jobs = {j["id"]: j for j in got["jobs"]}
    assert day.jobs["dana2"] not in jobs
    assert jobs[day.jobs["ravi2"]]["access_notes"] == "gate code 4711"
    assert jobs[day.jobs["pipe"]]["customer_name"] == "Raw Co"
    assert jobs[day.jobs["pipe"]]["lat"] == 41.99
    assert jobs[day.jobs["pipe"]]["windows"][0]["end"] == json_time(local("16:00"))
    assert "Ravi Raw" in {t["name"] for t in got["technicians"]}


def test_a_change_committed_after_a_later_one_is_not_hidden_by_the_cache(world: World) -> None:
    """PostgreSQL hands out event ids at insert, not at commit: a transaction that wrote
    first may commit last, under a newest event the board has already seen."""
    if world.db.backend != "postgres":
        pytest.skip("SQLite lets one writer in at a time: ids follow commits")
    day = _busy_day(world)
    office = _actor(Role.dispatcher, day)
    slow = world.db.session()
    try:
        A.do_update_job(slow, SYSTEM, slow.get(Job, day.jobs["dana2"]), version=None,
                        values={"description": "written first, committed last"})
        slow.flush()
        world.run(lambda s: A.do_update_job(s, SYSTEM, s.get(Job, day.jobs["pipe"]),
                                            version=None, values={"description": "quick"}))
        with world.db.session() as s:
            assert b"quick" in board.board_json(s, office, today())
        slow.commit()
    finally:
        slow.close()
    with world.db.session() as s:
        assert b"written first, committed last" in board.board_json(s, office, today())


def test_a_new_company_time_zone_is_a_new_day_everywhere(world: World) -> None:
    from crewboard.company.actions import do_update_company

    day = _busy_day(world)
    now = utcnow()
    office = _actor(Role.dispatcher, day)
    before = _warm(world, office, now)
    world.run(lambda s: do_update_company(s, SYSTEM, version=None,
                                          values={"timezone": "America/New_York"}))
    got = _warm(world, office, now)
    assert got == _from_scratch(world, office, now)
    assert got["timezone"] == "America/New_York" != before["timezone"]
