"""The plan as it stands in the database, timed by routing's rules."""

from __future__ import annotations

from collections import defaultdict

from crewboard.jobs.kinds import JobStatus
from crewboard.planning.loader import DayContext, tech_key
from crewboard.routing.plan import Plan
from crewboard.routing.sequence import plan_from_sequences
from crewboard.routing.timing import TravelTable


def current_plan(ctx: DayContext, table: TravelTable | None = None) -> Plan:
    """Each technician's assigned jobs in planned-start order."""
    sequences: dict[str, list[str]] = defaultdict(list)
    starts: dict[str, int] = {}
    held = sorted((j for j in ctx.jobs.values()
                   if j.technician_id is not None and j.planned_start is not None
                   and j.status is not JobStatus.unscheduled),
                  key=lambda j: (j.planned_start, j.id))
    for job in held:
        key = f"J-{job.id}"
        sequences[tech_key(job.technician_id)].append(key)  # type: ignore[arg-type]
        starts[key] = ctx.to_seconds(job.planned_start)  # type: ignore[arg-type]
    return plan_from_sequences(ctx.problem, sequences, starts, table)
