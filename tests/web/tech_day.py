"""A technician's real today (field taps carry real times, so no fixed test date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.company.clock import local_at, local_day
from crewboard.db import utcnow
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import World
from tests.web.clock import WEB_TZ


def today() -> date:
    return local_day(ZoneInfo(WEB_TZ), utcnow())


def local(hhmm: str, day: date | None = None) -> datetime:
    return local_at(ZoneInfo(WEB_TZ), day or today(), hhmm)


@dataclass
class FieldDay:
    tech_id: int
    other_tech_id: int
    user_id: int
    token: str
    email: str
    password: str
    jobs: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)


STOPS = [("Ada Lovelace", "09:00", 41.90, -87.65), ("Grace Hopper", "11:00", 41.92, -87.66),
         ("Alan Turing", "13:30", 41.95, -87.70)]


def field_day(world: World, stops: list[tuple[str, str, float, float]] | None = None,
              dispatch: bool = True, job_type_kw: dict | None = None) -> FieldDay:
    """A technician (with a login) and today's dispatched stops, plus a colleague."""
    from tests.web.board_day import use_web_clock

    use_web_clock(world)
    tech_id = world.tech("Dana Kim", phone="+13125550199", photo_url="https://example.com/d.jpg")
    other = world.tech("Lee Park")
    email, password = "dana@example.com", "correct horse"
    user_id, token = world.user(Role.technician, tech_id, email=email, password=password)
    jt = world.job_type("boiler service", **(job_type_kw or {}))
    out = FieldDay(tech_id, other, user_id, token, email, password)
    for name, hhmm, lat, lon in stops or STOPS:
        cid = world.customer(name, lat=lat, lon=lon)
        start = local(hhmm)
        from crewboard.jobs.actions import do_create_job

        def make(s: Session, cid: int = cid, start: datetime = start, name: str = name) -> int:
            job = do_create_job(s, SYSTEM, customer_id=cid, job_type_id=jt,
                                windows=[(start - timedelta(hours=1), start + timedelta(hours=2))],
                                duration_min=60, description=f"No hot water at {name}'s",
                                access_notes="Key under the mat", contact_phone="+1 312 555 0142",
                                required_equipment=["ladder"])
            tech = s.get(Technician, tech_id)
            A.do_assign_job(s, SYSTEM, job, tech, start)
            if dispatch:
                A.do_dispatch_job(s, SYSTEM, job)
            return job.id

        out.jobs.append(world.run(make))
        out.customers.append(cid)
    return out


def job_row(world: World, job_id: int) -> Job:
    return world.run(lambda s: s.get(Job, job_id))
