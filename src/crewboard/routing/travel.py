"""Travel-time models: how long it takes to drive between two points.

Every model answers the same question, a matrix of integer seconds, so the
solver, the insertion evaluator and the ETA simulation never care where the
numbers come from. The embedded default is :class:`StraightLineModel`; a
road-network engine (OSRM ``/table``, Valhalla ``sources_to_targets``) plugs in
by implementing :class:`TravelTimeModel` (``matrix`` and ``table``) and
returning :data:`UNREACHABLE` for pairs the engine cannot route.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from crewboard.routing.problem import Location

#: Travel time used for pairs that cannot be driven (no road, other island).
#: Any value >= this constant means "unreachable". It is large enough to make
#: any day infeasible and small enough that sums of a few of them never
#: overflow int64 or VROOM's uint32 matrix.
UNREACHABLE = 10_000_000

EARTH_RADIUS_M = 6_371_008.8

IntMatrix = npt.NDArray[np.int64]


@runtime_checkable
class TravelTimeModel(Protocol):
    """Anything that turns locations into a travel-time matrix.

    Implementations must return ``int64`` seconds, may be asymmetric and must
    use :data:`UNREACHABLE` for pairs that cannot be driven. The diagonal is 0.
    """

    def matrix(self, points: Sequence[Location]) -> IntMatrix:
        """Square matrix ``m[i, j]`` = seconds from ``points[i]`` to ``points[j]``."""
        ...

    def table(self, sources: Sequence[Location], targets: Sequence[Location]) -> IntMatrix:
        """Rectangular matrix ``m[i, j]`` = seconds from ``sources[i]`` to ``targets[j]``.

        Used to extend a cached matrix with a few new points, and by the
        insertion evaluator for "new job to every booked stop" in one call.
        """
        ...


def haversine_m(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in metres, vectorised with numpy broadcasting."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _coords(points: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
    lat = np.fromiter((p.lat for p in points), dtype=np.float64, count=len(points))
    lon = np.fromiter((p.lon for p in points), dtype=np.float64, count=len(points))
    return lat, lon


class StraightLineModel:
    """Haversine distance times a detour factor at a constant speed, plus overhead.

    The default for a self-hosted install with no road engine: it needs no
    network and no data, and with a detour factor of about 1.3 it is within a
    few minutes of real drive times in towns. ``overhead_s`` is added to every
    trip between two *distinct* points (parking, walking to the door) and is 0
    on the diagonal and between identical coordinates, so two jobs at the same
    address cost nothing to chain.

    Parameters
    ----------
    speed_kmh:
        Average driving speed.
    detour_factor:
        Road distance divided by straight-line distance.
    overhead_s:
        Fixed seconds added per trip between distinct points.
    """

    def __init__(
        self, speed_kmh: float = 40.0, detour_factor: float = 1.3, overhead_s: int = 120
    ) -> None:
        if speed_kmh <= 0 or detour_factor <= 0 or overhead_s < 0:
            raise ValueError("speed_kmh and detour_factor must be > 0, overhead_s >= 0")
        self.speed_kmh = float(speed_kmh)
        self.detour_factor = float(detour_factor)
        self.overhead_s = int(overhead_s)
        self._m_per_s = self.speed_kmh * 1000.0 / 3600.0

    def __repr__(self) -> str:
        return (
            f"StraightLineModel(speed_kmh={self.speed_kmh}, detour_factor={self.detour_factor},"
            f" overhead_s={self.overhead_s})"
        )

    def seconds(
        self, lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
    ) -> IntMatrix:
        """Vectorised travel seconds between coordinate arrays (broadcasting)."""
        dist = haversine_m(lat1, lon1, lat2, lon2)
        secs = np.rint(dist * self.detour_factor / self._m_per_s).astype(np.int64)
        return np.where(dist > 0.5, secs + self.overhead_s, 0).astype(np.int64)

    def table(self, sources: Sequence[Location], targets: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.table`."""
        slat, slon = _coords(sources)
        tlat, tlon = _coords(targets)
        return self.seconds(slat[:, None], slon[:, None], tlat[None, :], tlon[None, :])

    def matrix(self, points: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.matrix`."""
        m = self.table(points, points)
        np.fill_diagonal(m, 0)
        return m


class MatrixModel:
    """An explicit travel matrix, e.g. from a benchmark file or a precomputed OSRM table.

    Locations are resolved to rows by their ``index`` when set, otherwise by
    exact coordinates among ``locations``.

    Parameters
    ----------
    matrix:
        Square matrix of seconds; ``matrix[i][j]`` is the trip from ``i`` to ``j``.
    locations:
        Optional coordinates for rows, so locations given by coordinates can be
        matched. Row ``i`` is ``locations[i]``.
    """

    def __init__(self, matrix: npt.ArrayLike, locations: Sequence[Location] | None = None) -> None:
        m = np.asarray(matrix)
        if m.ndim != 2 or m.shape[0] != m.shape[1]:
            raise ValueError(f"travel matrix must be square, got shape {m.shape}")
        if m.size and (not np.all(np.isfinite(m)) or m.min() < 0):
            raise ValueError("travel matrix must hold finite, non-negative seconds")
        self._m = np.minimum(np.rint(m).astype(np.int64), UNREACHABLE)
        self.size = m.shape[0]
        self._by_coord: dict[tuple[float, float], int] = {}
        if locations is not None:
            if len(locations) != self.size:
                raise ValueError(
                    f"{len(locations)} locations given for a {self.size}x{self.size} matrix"
                )
            for i, loc in enumerate(locations):
                self._by_coord.setdefault((loc.lat, loc.lon), i)

    def index_of(self, loc: Location) -> int:
        """Row of ``loc`` in the matrix; raises ``KeyError`` with a sentence if unknown."""
        if loc.index is not None:
            if not 0 <= loc.index < self.size:
                raise KeyError(f"location index {loc.index} is outside the {self.size}-row matrix")
            return loc.index
        try:
            return self._by_coord[(loc.lat, loc.lon)]
        except KeyError:
            raise KeyError(
                f"location ({loc.lat}, {loc.lon}) is not one of the matrix locations"
            ) from None

    def _idx(self, points: Sequence[Location]) -> np.ndarray:
        return np.fromiter((self.index_of(p) for p in points), dtype=np.int64, count=len(points))

    def table(self, sources: Sequence[Location], targets: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.table`."""
        return self._m[np.ix_(self._idx(sources), self._idx(targets))].copy()

    def matrix(self, points: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.matrix`."""
        m = self.table(points, points)
        np.fill_diagonal(m, 0)
        return m


class CachedTravelModel:
    """Remembers the last matrix and only computes rows/columns for new points.

    A dispatcher's day changes one job at a time; with a road engine a full
    table costs a network round trip, so re-using the known part matters. The
    cache keeps one matrix keyed by the ordered tuple of its locations; a
    request for a superset computes ``table(new, all)`` and ``table(old, new)``
    only.

    Parameters
    ----------
    inner:
        The model that does the real work.
    """

    def __init__(self, inner: TravelTimeModel) -> None:
        self.inner = inner
        self._points: list[Location] = []
        self._pos: dict[Location, int] = {}
        self._m: IntMatrix = np.zeros((0, 0), dtype=np.int64)
        self.computed_cells = 0  # for tests and benchmarks

    def _ensure(self, points: Sequence[Location]) -> None:
        new: list[Location] = []
        seen: set[Location] = set()
        for p in points:
            if p not in self._pos and p not in seen:
                new.append(p)
                seen.add(p)
        if not new:
            return
        old_n = len(self._points)
        all_pts = self._points + new
        n = len(all_pts)
        m = np.zeros((n, n), dtype=np.int64)
        m[:old_n, :old_n] = self._m
        m[old_n:, :] = self.inner.table(new, all_pts)
        if old_n:
            m[:old_n, old_n:] = self.inner.table(self._points, new)
        self.computed_cells += n * n - old_n * old_n
        idx = np.arange(old_n, n)
        m[idx, idx] = 0
        self._m = m
        self._points = all_pts
        for i, p in enumerate(new, start=old_n):
            self._pos[p] = i

    def matrix(self, points: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.matrix`."""
        self._ensure(points)
        idx = np.fromiter((self._pos[p] for p in points), dtype=np.int64, count=len(points))
        m = self._m[np.ix_(idx, idx)].copy()
        np.fill_diagonal(m, 0)
        return m

    def table(self, sources: Sequence[Location], targets: Sequence[Location]) -> IntMatrix:
        """See :meth:`TravelTimeModel.table`."""
        self._ensure(list(sources) + list(targets))
        si = np.fromiter((self._pos[p] for p in sources), dtype=np.int64, count=len(sources))
        ti = np.fromiter((self._pos[p] for p in targets), dtype=np.int64, count=len(targets))
        return self._m[np.ix_(si, ti)].copy()


def is_reachable(seconds: int | float) -> bool:
    """True when a travel time is a real drive rather than :data:`UNREACHABLE`."""
    return seconds < UNREACHABLE and not math.isnan(seconds)
