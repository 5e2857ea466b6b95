"""Put a job into any lifecycle state through the real ``do_*`` actions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import IncompleteReason, JobStatus
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import World, at

S = JobStatus

# the steps that lead to each state, from a freshly booked job
PATHS: dict[JobStatus, list[str]] = {
    S.unscheduled: [],
    S.scheduled: [],
    S.assigned: ["assign"],
    S.dispatched: ["assign", "dispatch"],
    S.accepted: ["assign", "dispatch", "accept"],
    S.en_route: ["assign", "dispatch", "accept", "start_travel"],
    S.on_site: ["assign", "dispatch", "accept", "start_travel", "arrive"],
    S.completed: ["assign", "dispatch", "accept", "start_travel", "arrive", "complete"],
    S.incomplete: ["assign", "mark_incomplete"],
    S.cancelled: ["cancel"],
}


def step(s: Session, job: Job, name: str, tech: Technician) -> None:
    """Apply one lifecycle step with valid arguments, as the system (a dispatcher)."""
    if name == "assign":
        A.do_assign_job(s, SYSTEM, job, tech, at("09:00"))
    elif name == "dispatch":
        A.do_dispatch_job(s, SYSTEM, job)
    elif name == "accept":
        A.do_accept_job(s, SYSTEM, job)
    elif name == "start_travel":
        A.do_start_travel(s, SYSTEM, job)
    elif name == "arrive":
        A.do_arrive(s, SYSTEM, job)
    elif name == "complete":
        A.do_complete_job(s, SYSTEM, job, notes="done")
    elif name == "mark_incomplete":
        A.do_mark_incomplete(s, SYSTEM, job, reason=IncompleteReason.parts_needed,
                             follow_up=False)
    elif name == "cancel":
        A.do_cancel_job(s, SYSTEM, job, reason="customer called")
    else:  # pragma: no cover
        raise AssertionError(name)


@dataclass
class Placed:
    job_id: int
    tech_id: int
    other_tech_id: int
    customer_id: int


def place(world: World, status: JobStatus, *, tech_id: int | None = None,
          other_tech_id: int | None = None, customer_id: int | None = None) -> Placed:
    """A job in ``status`` (on ``tech_id``'s plan when the state needs a technician)."""
    tech_id = tech_id or world.tech("Dana Kim")
    other_tech_id = other_tech_id or world.tech("Lee Park")
    customer_id = customer_id or world.customer()
    job_id = world.job(customer_id, windows=[] if status is S.unscheduled else None)

    def go(s: Session) -> None:
        job, tech = s.get(Job, job_id), s.get(Technician, tech_id)
        assert job is not None and tech is not None
        for name in PATHS[status]:
            step(s, job, name, tech)
        assert job.status is status

    world.run(go)
    return Placed(job_id, tech_id, other_tech_id, customer_id)
