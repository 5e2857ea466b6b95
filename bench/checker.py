"""Independent VRPTW feasibility checker for the benchmark harness.

This module deliberately shares no code with ``crewboard.routing`` or with any
solver library: it re-reads the instance data and recomputes every route from
the coordinates.

Conventions
-----------
* ``exact`` (default): arc distance = Euclidean distance in double precision;
  travel time equals distance. This is the convention of the hierarchical
  best-known solutions in ``bks.csv``.
* ``dimacs``: each arc's distance and travel time is truncated to one decimal
  (``floor(10 * d) / 10``) before use, as in the 2021 DIMACS challenge and
  CVRPLIB (``bks_dimacs_distance_only.csv``).

Checked for every plan: each customer served exactly once, no unknown or depot
node inside a route, service starts within the customer's window (waiting is
allowed), the vehicle is back at the depot before the depot closes, load does
not exceed capacity, and no more routes than vehicles available.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Tolerance on time comparisons, in instance time units. Solvers get integer
# travel times rounded *up*, so a plan they believe feasible is feasible in
# exact arithmetic; the tolerance only absorbs floating-point summation noise.
EPS = 1e-6


@dataclass(frozen=True)
class Instance:
    """A Solomon-format VRPTW instance (node 0 is the depot)."""

    name: str
    coords: np.ndarray  # (n+1, 2) float
    demand: np.ndarray  # (n+1,) int
    tw: np.ndarray  # (n+1, 2) int/float
    service: np.ndarray  # (n+1,) int/float
    capacity: int
    vehicles: int

    @property
    def n_customers(self) -> int:
        return len(self.coords) - 1

    @property
    def klass(self) -> str:
        """Instance class: C1, C2, R1, R2, RC1, RC2."""
        name = self.name.upper()
        if "_" in name:  # Gehring & Homberger, e.g. RC1_2_1
            return name.split("_")[0]
        return name[:-2]  # Solomon, e.g. RC101 -> RC1

    def distances(self, dimacs: bool = False) -> np.ndarray:
        """Full distance (= travel time) matrix under the chosen convention."""
        diff = self.coords[:, None, :] - self.coords[None, :, :]
        d = np.sqrt((diff**2).sum(axis=2))
        if dimacs:
            d = np.floor(10.0 * d) / 10.0
        return d


def load_instance(path: str | Path) -> Instance:
    """Read a Solomon/Gehring-Homberger text file with vrplib."""
    import vrplib

    path = Path(path)
    raw = vrplib.read_instance(str(path), instance_format="solomon")
    return Instance(
        name=path.stem.upper(),
        coords=np.asarray(raw["node_coord"], dtype=float),
        demand=np.asarray(raw["demand"], dtype=int),
        tw=np.asarray(raw["time_window"], dtype=float),
        service=np.asarray(raw["service_time"], dtype=float),
        capacity=int(raw["capacity"]),
        vehicles=int(raw["vehicles"]),
    )


@dataclass
class CheckResult:
    feasible: bool
    vehicles: int
    distance: float
    violations: list[str] = field(default_factory=list)

    def summary(self, limit: int = 3) -> str:
        if not self.violations:
            return ""
        more = len(self.violations) - limit
        text = "; ".join(self.violations[:limit])
        return text + (f"; (+{more} more)" if more > 0 else "")


def _arc(inst: Instance, i: int, j: int, dimacs: bool) -> float:
    (x1, y1), (x2, y2) = inst.coords[i], inst.coords[j]
    d = math.hypot(x1 - x2, y1 - y2)
    if dimacs:
        d = math.floor(10.0 * d) / 10.0
    return d


def check_routes(
    inst: Instance, routes: Sequence[Sequence[int]], dimacs: bool = False
) -> CheckResult:
    """Check a plan and recompute its distance.

    Parameters
    ----------
    inst
        The instance.
    routes
        One sequence of customer node indices (1..n, depot excluded) per used
        vehicle. Empty routes are ignored.
    dimacs
        Use truncated arcs (one decimal) instead of exact Euclidean arcs.
    """
    violations: list[str] = []
    n = inst.n_customers
    seen = np.zeros(n + 1, dtype=int)
    used = [list(map(int, r)) for r in routes if len(r) > 0]
    total = 0.0
    depot_open, depot_close = float(inst.tw[0][0]), float(inst.tw[0][1])

    if len(used) > inst.vehicles:
        violations.append(f"{len(used)} routes > {inst.vehicles} vehicles")

    for k, route in enumerate(used):
        t = depot_open
        load = 0
        prev = 0
        for node in route:
            if node < 1 or node > n:
                violations.append(f"route {k}: invalid node {node}")
                continue
            seen[node] += 1
            d = _arc(inst, prev, node, dimacs)
            total += d
            arrival = t + d
            start = max(arrival, float(inst.tw[node][0]))
            if start > float(inst.tw[node][1]) + EPS:
                violations.append(
                    f"route {k}: customer {node} starts {start:.4f} > due {inst.tw[node][1]:g}"
                )
            t = start + float(inst.service[node])
            load += int(inst.demand[node])
            prev = node
        d = _arc(inst, prev, 0, dimacs)
        total += d
        back = t + d
        if back > depot_close + EPS:
            violations.append(f"route {k}: back at depot {back:.4f} > {depot_close:g}")
        if load > inst.capacity:
            violations.append(f"route {k}: load {load} > capacity {inst.capacity}")

    missing = [i for i in range(1, n + 1) if seen[i] == 0]
    twice = [i for i in range(1, n + 1) if seen[i] > 1]
    if missing:
        violations.append(f"{len(missing)} customers unserved (e.g. {missing[:5]})")
    if twice:
        violations.append(f"{len(twice)} customers served more than once (e.g. {twice[:5]})")

    return CheckResult(
        feasible=not violations, vehicles=len(used), distance=total, violations=violations
    )


def _selftest() -> None:
    """Tiny named cases; run ``python bench/checker.py``."""
    inst = Instance(
        name="T101",
        coords=np.array([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0], [0.0, 1.0]]),
        demand=np.array([0, 5, 5, 5]),
        tw=np.array([[0, 100], [0, 5], [10, 20], [0, 100]], dtype=float),
        service=np.array([0, 1, 1, 1], dtype=float),
        capacity=10,
        vehicles=2,
    )
    ok = check_routes(inst, [[1, 2], [3]])
    assert ok.feasible, ok.violations
    assert abs(ok.distance - (5 + 5 + 10 + 2)) < 1e-9, ok.distance
    late = check_routes(inst, [[2, 1], [3]])  # reaches 1 at 10+1+5=16 > 5
    assert not late.feasible and "customer 1" in late.violations[0], late.violations
    over = check_routes(inst, [[1, 2, 3]])
    assert any("capacity" in v for v in over.violations), over.violations
    miss = check_routes(inst, [[1, 2]])
    assert any("unserved" in v for v in miss.violations), miss.violations
    dup = check_routes(inst, [[1, 2], [3, 1]])
    assert any("more than once" in v for v in dup.violations), dup.violations
    too_many = check_routes(inst, [[1], [2], [3]])
    assert any("vehicles" in v for v in too_many.violations), too_many.violations
    # DIMACS truncation: arc 0->3 is 1.0, arc 0->(1,1)=1.414 -> 1.4
    inst2 = Instance(
        name="T102",
        coords=np.array([[0.0, 0.0], [1.0, 1.0]]),
        demand=np.array([0, 1]),
        tw=np.array([[0, 100], [0, 100]], dtype=float),
        service=np.array([0, 0], dtype=float),
        capacity=10,
        vehicles=1,
    )
    assert abs(check_routes(inst2, [[1]], dimacs=True).distance - 2.8) < 1e-9
    assert abs(check_routes(inst2, [[1]]).distance - 2 * math.sqrt(2)) < 1e-12
    print("checker self-test ok")


if __name__ == "__main__":
    _selftest()
