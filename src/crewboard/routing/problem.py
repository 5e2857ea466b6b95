"""The planning problem: technicians, jobs and options, as plain dataclasses.

Times are ``int`` seconds relative to :attr:`Problem.origin` (an aware UTC
datetime kept only for display and the JSON format); durations are ``int``
seconds. ``planning/`` converts datetimes to these integers, so nothing in
``routing/`` ever deals with time zones.

A :class:`TimeWindow` on a job is the interval in which the *whole visit*
happens: service starts at or after ``start`` and ends at or before ``end``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    from crewboard.routing.travel import TravelTimeModel

Priority = Literal["emergency", "high", "normal", "low"]
PRIORITIES: tuple[str, ...] = ("emergency", "high", "normal", "low")
Engine = Literal["auto", "vroom", "pyvrp"]
ENGINES: tuple[str, ...] = ("auto", "vroom", "pyvrp")


@dataclass(frozen=True)
class Location:
    """A point on the map; ``index`` is its row in an explicit travel matrix, if any."""

    lat: float
    lon: float
    index: int | None = None


@dataclass(frozen=True)
class TimeWindow:
    """``[start, end]`` in seconds from the origin; both ends inclusive."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Break:
    """A break that must be taken, starting inside one of ``windows``.

    A break with one window of zero length is a fixed appointment (a meeting,
    a time-off block inside the shift).
    """

    windows: Sequence[TimeWindow]
    duration_s: int
    name: str = "break"


@dataclass(frozen=True)
class Technician:
    """A person with a van, a shift and skills.

    Attributes
    ----------
    id, name:
        Stable id (used in plans) and display name (used in sentences).
    start, end:
        Where the day starts and ends; ``end=None`` means back to ``start``.
    shift_start, shift_end:
        The working day: leave ``start`` no earlier than ``shift_start`` and be
        at ``end`` by ``shift_end``.
    skills:
        Skill name to level (1 = basic). A job needing level 2 accepts 2 or 3.
    breaks:
        Breaks to take during the day.
    max_work_s:
        Optional cap on driving plus service time (waiting and breaks excluded).
    capacity:
        Optional van capacity in the unit of :attr:`Job.amount`.
    current_location, available_from:
        Same-day re-planning: where the technician is now and when they are
        free (after the job in hand). Replace ``start``/``shift_start``.
    time_off:
        Intervals the technician is not available (appointments, half day off).
    """

    id: str
    name: str
    start: Location
    shift_start: int
    shift_end: int
    end: Location | None = None
    skills: dict[str, int] = field(default_factory=dict)
    breaks: Sequence[Break] = ()
    max_work_s: int | None = None
    capacity: int | None = None
    current_location: Location | None = None
    available_from: int | None = None
    time_off: Sequence[TimeWindow] = ()

    @property
    def end_location(self) -> Location:
        return self.end if self.end is not None else self.start


@dataclass(frozen=True)
class Fixed:
    """A job that is in progress or done: it stays with ``technician_id`` at ``start``."""

    technician_id: str
    start: int


@dataclass(frozen=True)
class Job:
    """A visit to a customer.

    ``windows`` empty means any time inside the technician's shift; several
    windows mean "any one of these". ``pinned_to`` promises the job to one
    technician (the solver may still sequence it); ``fixed`` freezes both the
    technician and the start time (in-progress or finished work).
    """

    id: str
    location: Location | None
    service_s: int
    windows: Sequence[TimeWindow] = ()
    required_skills: dict[str, int] = field(default_factory=dict)
    priority: Priority = "normal"
    pinned_to: str | None = None
    fixed: Fixed | None = None
    amount: int = 0
    label: str = ""

    @property
    def name(self) -> str:
        """The label used in sentences (``J-1031``), falling back to the id."""
        return self.label or self.id


