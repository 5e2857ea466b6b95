"""Best technician for a job: constant-time insertion checks over the current routes.

Answering "who should take this call?" must take milliseconds and explain
itself, so it is not a solve. For every technician's route we precompute once
(Savelsbergh-style slack):

* ``ES[k]`` the earliest start of node ``k`` (start, visits, end) given the
  nodes before it, using the window each visit currently sits in;
* ``LS[k]`` the latest start of node ``k`` that keeps every later node on time
  (its own window, later windows, breaks, the shift end), and what binds it.

Inserting job ``j`` after node ``k`` is then feasible iff the visit fits one
of its windows starting at ``max(ES[k] + s[k] + t(k, j), window.start)`` and
``start + s[j] + t(j, k+1) <= LS[k+1]``: constant time per position. All
positions of all technicians are flat numpy arrays, and the travel times
between the new job and every booked stop come from one ``table`` call, so a
query over 200 technicians and 1,600 booked jobs costs a few milliseconds.

Breaks belong to the leg between two nodes and may start during the drive
(VROOM's rule): arriving at the next node takes ``max(dep + t, ws) + b`` and
needs ``dep <= we``. Inserting into a leg with a break tries the break on
either side of the new job, so one break per leg is evaluated exactly (a
property test checks this against full re-timing). Several breaks on one leg
are combined into one block (stricter, never wrong). Downstream visits keep
their current window (conservative when they have several).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from crewboard.routing.plan import Plan, Route
from crewboard.routing.problem import Break, Job, Location, Problem, TimeWindow, fmt_duration
from crewboard.routing.timing import (
    TechDay,
    TravelTable,
    route_elements,
    tech_days,
    visit_window,
)
from crewboard.routing.travel import UNREACHABLE, StraightLineModel

_INF = 10**12
WORKLOAD_WEIGHT = 0.05  # seconds of score per second of work already on the route
WAIT_WEIGHT = 0.5  # seconds of score per second the technician would wait at the job


@dataclass(frozen=True, eq=False, repr=False, slots=True)
class Candidate:
    """One technician's best way to take the job, or why they cannot.

    Attributes
    ----------
    position:
        Index in the route's ``stops`` where the job would go (``-1`` if
        infeasible and no position was evaluated).
    extra_drive_s:
        Added driving in seconds.
    eta, start:
        Arrival at the job and service start.
    window:
        The job window used (``None``: job has no window).
    window_fit, skill_fit:
        Short words: ``inside``/``waits``/``late``/``any time``;
        ``ok``/``missing``/``level too low``.
    jobs, work_s:
        The technician's workload before the insertion.
    score:
        Lower is better: extra drive + half the new waiting + 3 s per minute
        of work already on the route (spreads work).
    reason:
        A sentence for the dispatcher. It is a property: :meth:`DayState.rank`
        writes it only when first read, so ranking every technician stays
        cheap when a caller looks at a few sentences (the fields above are
        always filled in). Constructing a ``Candidate`` takes the sentence
        as the last argument.
    """

    technician_id: str
    technician_name: str
    feasible: bool
    position: int
    extra_drive_s: int
    eta: int
    start: int
    window: TimeWindow | None
    window_fit: str
    skill_fit: str
    jobs: int
    work_s: int
    score: float
    _why: str | _Cols = field(repr=False)
    _row: int = field(default=-1, repr=False)

    @property
    def reason(self) -> str:
        """A sentence for the dispatcher (written on first read, then kept)."""
        why = self._why
        if not isinstance(why, str):
            why = why.sentence(self._row)
            object.__setattr__(self, "_why", why)
        return why

    def _key(self) -> tuple:
        return (*(getattr(self, f.name) for f in fields(self)[:-2]), self.reason)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Candidate):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        body = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)[:-2])
        return f"Candidate({body}, reason={self.reason!r})"


class _TechSlack:
    """The per-node arrays of one technician's route.

    Nodes are the start, the visits and the end; breaks belong to the *leg*
    between two nodes (several on one leg are combined conservatively into one
    block taken in one go).
    """

    __slots__ = (
        "day",
        "route",
        "elements",
        "nodes",
        "loc",
        "es",
        "ls",
        "svc",
        "bind",
        "t_next",
        "leg_ws",
        "leg_we",
        "leg_b",
        "leg_brk",
        "work_s",
        "load",
        "n_jobs",
        "n_fixed",
    )

    def __init__(
        self,
        day: TechDay,
        route: Route | None,
        elements: list,
        pair_travel,
        locidx: dict[Location, int],
    ):
        self.day = day
        self.route = route
        self.elements = elements
        self.n_fixed = len(day.fixed)
        loc_of: list[Location] = [day.start_location]
        svc = [0]
        kinds: list[object] = ["start"]
        legs: list[list[Break]] = [[]]
        for el in elements:
            if isinstance(el, Break):
                legs[-1].append(el)
            else:
                loc_of.append(el.location)
                svc.append(el.service_s)
                kinds.append(el)
                legs.append([])
        loc_of.append(day.end_location)
        svc.append(0)
        kinds.append("end")
        n = len(kinds)
        t_next = pair_travel(loc_of[:-1], loc_of[1:]) + [0]
        es = [0] * n
        lo = [0] * n  # latest start allowed by the node itself
        ws = [-_INF] * n  # combined break block on the leg after node k
        we = [_INF] * n
        bd = [0] * n
        es[0] = day.start_time
        lo[0] = day.end_time
        work = day.fixed_work_s
        load = sum(j.amount for j in day.fixed)
        n_jobs = 0
        for k in range(1, n):
            dep = es[k - 1] + svc[k - 1]
            if legs[k - 1]:
                ws[k - 1], we[k - 1], bd[k - 1] = _block(legs[k - 1], dep)
            ready = max(dep + t_next[k - 1], ws[k - 1]) + bd[k - 1]
            node = kinds[k]
            work += t_next[k - 1]
            if node == "end":
                es[k] = ready
                lo[k] = day.end_time
            else:
                start, w, _late = visit_window(node, ready)
                es[k] = start
                lo[k] = (w.end - node.service_s) if w is not None else day.end_time
                work += node.service_s
                load += node.amount
                n_jobs += 1
        ls = [0] * n
        bind: list[object] = [None] * n  # what limits LS[k]: a Job, a Break or "end"
        ls[n - 1] = lo[n - 1]
        bind[n - 1] = "end"
        for k in range(n - 2, -1, -1):
            nxt = ls[k + 1]
            if legs[k] and ws[k] + bd[k] > nxt:
                latest_dep, limit = -_INF, legs[k][0]
            else:
                by_next = nxt - bd[k] - t_next[k]
                if legs[k] and we[k] < by_next:
                    latest_dep, limit = we[k], legs[k][0]
                else:
                    latest_dep, limit = by_next, bind[k + 1]
            via = latest_dep - svc[k]
            if lo[k] <= via:
                ls[k], bind[k] = lo[k], kinds[k]
            else:
                ls[k], bind[k] = via, limit
        self.nodes = kinds
        self.loc = [locidx.setdefault(x, len(locidx)) for x in loc_of]
        self.es = es
        self.ls = ls
        self.svc = svc
        self.bind = bind
        self.t_next = t_next
        self.leg_ws, self.leg_we, self.leg_b = ws, we, bd
        self.leg_brk = [lg[0] if lg else None for lg in legs] + [None]
        self.work_s = work
        self.load = load
        self.n_jobs = n_jobs


def _block(breaks: list[Break], ready: int) -> tuple[int, int, int]:
    """Breaks on one leg as one block ``(earliest start, latest start, duration)``.

    One break is exact (VROOM lets it start during the drive). Several are
    taken back to back, which is stricter than necessary but never wrong.
    """
    ws, we, total = -_INF, _INF, 0
    t = ready
    for b in breaks:
        wins = sorted(b.windows, key=lambda w: w.start)
        w = next((w for w in wins if max(t, w.start) <= w.end), wins[-1])
        ws = max(ws, w.start - total)
        we = min(we, w.end - total)
        total += b.duration_s
        t = max(t, w.start) + b.duration_s
    return ws, we, total


class DayState:
    """Precomputed slack for every technician's route; reuse it across queries.

    Parameters
    ----------
    problem:
        The day (technicians, the jobs on the routes, travel model).
    routes:
        The current plan or its routes. Technicians without a route are
        treated as having an empty day.

    Notes
    -----
    Call :meth:`update` after changing one route: only that technician is
    recomputed.
    """

    def __init__(
        self,
        problem: Problem,
        routes: Plan | Sequence[Route] = (),
        *,
        days: dict[str, TechDay] | None = None,
        table: TravelTable | None = None,
    ) -> None:
        self.problem = problem
        self.days = days if days is not None else tech_days(problem)
        self.table = table
        self.jobs = {j.id: j for j in problem.jobs}
        route_list = routes.routes if isinstance(routes, Plan) else routes
        self.routes = {r.technician_id: r for r in route_list}
        self._locidx: dict[Location, int] = {}
        self._clock_cache: dict[int, str] = {}
        self.techs: dict[str, _TechSlack] = {}
        for t in problem.technicians:
            self._build_one(t.id)
        self._flatten()

    def _build_one(self, tech_id: str) -> None:
        day = self.days[tech_id]
        route = self.routes.get(tech_id)
        if route is not None:
            elements = route_elements(route, self.jobs, day)
        else:
            from crewboard.routing.timing import place_breaks

            elements = place_breaks([], day.breaks, ())
        self.techs[tech_id] = _TechSlack(day, route, elements, self._pair_travel, self._locidx)

    def _pair_travel(self, a: list[Location], b: list[Location]) -> list[int]:
        """Travel seconds ``a[i] -> b[i]`` for each i (vectorised when possible)."""
        model = self.problem.travel
        if self.table is None and isinstance(model, StraightLineModel):
            lat1 = np.fromiter((p.lat for p in a), dtype=np.float64, count=len(a))
            lon1 = np.fromiter((p.lon for p in a), dtype=np.float64, count=len(a))
            lat2 = np.fromiter((p.lat for p in b), dtype=np.float64, count=len(b))
            lon2 = np.fromiter((p.lon for p in b), dtype=np.float64, count=len(b))
            return model.seconds(lat1, lon1, lat2, lon2).tolist()
        if self.table is None:
            self.table = TravelTable(self.problem)
        tb = self.table
        return [int(tb.m[tb.index(x), tb.index(y)]) for x, y in zip(a, b, strict=True)]

    def update(self, route: Route) -> None:
        """Replace one technician's route and recompute only their slack."""
        self.routes[route.technician_id] = route
        self._build_one(route.technician_id)
        self._flatten()

    def _flatten(self) -> None:
        tech_ids = [t.id for t in self.problem.technicians]
        self.tech_ids = tech_ids
        pos_tech: list[int] = []
        pos_node: list[int] = []
        dep: list[int] = []
        loc_from: list[int] = []
        loc_to: list[int] = []
        t_pp: list[int] = []
        ls_next: list[int] = []
        ws: list[int] = []
        we: list[int] = []
        bd: list[int] = []
        for ti, tid in enumerate(tech_ids):
            s = self.techs[tid]
            n = len(s.nodes)
            for k in range(n - 1):
                pos_tech.append(ti)
                pos_node.append(k)
                dep.append(s.es[k] + s.svc[k])
                loc_from.append(s.loc[k])
                loc_to.append(s.loc[k + 1])
                t_pp.append(s.t_next[k])
                ls_next.append(s.ls[k + 1])
                ws.append(s.leg_ws[k])
                we.append(s.leg_we[k])
                bd.append(s.leg_b[k])
        self.pos_tech = np.asarray(pos_tech, dtype=np.int64)
        self.pos_node = np.asarray(pos_node, dtype=np.int64)
        self.dep = np.asarray(dep, dtype=np.int64)
        self.loc_from = np.asarray(loc_from, dtype=np.int64)
        self.loc_to = np.asarray(loc_to, dtype=np.int64)
        self.t_pp = np.asarray(t_pp, dtype=np.int64)
        self.ls_next = np.asarray(ls_next, dtype=np.int64)
        self.brk_ws = np.asarray(ws, dtype=np.int64)
        self.brk_we = np.asarray(we, dtype=np.int64)
        self.brk_b = np.asarray(bd, dtype=np.int64)
        locs = [None] * len(self._locidx)
        for loc, i in self._locidx.items():
            locs[i] = loc
        self.locations: list[Location] = locs  # type: ignore[assignment]
        self.lat = np.asarray([p.lat for p in locs], dtype=np.float64)
        self.lon = np.asarray([p.lon for p in locs], dtype=np.float64)
        self.tech_work = np.asarray([self.techs[t].work_s for t in tech_ids], dtype=np.int64)
        techs = [self.days[t].technician for t in tech_ids]
        self.tech_maxwork = _int_or_inf([t.max_work_s for t in techs])
        n_t = len(tech_ids)
        self.tech_index = np.arange(n_t, dtype=np.int64)
        self.index_of = {t: i for i, t in enumerate(tech_ids)}
        self.tech_avail = np.asarray([self.days[t].available for t in tech_ids], dtype=bool)
        self.tech_load = np.asarray([self.techs[t].load for t in tech_ids], dtype=np.int64)
        self.tech_cap = _int_or_inf([t.capacity for t in techs])
        self._levels: dict[str, np.ndarray] = {}
        self._no_gap = np.zeros(n_t, dtype=bool)

    def _skill_gaps(self, need: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Per technician: lacks a required skill; has one below the level."""
        if not need:
            return self._no_gap, self._no_gap
        missing = np.zeros(len(self.tech_ids), dtype=bool)
        low = np.zeros(len(self.tech_ids), dtype=bool)
        for name, level in need.items():
            have = self._levels.get(name)
            if have is None:
                have = self._levels[name] = np.asarray(
                    [self.days[t].technician.skills.get(name, 0) for t in self.tech_ids],
                    dtype=np.int64,
                )
            missing |= have <= 0
            low |= (have > 0) & (have < level)
        return missing, low

    def _travel(self, loc: Location) -> tuple[np.ndarray, np.ndarray]:
        """(to_job[u], from_job[u]) for every known location ``u``, one vectorised call."""
        model = self.problem.travel
        if isinstance(model, StraightLineModel):
            to_job = model.seconds(self.lat, self.lon, loc.lat, loc.lon)
            return to_job, to_job
        to_job = np.asarray(model.table(self.locations, [loc]))[:, 0]
        from_job = np.asarray(model.table([loc], self.locations))[0]
        return to_job.astype(np.int64), from_job.astype(np.int64)

    def clock(self, t: int) -> str:
        """``HH:MM`` for sentences, cached per minute (queries format many times)."""
        key = t // 60
        out = self._clock_cache.get(key)
        if out is None:
            out = self._clock_cache[key] = self.problem.clock(key * 60)
        return out

    def rank(self, job: Job, limit: int | None = None) -> list[Candidate]:
        """Rank technicians for ``job``; see :func:`rank_technicians`."""
        return _rank(self, job, limit)


def _int_or_inf(values: list[int | None]) -> np.ndarray:
    """An int64 array with ``None`` (no limit) as a huge number."""
    return np.asarray([_INF if v is None else v for v in values], dtype=np.int64)


def _skill_fit(tech_skills: dict[str, int], need: dict[str, int]) -> tuple[str, str]:
    """('ok'|'missing'|'level too low', sentence part) for a skill requirement."""
    missing = []
    low = []
    for name, level in sorted(need.items()):
        have = tech_skills.get(name, 0)
        if have <= 0:
            missing.append(f"no {name}")
        elif have < level:
            low.append(f"{name} level {have}, needs {level}")
    if missing:
        return "missing", "; ".join(missing + low)
    if low:
        return "level too low", "; ".join(low)
    return "ok", ""


def _visit(arr: np.ndarray, wins: list[TimeWindow], s_j: int):
    """Start per position in the first window that fits; else the least-late one."""
    if not wins:
        n = len(arr)
        return arr.copy(), np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    start = np.zeros(len(arr), dtype=np.int64)
    chosen = np.full(len(arr), -1, dtype=np.int64)
    late_best = np.full(len(arr), _INF, dtype=np.int64)
    for wi, w in enumerate(wins):
        st = np.maximum(arr, w.start)
        late = np.maximum(st + s_j - w.end, 0)
        better = (late < late_best) & (late_best > 0)
        start = np.where(better, st, start)
        chosen = np.where(better, wi, chosen)
        late_best = np.where(better, late, late_best)
    return start, chosen, late_best


def _rank(state: DayState, job: Job, limit: int | None) -> list[Candidate]:
    if job.location is None:
        raise ValueError(f"job {job.name} has no location")
    to_job, from_job = state._travel(job.location)
    tin = to_job[state.loc_from]
    tout = from_job[state.loc_to]
    s_j = job.service_s
    unreachable = (tin >= UNREACHABLE) | (tout >= UNREACHABLE)
    wins = sorted(job.windows, key=lambda w: w.start)
    dep, ws, we, b, ls_next = state.dep, state.brk_ws, state.brk_we, state.brk_b, state.ls_next

    # Option A: the leg's break (if any) before the new job; B: after it.
    arr_a = np.maximum(dep + tin, ws) + b
    st_a, ch_a, late_a = _visit(arr_a, wins, s_j)
    push_a = st_a + s_j + tout - ls_next
    brk_a = dep - we
    arr_b = dep + tin
    st_b, ch_b, late_b = _visit(arr_b, wins, s_j)
    push_b = np.maximum(st_b + s_j + tout, ws) + b - ls_next
    brk_b = st_b + s_j - we
    v_a = late_a + np.maximum(push_a, 0) + np.maximum(brk_a, 0)
    v_b = late_b + np.maximum(push_b, 0) + np.maximum(brk_b, 0)
    use_b = (v_b < v_a) | ((v_b == v_a) & (push_b <= push_a))
    arr = np.where(use_b, arr_b, arr_a)
    start = np.where(use_b, st_b, st_a)
    chosen = np.where(use_b, ch_b, ch_a)
    own_late = np.where(use_b, late_b, late_a)
    push = np.where(use_b, push_b, push_a)
    brk_over = np.where(use_b, brk_b, brk_a)
    ok = np.minimum(v_a, v_b) == 0
    extra = tin + tout - state.t_pp
    work_after = state.tech_work[state.pos_tech] + extra + s_j
    over_work = work_after - state.tech_maxwork[state.pos_tech]
    ok &= (over_work <= 0) & ~unreachable
    wait = np.maximum(start - arr, 0)
    pos_score = extra + WAIT_WEIGHT * wait
    viol = np.where(
        ok,
        0,
        own_late
        + np.maximum(push, 0)
        + np.maximum(brk_over, 0)
        + np.maximum(over_work, 0)
        + unreachable * _INF,
    )
    # best position per technician: feasible first, then least violation, then score
    order = np.lexsort((pos_score, viol, state.pos_tech))
    first = np.ones(len(order), dtype=bool)
    first[1:] = state.pos_tech[order][1:] != state.pos_tech[order][:-1]
    best = order[first]  # one position per technician, in technician order

    # Per technician (vectorised): the checks that come before the route, then
    # feasibility and score, then the order. Only the returned technicians get
    # a Candidate, and their sentences are written when first read.
    n_t = len(state.tech_ids)
    has_pos = np.zeros(n_t, dtype=bool)
    has_pos[state.pos_tech[best]] = True
    p_of = np.zeros(n_t, dtype=np.int64)  # index into ``best`` (valid where has_pos)
    p_of[state.pos_tech[best]] = np.arange(len(best))
    missing, low = state._skill_gaps(job.required_skills)
    blocked = ~state.tech_avail | missing | low
    if job.pinned_to is not None:
        blocked |= state.tech_index != state.index_of.get(job.pinned_to, -1)
    blocked |= (state.tech_load + job.amount) > state.tech_cap
    blocked |= ~has_pos
    feas_t = ~blocked & has_pos & ok[best][p_of]
    score_t = np.where(
        feas_t,
        extra[best][p_of] + WAIT_WEIGHT * wait[best][p_of] + WORKLOAD_WEIGHT * state.tech_work,
        float(_INF),
    )
    ranked = np.lexsort((state.tech_index, score_t, ~feas_t))
    if limit is not None:
        ranked = ranked[:limit]
    sel = best[p_of[ranked]]
    cols = _Cols(
        clock=state.clock,
        days=state.days,
        job=job,
        wins=wins,
        slack=[state.techs[state.tech_ids[ti]] for ti in ranked.tolist()],
        blocked=blocked[ranked].tolist(),
        node=state.pos_node[sel].tolist(),
        ok=ok[sel].tolist(),
        arr=arr[sel].tolist(),
        start=start[sel].tolist(),
        chosen=chosen[sel].tolist(),
        extra=extra[sel].tolist(),
        own_late=own_late[sel].tolist(),
        push=push[sel].tolist(),
        brk_over=brk_over[sel].tolist(),
        over_work=over_work[sel].tolist(),
        unreachable=unreachable[sel].tolist(),
        wait=wait[sel].tolist(),
    )
    skill_code = np.where(missing, 2, np.where(low, 1, 0))[ranked].tolist()
    return [
        _candidate(cols, i, _SKILL_FIT[sc], score)
        for i, (sc, score) in enumerate(zip(skill_code, score_t[ranked].tolist(), strict=True))
    ]


@dataclass
class _Cols:
    """One query's returned technicians, in ranking order (row ``i`` each).

    Candidates keep this to write their sentence when it is first read. It
    holds each technician's slack object of this query (``update`` replaces
    those, never mutates them), so a late read still describes this query.
    """

    clock: Callable[[int], str]
    days: dict[str, TechDay]
    job: Job
    wins: list[TimeWindow]
    slack: list[_TechSlack]
    blocked: list
    node: list
    ok: list
    arr: list
    start: list
    chosen: list
    extra: list
    own_late: list
    push: list
    brk_over: list
    over_work: list
    unreachable: list
    wait: list

    def window(self, i: int) -> TimeWindow | None:
        ch = self.chosen[i]
        return self.wins[int(ch)] if self.wins and ch >= 0 else None

    def sentence(self, i: int) -> str:
        return _blocked_reason(self, i) if self.blocked[i] else _route_reason(self, i)


_SKILL_FIT = ("ok", "level too low", "missing")


def _candidate(c: _Cols, i: int, skill_fit: str, score: float) -> Candidate:
    """Row ``i``'s fields; the sentence is written on first read (``c.sentence``)."""
    s = c.slack[i]
    tech = s.day.technician
    tid = tech.id
    if c.blocked[i]:
        return Candidate(
            tid, tech.name, False, -1, 0, 0, 0, None, "", skill_fit, s.n_jobs, s.work_s,
            float(_INF), c, i,
        )  # fmt: skip
    w = c.window(i)
    k = c.node[i]
    position = s.n_fixed + k
    eta, st, ex = c.arr[i], c.start[i], c.extra[i]
    if c.ok[i]:
        fit = "any time" if w is None else "waits" if st > eta else "inside"
        return Candidate(
            tid, tech.name, True, position, ex, eta, st, w, fit, skill_fit, s.n_jobs, s.work_s,
            score, c, i,
        )  # fmt: skip
    if c.unreachable[i]:
        fit = ""
    elif c.own_late[i] > 0 and w is not None:
        fit = "late"
    elif (c.brk_over[i] > 0 and s.leg_brk[k] is not None) or c.push[i] > 0:
        fit = "blocks route"
    else:
        fit = ""
    return Candidate(
        tid, tech.name, False, position, ex, eta, st, w, fit, skill_fit, s.n_jobs, s.work_s,
        float(_INF), c, i,
    )  # fmt: skip


