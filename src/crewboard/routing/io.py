"""JSON files for problems and plans (see ``docs/solver-format.md``).

One rule for time: every *instant* is an ISO-8601 string with an explicit UTC
offset (``2026-11-25T08:00:00+01:00``); every *duration* is an integer number
of seconds in a field ending in ``_s``. Inside ``routing/`` instants become
integer seconds from ``origin``. Bad input raises :class:`ProblemError` with a
message naming the record and the field, never a ``KeyError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from crewboard.routing.plan import BreakSlot, Plan, Route, Stop, Unassigned
from crewboard.routing.problem import (
    Break,
    Fixed,
    Job,
    Location,
    Options,
    Problem,
    ProblemError,
    Technician,
    TimeWindow,
    validate_problem,
)
from crewboard.routing.travel import MatrixModel, StraightLineModel, TravelTimeModel

PROBLEM_FORMAT = "crewboard-problem/1"
PLAN_FORMAT = "crewboard-plan/1"


class _Reader:
    """Field access that names the record and field in every error."""

    def __init__(self, data: Any, record: str) -> None:
        if not isinstance(data, Mapping):
            raise ProblemError("bad_field", f"{record} must be a JSON object", record)
        self.data = data
        self.record = record

    def err(self, field: str, what: str, code: str = "bad_field") -> ProblemError:
        return ProblemError(code, f"{self.record}: field '{field}' {what}", self.record, field)

    def has(self, field: str) -> bool:
        return self.data.get(field) is not None

    def get(self, field: str, default: Any = None, *, required: bool = False) -> Any:
        if field not in self.data or self.data[field] is None:
            if required:
                raise self.err(field, "is required", "missing_field")
            return default
        return self.data[field]

    def str_(self, field: str, *, required: bool = False, default: str = "") -> str:
        v = self.get(field, default, required=required)
        if not isinstance(v, str) or (required and not v.strip()):
            raise self.err(field, "must be a non-empty string")
        return v

    def int_(self, field: str, *, required: bool = False, default: int | None = None) -> Any:
        v = self.get(field, default, required=required)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or int(v) != v:
            raise self.err(field, f"must be an integer number of seconds, got {v!r}")
        return int(v)

    def list_(self, field: str) -> list:
        v = self.get(field, [])
        if not isinstance(v, list):
            raise self.err(field, "must be a list")
        return v


class _Ctx:
    def __init__(self, origin: datetime | None, locations: list[Location] | None) -> None:
        self.origin = origin
        self.locations = locations

    def instant(self, r: _Reader, field: str, value: Any = None) -> int:
        v = r.get(field, required=True) if value is None else value
        assert self.origin is not None
        return parse_instant(v, self.origin, r, field)

    def window(self, r: _Reader, field: str, value: Any) -> TimeWindow:
        w = _Reader(value, f"{r.record} {field}")
        return TimeWindow(self.instant(w, "start"), self.instant(w, "end"))

    def location(self, r: _Reader, field: str, *, required: bool = True) -> Location | None:
        v = r.get(field, required=False)
        if v is None:
            if required:
                raise r.err(field, "is required", "missing_field")
            return None
        if isinstance(v, int) and not isinstance(v, bool):
            if self.locations is None:
                if v < 0:
                    raise r.err(field, f"index {v} is negative")
                return Location(0.0, 0.0, v)
            if not 0 <= v < len(self.locations):
                raise r.err(field, f"index {v} is outside travel.locations")
            return self.locations[v]
        if isinstance(v, Mapping):
            v = [v.get("lat"), v.get("lon")]
        if (
            isinstance(v, list | tuple)
            and len(v) == 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
        ):
            lat, lon = float(v[0]), float(v[1])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise r.err(field, f"has lat/lon out of range: {lat}, {lon}")
            return Location(lat, lon)
        raise r.err(field, 'must be [lat, lon], {"lat": .., "lon": ..} or a matrix index')


def parse_instant(value: Any, origin: datetime, r: _Reader | None = None, field: str = "") -> int:
    """ISO-8601 with offset to integer seconds from ``origin``."""
    where = f"{r.record}: field '{field}'" if r else f"'{value}'"
    if not isinstance(value, str):
        raise ProblemError(
            "bad_time",
            f"{where} must be an ISO-8601 time with offset",
            r.record if r else "",
            field,
        )
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise ProblemError(
            "bad_time", f"{where} is not an ISO-8601 time: {value!r}", r.record if r else "", field
        ) from None
    if dt.tzinfo is None:
        raise ProblemError(
            "bad_time", f"{where} has no UTC offset: {value!r}", r.record if r else "", field
        )
    secs = (dt - origin).total_seconds()
    if secs != int(secs):
        raise ProblemError(
            "bad_time", f"{where} has fractional seconds", r.record if r else "", field
        )
    return int(secs)


def _travel(top: _Reader) -> tuple[TravelTimeModel, list[Location] | None]:
    raw = top.get("travel", {"model": "straight_line"})
    r = _Reader(raw, "travel")
    model = r.get("model", "straight_line")
    if model == "straight_line":
        try:
            return StraightLineModel(
                speed_kmh=float(r.get("speed_kmh", 40)),
                detour_factor=float(r.get("detour_factor", 1.3)),
                overhead_s=r.int_("overhead_s", default=120),
            ), None
        except (TypeError, ValueError) as e:
            raise ProblemError("bad_field", f"travel: {e}", "travel") from None
    if model == "matrix":
        matrix = r.get("matrix", required=True)
        locs = None
        if r.has("locations"):
            locs = []
            for i, v in enumerate(r.list_("locations")):
                c = _Ctx(None, None)  # no times in a location
                loc = c.location(_Reader({"location": v}, f"travel.locations[{i}]"), "location")
                assert loc is not None
                locs.append(Location(loc.lat, loc.lon, i))
        try:
            return MatrixModel(matrix, locs), locs
        except (TypeError, ValueError) as e:
            raise ProblemError(
                "bad_field", f"travel: field 'matrix' {e}", "travel", "matrix"
            ) from None
    raise r.err("model", f"must be 'straight_line' or 'matrix', got {model!r}")


def _technician(raw: Any, i: int, ctx: _Ctx) -> Technician:
    rid = raw.get("id") if isinstance(raw, Mapping) else None
    r = _Reader(raw, f"technician {rid}" if rid else f"technicians[{i}]")
    shift = _Reader(r.get("shift", required=True), f"{r.record} shift")
    breaks = []
    for k, b in enumerate(r.list_("breaks")):
        br = _Reader(b, f"{r.record} breaks[{k}]")
        wins = [ctx.window(br, "windows", w) for w in br.list_("windows")]
        breaks.append(
            Break(
                tuple(wins), br.int_("duration_s", required=True), br.str_("name", default="break")
            )
        )
    skills = r.get("skills", {})
    start = ctx.location(r, "start")
    assert start is not None
    return Technician(
        id=r.str_("id", required=True),
        name=r.str_("name", default=str(rid)),
        start=start,
        end=ctx.location(r, "end", required=False),
        shift_start=ctx.instant(shift, "start"),
        shift_end=ctx.instant(shift, "end"),
        skills=dict(skills) if isinstance(skills, Mapping) else skills,
        breaks=tuple(breaks),
        max_work_s=r.int_("max_work_s"),
        capacity=r.int_("capacity"),
        current_location=ctx.location(r, "current_location", required=False),
        available_from=ctx.instant(r, "available_from") if r.has("available_from") else None,
        time_off=tuple(ctx.window(r, "time_off", w) for w in r.list_("time_off")),
    )


def _job(raw: Any, i: int, ctx: _Ctx) -> Job:
    rid = raw.get("label") or raw.get("id") if isinstance(raw, Mapping) else None
    r = _Reader(raw, f"job {rid}" if rid else f"jobs[{i}]")
    fixed = None
    if r.has("fixed"):
        fr = _Reader(r.get("fixed"), f"{r.record} fixed")
        fixed = Fixed(fr.str_("technician_id", required=True), ctx.instant(fr, "start"))
    skills = r.get("required_skills", {})
    return Job(
        id=r.str_("id", required=True),
        label=r.str_("label", default=""),
        location=ctx.location(r, "location", required=False),
        service_s=r.int_("service_s", required=True),
        windows=tuple(ctx.window(r, "windows", w) for w in r.list_("windows")),
        required_skills=dict(skills) if isinstance(skills, Mapping) else skills,
        priority=r.get("priority", "normal"),
        pinned_to=r.get("pinned_to"),
        fixed=fixed,
        amount=r.int_("amount", default=0),
    )


def load_problem(source: Mapping[str, Any] | str | Path) -> Problem:
    """Read a problem from a dict or a JSON file and validate it.

    Raises
    ------
    ProblemError
        ``bad_json``, ``missing_field``, ``bad_field``, ``bad_time`` or any
        :func:`validate_problem` code; the message names the record and field.
    """
    if isinstance(source, str | Path):
        try:
            data = json.loads(Path(source).read_text())
        except OSError as e:
            raise ProblemError("bad_json", f"cannot read {source}: {e.strerror}") from None
        except json.JSONDecodeError as e:
            raise ProblemError("bad_json", f"{source} is not valid JSON: {e}") from None
    else:
        data = source
    top = _Reader(data, "problem")
    fmt = top.get("format", PROBLEM_FORMAT)
    if fmt != PROBLEM_FORMAT:
        raise top.err("format", f"must be '{PROBLEM_FORMAT}', got {fmt!r}")
    origin_s = top.get("origin", required=True)
    try:
        origin = datetime.fromisoformat(origin_s) if isinstance(origin_s, str) else None
    except ValueError:
        origin = None
    if origin is None or origin.tzinfo is None:
        raise top.err("origin", "must be an ISO-8601 time with UTC offset", "bad_time")
    travel, locations = _travel(top)
    ctx = _Ctx(origin, locations)
    o = _Reader(top.get("options", {}), "options")
    defaults = Options()
    options = Options(
        time_limit_s=o.get("time_limit_s", defaults.time_limit_s),
        exploration=o.int_("exploration", default=defaults.exploration),
        threads=o.int_("threads", default=defaults.threads),
        seed=o.int_("seed", default=defaults.seed),
        repair=bool(o.get("repair", defaults.repair)),
        engine=o.str_("engine", default=defaults.engine),
        technician_cost_s=o.int_("technician_cost_s", default=defaults.technician_cost_s),
    )
    techs = [_technician(t, i, ctx) for i, t in enumerate(top.list_("technicians"))]
    jobs = [_job(j, i, ctx) for i, j in enumerate(top.list_("jobs"))]
    problem = Problem(origin, techs, jobs, options, travel)
    validate_problem(problem)
    return problem


def _iso(origin: datetime, t: int) -> str:
    return (origin + timedelta(seconds=int(t))).isoformat()


def dump_plan(plan: Plan, origin: datetime | None = None) -> dict[str, Any]:
    """A plan as a JSON-ready dict (times as ISO-8601 with offset).

    ``origin`` defaults to ``plan.origin``; without either, times are written
    as integer seconds (``*_s`` keys would be ambiguous, so this is an error).
    """
    origin = origin or plan.origin
    if origin is None:
        raise ValueError("dump_plan needs the problem origin to write times")

    def ts(t: int) -> str:
        return _iso(origin, t)

    return {
        "format": PLAN_FORMAT,
        "origin": origin.isoformat(),
        "engine": plan.engine,
        "routes": [
            {
                "technician_id": r.technician_id,
                "start": ts(r.start_time),
                "end": ts(r.end_time),
                "drive_s": r.drive_s,
                "work_s": r.work_s,
                "stops": [
                    {
                        "job_id": s.job_id,
                        "arrival": ts(s.arrival),
                        "start": ts(s.start),
                        "end": ts(s.end),
                        "travel_s": s.travel_s,
                        "wait_s": s.wait_s,
                        "late_s": s.late_s,
                        "fixed": s.fixed,
                    }
                    for s in r.stops
                ],
                "breaks": [
                    {
                        "name": b.name,
                        "start": ts(b.start),
                        "end": ts(b.end),
                        "after_stops": b.after_stops,
                    }
                    for b in r.breaks
                ],
            }
            for r in plan.routes
        ],
        "unassigned": [
            {"job_id": u.job_id, "reason_code": u.reason_code, "reason": u.reason}
            for u in plan.unassigned
        ],
        "kpis": dict(plan.kpis),
    }


def load_plan(data: Mapping[str, Any], origin: datetime | None = None) -> Plan:
    """Read a plan written by :func:`dump_plan` (e.g. to warm-start a re-plan)."""
    top = _Reader(data, "plan")
    if origin is None:
        o = top.get("origin", required=True)
        origin = datetime.fromisoformat(o)
    ctx = _Ctx(origin, None)
    routes = []
    for i, rr in enumerate(top.list_("routes")):
        r = _Reader(rr, f"routes[{i}]")
        stops = []
        for k, ss in enumerate(r.list_("stops")):
            s = _Reader(ss, f"{r.record} stops[{k}]")
            stops.append(
                Stop(
                    s.str_("job_id", required=True),
                    ctx.instant(s, "arrival"),
                    ctx.instant(s, "start"),
                    ctx.instant(s, "end"),
                    s.int_("travel_s", default=0),
                    s.int_("wait_s", default=0),
                    s.int_("late_s", default=0),
                    bool(s.get("fixed", False)),
                )
            )
        breaks = []
        for k, bb in enumerate(r.list_("breaks")):
            b = _Reader(bb, f"{r.record} breaks[{k}]")
            breaks.append(
                BreakSlot(
                    b.str_("name", default="break"),
                    ctx.instant(b, "start"),
                    ctx.instant(b, "end"),
                    b.int_("after_stops", default=0),
                )
            )
        routes.append(
            Route(
                r.str_("technician_id", required=True),
                tuple(stops),
                ctx.instant(r, "start"),
                ctx.instant(r, "end"),
                r.int_("drive_s", default=0),
                r.int_("work_s", default=0),
                tuple(breaks),
            )
        )
    un = tuple(
        Unassigned(str(u.get("job_id")), str(u.get("reason_code", "")), str(u.get("reason", "")))
        for u in top.list_("unassigned")
        if isinstance(u, Mapping)
    )
    engine = top.str_("engine", default="")
    return Plan(tuple(routes), un, dict(top.get("kpis", {})), origin, engine)


def solve_file(
    path: str | Path, time_limit: float | None = None, engine: str | None = None
) -> dict[str, Any]:
    """Load a problem file, solve it, and return the plan dict plus checker output.

    ``time_limit`` and ``engine`` override the file's options when given. The
    result has the :func:`dump_plan` keys and ``violations`` (a list of
    sentences from the independent checker; empty when the plan is feasible).
    """
    from dataclasses import replace

    from crewboard.routing.check import check_plan
    from crewboard.routing.solver import solve

    problem = load_problem(path)
    if time_limit is not None:
        problem = replace(problem, options=replace(problem.options, time_limit_s=time_limit))
    if engine is not None:
        problem = replace(problem, options=replace(problem.options, engine=engine))  # type: ignore[arg-type]
    plan = solve(problem)
    out = dump_plan(plan)
    out["violations"] = check_plan(problem, plan)
    return out


def _loc(loc: Location | None) -> list[float] | None:
    return [loc.lat, loc.lon] if loc is not None else None


def _windows(origin: datetime, windows: Any) -> list[dict[str, str]]:
    return [{"start": _iso(origin, w.start), "end": _iso(origin, w.end)} for w in windows]


def dump_problem(problem: Problem) -> dict[str, Any]:
    """A problem as a JSON-ready dict that :func:`load_problem` reads back.

    This is how a real day is shared in a bug report: ``crewboard optimize
    --export-problem`` writes it, ``crewboard solve`` reproduces the plan.
    Only the straight-line travel model is written; a road-network model is
    frozen into an explicit matrix by the caller if needed.
    """
    o = problem.origin
    travel = problem.travel
    inner = getattr(travel, "inner", travel)  # a cache wraps the real model
    if not isinstance(inner, StraightLineModel):
        raise ProblemError("bad_field", "only straight-line travel can be written out",
                           "travel", "model")
    techs = []
    for t in problem.technicians:
        raw: dict[str, Any] = {
            "id": t.id, "name": t.name, "start": _loc(t.start),
            "shift": {"start": _iso(o, t.shift_start), "end": _iso(o, t.shift_end)},
            "skills": dict(t.skills),
            "breaks": [{"name": b.name, "duration_s": b.duration_s,
                        "windows": _windows(o, b.windows)} for b in t.breaks],
            "time_off": _windows(o, t.time_off)}
        if t.end is not None:
            raw["end"] = _loc(t.end)
        for key in ("max_work_s", "capacity"):
            if getattr(t, key) is not None:
                raw[key] = getattr(t, key)
        if t.current_location is not None:
            raw["current_location"] = _loc(t.current_location)
        if t.available_from is not None:
            raw["available_from"] = _iso(o, t.available_from)
        techs.append(raw)
    jobs = []
    for j in problem.jobs:
        raw = {"id": j.id, "label": j.label, "location": _loc(j.location),
               "service_s": j.service_s, "windows": _windows(o, j.windows),
               "required_skills": dict(j.required_skills), "priority": j.priority,
               "amount": j.amount}
        if j.pinned_to is not None:
            raw["pinned_to"] = j.pinned_to
        if j.fixed is not None:
            raw["fixed"] = {"technician_id": j.fixed.technician_id,
                            "start": _iso(o, j.fixed.start)}
        jobs.append(raw)
    opts = problem.options
    return {"format": PROBLEM_FORMAT, "origin": o.isoformat(),
            "options": {"time_limit_s": opts.time_limit_s, "exploration": opts.exploration,
                        "threads": opts.threads, "seed": opts.seed, "repair": opts.repair,
                        "engine": opts.engine, "technician_cost_s": opts.technician_cost_s},
            "travel": {"model": "straight_line", "speed_kmh": inner.speed_kmh,
                       "detour_factor": inner.detour_factor, "overhead_s": inner.overhead_s},
            "technicians": techs, "jobs": jobs}