@dataclass(frozen=True)
class Options:
    """Solver knobs.

    Attributes
    ----------
    time_limit_s:
        Wall-clock cap for the whole solve (``None``: no cap). VROOM builds
        its starting solutions before it checks the timeout, and that costs
        about ``(jobs / 1000)^2`` seconds per exploration level step (0.7 s at
        level 1, 2.8 s at level 5 per 1,000^2 jobs, one thread), so the VROOM
        engine passes VROOM the limit minus that estimate and minus the time
        already spent building the model, and lowers ``exploration`` only
        when its construction alone would take more than half the limit
        (e.g. 1,600 jobs: level 5 from about 15 s up, level 1 below about 5 s;
        400 jobs keep level 5 from about 1 s). The floor is level 1's
        construction (about 1.7 s for 1,600 jobs), which a shorter limit
        overruns; see ``crewboard.routing.solver.search_settings``. Small days
        finish long before the default 30 s and are then deterministic; a
        limit that is actually reached makes the result depend on machine
        speed, and a warm start under a tight limit is cut short (VROOM
        shares the limit among its searches), so interactive callers use
        ``replan``.
        PyVRP stops on time (``None``: 30 s) or when the search stalls.
    exploration:
        VROOM exploration level 1-5: higher searches more (PyVRP ignores it).
    threads:
        Solver threads; 1 keeps results reproducible.
    seed:
        PyVRP's random seed: with a limit that is not reached (small days stop
        when the search stalls) the same seed gives the same plan. VROOM has
        no seed: with ``threads=1`` and a limit that is not reached it repeats
        the same cost, though ties between equal-cost routes may break
        differently between calls.
    repair:
        After solving, try to insert any still-unassigned jobs with our own
        insertion evaluator.
    engine:
        Which search runs. ``"vroom"`` models everything natively.
        ``"pyvrp"`` finds shorter routes at equal time; it cannot model
        ``max_work_s`` or a warm start, and handles breaks and mid-day time
        off by reserving their time and placing them afterwards, which on the
        measured field days left more jobs unassigned than VROOM (also
        without breaks, where technicians' skills differ). So ``"auto"`` uses
        PyVRP only for days with no breaks, time off, work cap, warm start,
        skill or pin differences between technicians or two-window jobs (see
        :func:`crewboard.routing.pyvrp_engine.pyvrp_fits`), else VROOM;
        ``"pyvrp"`` on a problem it cannot model is a :class:`ProblemError`.
    technician_cost_s:
        Cost of using a technician at all, in seconds of driving: above 0 the
        search prefers fewer technicians (e.g. to spare contractors), trading
        up to this much extra driving for each technician left at home.
    """

    time_limit_s: float | None = 30.0
    exploration: int = 5
    threads: int = 1
    seed: int = 0
    repair: bool = True
    engine: Engine = "auto"
    technician_cost_s: int = 0


def _default_travel() -> TravelTimeModel:
    from crewboard.routing.travel import StraightLineModel

    return StraightLineModel()


@dataclass(frozen=True)
class Problem:
    """One day (or part of a day) to plan.

    ``travel`` is any :class:`~crewboard.routing.travel.TravelTimeModel`; pass
    ``MatrixModel(matrix)`` for an explicit matrix.
    """

    origin: datetime
    technicians: Sequence[Technician]
    jobs: Sequence[Job]
    options: Options = field(default_factory=Options)
    travel: TravelTimeModel = field(default_factory=_default_travel)

    def job(self, job_id: str) -> Job:
        for j in self.jobs:
            if j.id == job_id:
                return j
        raise KeyError(job_id)

    def technician(self, tech_id: str) -> Technician:
        for t in self.technicians:
            if t.id == tech_id:
                return t
        raise KeyError(tech_id)

    def clock(self, t: int) -> str:
        """``HH:MM`` of a relative time in the origin's zone, for sentences."""
        return fmt_clock(self.origin, t)


def fmt_clock(origin: datetime, t: int) -> str:
    """Format a relative time as ``HH:MM`` in the origin's zone (``+1d`` past midnight)."""
    x = origin.hour * 3600 + origin.minute * 60 + origin.second + int(t)
    days, rem = divmod(x, 86400)
    h, rem = divmod(rem, 3600)
    clock = f"{h:02d}:{rem // 60:02d}"
    return clock if days == 0 else f"{clock}{days:+d}d"