def _blocked_reason(c: _Cols, i: int) -> str:
    """Why row ``i``'s technician cannot take the job before looking at their route."""
    s, job = c.slack[i], c.job
    day = s.day
    tech = day.technician
    if not day.available:
        return day.why
    if job.pinned_to is not None and job.pinned_to != tech.id:
        d = c.days.get(job.pinned_to)
        return f"job is pinned to {d.technician.name if d is not None else job.pinned_to}"
    if job.required_skills:
        _fit, msg = _skill_fit(tech.skills, job.required_skills)
        if msg:
            return msg
    if tech.capacity is not None and s.load + job.amount > tech.capacity:
        return f"van full: load {s.load} + {job.amount} is over capacity {tech.capacity}"
    return "no time left in the shift"


def _route_reason(c: _Cols, p: int) -> str:
    """The sentence for row ``p``, a technician whose route was evaluated."""
    s, clock, w = c.slack[p], c.clock, c.window(p)
    day = s.day
    tech = day.technician
    k = c.node[p]
    eta, st, ex = c.arr[p], c.start[p], c.extra[p]
    if c.ok[p]:
        if w is None:
            tail = "no time window"
        elif st > eta:
            tail = f"waits {fmt_duration(st - eta)} for window {clock(w.start)}-{clock(w.end)}"
        else:
            tail = f"inside window {clock(w.start)}-{clock(w.end)}"
        return f"adds {fmt_duration(ex)} drive, arrives {clock(eta)}, {tail}"
    if c.unreachable[p]:
        return "cannot drive to the job's location"
    if c.own_late[p] > 0 and w is not None:
        return (
            f"cannot reach window {clock(w.start)}-{clock(w.end)}"
            f" (earliest arrival {clock(eta)}, would finish {fmt_duration(int(c.own_late[p]))}"
            " late)"
        )
    if c.brk_over[p] > 0 and s.leg_brk[k] is not None:
        brk = s.leg_brk[k]
        return f"would push the {brk.name} out of its window by {fmt_duration(c.brk_over[p])}"
    if c.push[p] > 0:
        node = s.bind[k + 1]
        by = int(c.push[p])
        if node == "end":
            return f"ends shift at {clock(day.end_time)} before the job could finish"
        if isinstance(node, Break):
            return f"would push the {node.name} out of its window by {fmt_duration(by)}"
        if isinstance(node, Job):
            return f"would make {node.name} late by {fmt_duration(by)}"
        return "does not fit the route"
    if c.over_work[p] > 0:
        return (
            f"would exceed the {fmt_duration(tech.max_work_s or 0)} max working time by"
            f" {fmt_duration(int(c.over_work[p]))}"
        )
    return "does not fit the route"


def rank_technicians(
    problem: Problem | DayState,
    job: Job,
    routes: Plan | Sequence[Route] = (),
    *,
    limit: int | None = None,
) -> list[Candidate]:
    """Rank every technician for ``job`` given the current routes, best first.

    Parameters
    ----------
    problem:
        The day, or a :class:`DayState` already built for it (fast path for
        repeated queries: the slack is computed once).
    job:
        The job to place; it does not need to be in ``problem.jobs``.
    routes:
        The current plan (ignored when ``problem`` is a :class:`DayState`).
    limit:
        Return only the best ``limit`` candidates.

    Returns
    -------
    list[Candidate]
        Feasible technicians first (lowest score first), then the others, each
        with a sentence saying why.
    """
    state = problem if isinstance(problem, DayState) else DayState(problem, routes)
    return state.rank(job, limit)
