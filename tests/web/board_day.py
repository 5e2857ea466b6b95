"""A small believable day for the board: three technicians, a few planned jobs,
and a queue with a plumbing job, an emergency electrical job and a gas job that
only one technician may take. Everything is today (company-local), because the
board, the planner and the field taps all live in real time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.company.clock import local_at, local_day
from crewboard.db import utcnow
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import Priority
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import World
from tests.web.clock import WEB_TZ

PASSWORD = "correct horse"
ALL_WEEK = [{"weekday": d, "start": "08:00", "end": "17:00"} for d in range(7)]


def today() -> date:
    return local_day(ZoneInfo(WEB_TZ), utcnow())


def local(hhmm: str, day: date | None = None) -> datetime:
    return local_at(ZoneInfo(WEB_TZ), day or today(), hhmm)


@dataclass
class BoardDay:
    techs: dict[str, int]
    jobs: dict[str, int]
    dispatcher: str
    viewer: str
    token: str
    extra: dict[str, Any] = field(default_factory=dict)


def use_web_clock(world: World) -> None:
    """The company in the web tests' zone (tests/web/clock.py)."""
    from crewboard.company.actions import do_update_company

    world.run(lambda s: do_update_company(s, SYSTEM, version=None,
                                          values={"timezone": WEB_TZ}))


def board_day(world: World) -> BoardDay:
    use_web_clock(world)
    for name in ("plumbing", "electrical", "gas-cert"):
        world.skill(name)
    techs = {
        "dana": world.tech("Dana Kim", {"plumbing": 2, "gas-cert": 1}, shifts=ALL_WEEK,
                           home_lat=41.93, home_lon=-87.70, region="north"),
        "ravi": world.tech("Ravi Patel", {"electrical": 2}, shifts=ALL_WEEK,
                           home_lat=41.85, home_lon=-87.66, region="south"),
        "maria": world.tech("Maria Lopez", {"plumbing": 1, "electrical": 1}, shifts=ALL_WEEK,
                            home_lat=41.89, home_lon=-87.62, region="central"),
    }
    leak = world.job_type("Leak repair", default_duration_min=60,
                          default_skills={"plumbing": 1})
    spots = [("Ada Lovelace", 41.90, -87.65), ("Grace Hopper", 41.92, -87.68),
             ("Alan Turing", 41.87, -87.63), ("Edsger Dijkstra", 41.88, -87.70),
             ("Barbara Liskov", 41.95, -87.66), ("Donald Knuth", 41.86, -87.61),
             ("Frances Allen", 41.91, -87.62), ("Ken Thompson", 41.84, -87.69)]
    cust = {name: world.customer(name, lat=lat, lon=lon) for name, lat, lon in spots}

    def job(name: str, window: tuple[str, str], skills: dict[str, int], **kw: Any) -> int:
        wins = [(local(window[0]), local(window[1]))]

        def make(s: Session) -> int:
            return A.do_create_job(s, SYSTEM, customer_id=cust[name], windows=wins,
                                   required_skills=skills, duration_min=kw.pop("duration", 60),
                                   job_type_id=leak if "plumbing" in skills else None,
                                   description="Customer called in", **kw).id

        return world.run(make)

    def assign(job_id: int, tech: str, hhmm: str) -> None:
        def go(s: Session) -> None:
            A.do_assign_job(s, SYSTEM, s.get(Job, job_id), s.get(Technician, techs[tech]),
                            local(hhmm))

        world.run(go)

    jobs = {
        "dana1": job("Ada Lovelace", ("08:00", "10:00"), {"plumbing": 1}),
        "dana2": job("Grace Hopper", ("10:00", "12:00"), {"plumbing": 1}),
        "ravi1": job("Alan Turing", ("08:00", "11:00"), {"electrical": 1}),
        "ravi2": job("Ken Thompson", ("12:00", "15:00"), {"electrical": 1}),
        "pipe": job("Edsger Dijkstra", ("13:00", "17:00"), {"plumbing": 1}),
        "sparks": job("Donald Knuth", ("09:00", "17:00"), {"electrical": 1},
                      priority=Priority.emergency),
        "gas": job("Barbara Liskov", ("09:00", "17:00"), {"gas-cert": 1}, duration=90),
        "tap": job("Frances Allen", ("14:00", "17:00"), {"plumbing": 1}, priority=Priority.low),
    }
    assign(jobs["dana1"], "dana", "08:30")
    assign(jobs["dana2"], "dana", "10:30")
    assign(jobs["ravi1"], "ravi", "08:30")
    assign(jobs["ravi2"], "ravi", "12:30")
    dispatcher, viewer = "disp@example.com", "view@example.com"
    _uid, token = world.user(Role.dispatcher, email=dispatcher, password=PASSWORD)
    world.user(Role.viewer, email=viewer, password=PASSWORD)
    return BoardDay(techs, jobs, dispatcher, viewer, token)


def web_session(world: World, email: str) -> str:
    """A logged-in web session for ``email`` without the password check (tests only)."""
    from sqlalchemy import select

    from crewboard.auth.models import User, WebSession
    from crewboard.auth.secrets import hash_token, new_token

    token = new_token("cbs")

    def make(s: Session) -> None:
        user = s.scalar(select(User).where(User.email == email))
        s.add(WebSession(user_id=user.id, token_hash=hash_token(token),
                         expires_at=utcnow() + timedelta(days=1), user_agent="test"))

    world.run(make)
    return token


def job_row(world: World, job_id: int) -> Job:
    return world.run(lambda s: s.get(Job, job_id))

