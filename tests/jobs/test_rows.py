"""Jobs as plain rows: the same jobs, order and API shape as the ORM path."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest

from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import Priority
from crewboard.jobs.models import Job
from crewboard.jobs.queries import jobs_query
from crewboard.jobs.read import encode_job_rows, json_time, read_job, read_job_rows
from crewboard.jobs.rows import job_rows
from crewboard.technicians.models import Technician
from tests.conftest import DAY, TZ, World, at


def _jobs(w: World) -> dict[str, int]:
    w.skill("plumbing")
    w.skill("gas-cert")
    dana = w.tech("Dana Kim", {"plumbing": 2, "gas-cert": 1})
    kind = w.job_type("Leak repair", default_duration_min=45)
    home, shop = w.customer("Ada Home"), w.customer("Shop Ltd", lat=41.8, lon=-87.6)
    ids = {
        "typed": w.job(home, job_type_id=kind, skills={"gas-cert": 1, "plumbing": 2},
                       windows=[("13:00", "15:00"), ("08:00", "10:00")],
                       required_equipment=["ladder"], contact_email="a@example.com"),
        "plain": w.job(shop, windows=[("09:00", "12:00")], priority=Priority.high),
        "queued": w.job(shop, windows=[], description="no date yet"),
    }
    w.run(lambda s: A.do_assign_job(s, SYSTEM, s.get(Job, ids["typed"]),
                                    s.get(Technician, dana), at("09:15")))
    ids["dana"] = dana
    return ids


@pytest.mark.parametrize("role", list(Role))
def test_rows_read_like_read_job(bare: World, role: Role) -> None:
    ids = _jobs(bare)
    actor = Actor(None, role, "x", technician_id=ids["dana"] if role is Role.technician else None)
    stmt = jobs_query(actor, ZoneInfo(TZ))
    with bare.db.session() as s:
        rows = job_rows(s, stmt)
        want = [read_job(j, actor).model_dump(mode="json") for j in s.scalars(stmt)]
    assert read_job_rows(rows, actor) == want
    assert len(want) == (1 if role is Role.technician else 3)


def test_each_job_once_in_the_statements_order(bare: World) -> None:
    ids = _jobs(bare)
    tz = ZoneInfo(TZ)
    day, every = jobs_query(SYSTEM, tz, day=DAY), jobs_query(SYSTEM, tz).limit(2)
    with bare.db.session() as s:
        rows = job_rows(s, day, every)
        assert [r.id for r in rows] == [ids["typed"], ids["plain"]]  # planned first
        assert job_rows(s, day.where(Job.id < 0)) == []
        typed = rows[0]
        assert [w.starts_at for w in typed.windows] == [at("08:00"), at("13:00")]
        assert typed.skill_levels() == s.get(Job, ids["typed"]).skill_levels()
        assert (typed.ref, typed.customer.name, typed.location.lat) == (
            f"J-{ids['typed']}", "Ada Home", 41.9)
    assert ids["queued"] not in {r.id for r in rows}  # the limit kept it out


def test_json_time_writes_utc_as_z() -> None:
    when = at("09:15")
    assert json_time(when) == when.isoformat().replace("+00:00", "Z")
    assert json_time(None) is None


def test_encoded_rows_are_the_json_and_follow_every_change(bare: World) -> None:
    ids = _jobs(bare)
    stmt = jobs_query(SYSTEM, ZoneInfo(TZ))
    viewer = Actor(None, Role.viewer, "v")

    def both(actor: Actor) -> tuple[list[str], list[str]]:
        with bare.db.session() as s:
            rows = job_rows(s, stmt)
            return encode_job_rows(rows, actor), [json.dumps(d) for d in
                                                  read_job_rows(rows, actor)]

    first, want = both(SYSTEM)
    assert first == want
    again, _ = both(SYSTEM)
    assert all(a is b for a, b in zip(again, first, strict=True))  # reused
    assert both(viewer)[0] == both(viewer)[1] != want  # no actions for a viewer
    bare.run(lambda s: A.do_update_job(s, SYSTEM, s.get(Job, ids["plain"]), version=None,
                                       values={"description": "now with a ladder"}))
    bare.run(lambda s: setattr(s.get(Technician, ids["dana"]), "name", "Dana Kim-Ross"))
    changed, want = both(SYSTEM)
    assert changed == want
    assert "now with a ladder" in changed[1] and "Dana Kim-Ross" in changed[0]


def test_an_unchanged_job_is_the_row_read_before_and_any_change_a_new_one(bare: World) -> None:
    from crewboard.customers.actions import do_update_customer

    ids = _jobs(bare)
    stmt = jobs_query(SYSTEM, ZoneInfo(TZ))

    def read() -> dict[int, object]:
        with bare.db.session() as s:
            return {r.id: r for r in job_rows(s, stmt)}

    first = read()
    assert all(a is b for a, b in zip(read().values(), first.values(), strict=True))
    bare.run(lambda s: A.do_reschedule_job(s, SYSTEM, s.get(Job, ids["plain"]),
                                           windows=[(at("10:00"), at("12:00"))]))
    bare.run(lambda s: do_update_customer(s, SYSTEM, s.get(Job, ids["typed"]).customer,
                                          version=None, values={"name": "Ada Home Ltd"}))
    after = read()
    assert after[ids["queued"]] is first[ids["queued"]]
    assert after[ids["plain"]] is not first[ids["plain"]]
    assert [w.starts_at for w in after[ids["plain"]].windows] == [at("10:00")]
    assert after[ids["typed"]].customer.name == "Ada Home Ltd"