def fmt_duration(seconds: int) -> str:
    """``25 min`` / ``1 h 05 min``: durations for sentences, rounded up to a minute."""
    minutes = max(0, -(-int(seconds) // 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class ProblemError(ValueError):
    """Malformed problem data. ``code`` is stable, ``message`` names the record.

    Also carries ``record`` (e.g. ``"job J-1031"``) and ``field`` when known.
    """

    def __init__(self, code: str, message: str, record: str = "", field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.record = record
        self.field = field

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with every field (errors cross from a solver worker process)."""
        return (type(self), (self.code, self.message, self.record, self.field))


def _check_skills(skills: dict[str, int], record: str, what: str, minimum: int = 1) -> None:
    if not isinstance(skills, dict):
        raise ProblemError("bad_skill", f"{record}: {what} must map skill name to level", record)
    for name, level in skills.items():
        if not isinstance(name, str) or not name.strip():
            raise ProblemError("bad_skill", f"{record}: {what} has an empty skill name", record)
        if isinstance(level, bool) or not isinstance(level, int) or level < minimum:
            raise ProblemError(
                "bad_skill",
                f"{record}: skill '{name}' has level {level!r}; levels are integers >= {minimum}",
                record,
            )


def _check_window(w: TimeWindow, record: str, what: str) -> None:
    if w.end < w.start:
        raise ProblemError(
            "window_reversed",
            f"{record}: {what} ends ({w.end}) before it starts ({w.start})",
            record,
        )


def validate_problem(problem: Problem) -> None:
    """Reject malformed data before it reaches the solver.

    Only data that cannot mean anything is an error. A job whose skill no
    technician has, or whose window nobody can reach, is *valid*: the solver
    leaves it unassigned with a reason a dispatcher can act on.

    Raises
    ------
    ProblemError
        With ``code`` one of ``duplicate_id``, ``no_shift``, ``bad_duration``,
        ``bad_skill``, ``window_reversed``, ``window_too_short``,
        ``job_no_location``, ``bad_priority``, ``unknown_technician``,
        ``bad_capacity``, ``bad_option``; the message names the record.
    """
    o = problem.options
    if o.engine not in ENGINES:
        raise ProblemError(
            "bad_option",
            f"options: engine '{o.engine}' is unknown; use one of {', '.join(ENGINES)}",
            "options",
            "engine",
        )
    if o.technician_cost_s < 0:
        raise ProblemError(
            "bad_option", "options: technician_cost_s is negative", "options", "technician_cost_s"
        )
    tech_ids: set[str] = set()
    for t in problem.technicians:
        rec = f"technician {t.name or t.id}"
        if t.id in tech_ids:
            raise ProblemError("duplicate_id", f"technician id '{t.id}' is used twice", rec, "id")
        tech_ids.add(t.id)
        if t.start is None:
            raise ProblemError("no_location", f"{rec} has no start location", rec, "start")
        if t.shift_end <= t.shift_start:
            raise ProblemError(
                "no_shift", f"{rec} has no shift: it ends before or when it starts", rec, "shift"
            )
        _check_skills(t.skills, rec, "skills", minimum=0)
        for b in t.breaks:
            if b.duration_s < 0:
                raise ProblemError("bad_duration", f"{rec}: break has a negative duration", rec)
            if not b.windows:
                raise ProblemError("bad_break", f"{rec}: break '{b.name}' has no window", rec)
            for w in b.windows:
                _check_window(w, rec, f"break '{b.name}' window")
        for w in t.time_off:
            _check_window(w, rec, "time off")
        if t.max_work_s is not None and t.max_work_s < 0:
            raise ProblemError("bad_duration", f"{rec}: max_work_s is negative", rec, "max_work_s")
        if t.capacity is not None and t.capacity < 0:
            raise ProblemError("bad_capacity", f"{rec}: capacity is negative", rec, "capacity")

    job_ids: set[str] = set()
    for j in problem.jobs:
        rec = f"job {j.name}"
        if j.id in job_ids:
            raise ProblemError("duplicate_id", f"job id '{j.id}' is used twice", rec, "id")
        job_ids.add(j.id)
        if j.location is None:
            raise ProblemError("job_no_location", f"{rec} has no location", rec, "location")
        if j.service_s < 0:
            raise ProblemError("bad_duration", f"{rec} has a negative duration", rec, "service_s")
        if j.priority not in PRIORITIES:
            raise ProblemError(
                "bad_priority",
                f"{rec} has priority '{j.priority}'; use one of {', '.join(PRIORITIES)}",
                rec,
                "priority",
            )
        _check_skills(j.required_skills, rec, "required_skills")
        for w in j.windows:
            _check_window(w, rec, "window")
            if w.length < j.service_s:
                raise ProblemError(
                    "window_too_short",
                    f"{rec}: window {problem.clock(w.start)}-{problem.clock(w.end)} is shorter"
                    f" than the job's {fmt_duration(j.service_s)} duration",
                    rec,
                    "windows",
                )
        if j.pinned_to is not None and j.pinned_to not in tech_ids:
            raise ProblemError(
                "unknown_technician",
                f"{rec} is pinned to technician '{j.pinned_to}', who is not in the problem",
                rec,
                "pinned_to",
            )
        if j.fixed is not None and j.fixed.technician_id not in tech_ids:
            raise ProblemError(
                "unknown_technician",
                f"{rec} is fixed to technician '{j.fixed.technician_id}', who is not in the"
                " problem",
                rec,
                "fixed",
            )
        if j.amount < 0:
            raise ProblemError("bad_capacity", f"{rec} has a negative amount", rec, "amount")
