"""Why a job stayed unassigned, in a sentence a dispatcher can act on.

Each job is checked against every technician it could go to, in the order a
person would: working today, skills, van capacity, can the location be
reached, does the window fit the technician's day on its own, does the job fit
the working-time cap. If some technician passes all of these the day is simply
full, and the best insertion's explanation is quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from crewboard.routing.plan import Route, Unassigned
from crewboard.routing.problem import Break, Job, Problem, TimeWindow, fmt_duration
from crewboard.routing.timing import TechDay, TravelTable, schedule
from crewboard.routing.travel import UNREACHABLE


def _windows_text(problem: Problem, windows: Sequence[TimeWindow]) -> str:
    return " or ".join(f"{problem.clock(w.start)}-{problem.clock(w.end)}" for w in windows)


def _solo(problem: Problem, day: TechDay, job: Job, table: TravelTable) -> tuple[str, str]:
    """Can ``day`` serve ``job`` if it were their only job? ('', '') if yes."""
    assert job.location is not None
    t_in = table.t(day.start_location, job.location)
    t_out = table.t(job.location, day.end_location)
    if t_in >= UNREACHABLE or t_out >= UNREACHABLE:
        return "unreachable", "cannot drive to the job's location"
    breaks = list(day.breaks)
    problems: tuple[str, ...] = ()
    for pos in range(len(breaks) + 1):
        els: list[Job | Break] = [*breaks[:pos], job, *breaks[pos:]]
        timed = schedule(day, els, table)
        if timed.feasible:
            return "", ""
        problems += timed.problems
    arrival = day.start_time + t_in
    if job.windows:
        if all(max(arrival, w.start) + job.service_s > w.end for w in job.windows):
            return "window", "cannot reach the window"
        if all(w.start + job.service_s + t_out > day.end_time for w in job.windows):
            return "window", "the window is after the shift"
    mw = day.technician.max_work_s
    if mw is not None and day.fixed_work_s + t_in + job.service_s + t_out > mw:
        return "max_work", f"would exceed the {fmt_duration(mw)} max working time"
    if arrival + job.service_s + t_out > day.end_time:
        return "shift", f"ends shift at {problem.clock(day.end_time)} before the job could finish"
    if any("break" in p or "late" in p for p in problems):
        return "breaks", "time off or breaks leave no gap for the job"
    return "shift", "the job does not fit the shift"


def explain_unassigned(
    problem: Problem,
    days: dict[str, TechDay],
    table: TravelTable,
    routes: Sequence[Route],
    jobs: Sequence[Job],
) -> list[Unassigned]:
    """One :class:`Unassigned` per job in ``jobs`` with a code and a sentence.

    Codes: ``skill_missing``, ``pinned_unavailable``, ``technician_off``,
    ``capacity``, ``unreachable``, ``window_unreachable``, ``shift_too_short``,
    ``max_work``, ``no_feasible_technician``, ``no_room``.
    """
    state = None
    out = []
    for job in jobs:
        code, sentence, fits = _explain(problem, days, table, job)
        if code == "no_room":
            if state is None:
                from crewboard.routing.insertion import DayState

                state = DayState(problem, routes, days=days, table=table)
            cands = [c for c in state.rank(job) if c.technician_id in fits]
            placed = [c for c in cands if c.position >= 0]
            best = (
                min(placed, key=lambda c: c.extra_drive_s)
                if placed
                else (cands[0] if cands else None)
            )
            if best is not None:
                sentence = (
                    "No capable technician has room in their day"
                    f" (closest: {best.technician_name}, {best.reason})"
                )
        out.append(Unassigned(job.id, code, sentence))
    return out


def _explain(
    problem: Problem, days: dict[str, TechDay], table: TravelTable, job: Job
) -> tuple[str, str, set[str]]:
    if job.pinned_to is not None:
        pool = [days[job.pinned_to]]
    else:
        pool = [days[t.id] for t in problem.technicians]
    pinned = job.pinned_to is not None
    name0 = pool[0].technician.name if pool else ""

    skilled = [
        d
        for d in pool
        if all(d.technician.skills.get(n, 0) >= lv for n, lv in job.required_skills.items())
    ]
    if not skilled:
        if pinned:
            return "pinned_unavailable", f"Pinned to {name0}, who lacks the required skill", set()
        for n, lv in sorted(job.required_skills.items()):
            if not any(d.technician.skills.get(n, 0) >= lv for d in pool):
                return "skill_missing", f"No technician has the skill '{n}' at level {lv}", set()
        need = ", ".join(f"'{n}' level {lv}" for n, lv in sorted(job.required_skills.items()))
        return "skill_missing", f"No technician has all of the skills {need}", set()
    working = [d for d in skilled if d.available]
    if not working:
        if pinned:
            return "pinned_unavailable", f"Pinned to {name0}, who is {skilled[0].why}", set()
        if all(d.why.startswith("off today") for d in skilled):
            return (
                "technician_off",
                "Every technician with the required skills is off today",
                set(),
            )
        return (
            "technician_off",
            "No technician with the required skills has time left today",
            set(),
        )
    sized = [
        d for d in working if d.technician.capacity is None or job.amount <= d.technician.capacity
    ]
    if not sized:
        return (
            "capacity",
            f"The job's amount {job.amount} exceeds every capable van's capacity",
            set(),
        )
    fails: list[tuple[TechDay, str, str]] = []
    fits: set[str] = set()
    for d in sized:
        kind, why = _solo(problem, d, job, table)
        if not kind:
            fits.add(d.technician.id)
        else:
            fails.append((d, kind, why))
    if fits:
        return "no_room", "No capable technician has room in their day", fits
    kinds = {k for _, k, _ in fails}
    if pinned:
        d, _k, why = fails[0]
        return "pinned_unavailable", f"Pinned to {d.technician.name}: {why}", set()
    if kinds == {"window"}:
        return (
            "window_unreachable",
            f"Window {_windows_text(problem, job.windows)} cannot be reached by any technician",
            set(),
        )
    if kinds == {"unreachable"}:
        return "unreachable", "No technician can drive to the job's location", set()
    if kinds == {"max_work"}:
        return "max_work", "The job would exceed every capable technician's max working time", set()
    if kinds <= {"shift", "window"}:
        return "shift_too_short", "The job does not fit in any capable technician's shift", set()
    detail = "; ".join(f"{d.technician.name}: {why}" for d, _k, why in fails[:3])
    return "no_feasible_technician", f"No capable technician can take the job ({detail})", set()
