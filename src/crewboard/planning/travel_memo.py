"""A travel model that remembers its last matrix, for the board's repeated reads.

Every change in the company makes every open board re-read the day, and
almost no change moves a location: a status tap keeps them all, a new job or
a position report adds or moves one or two. The full matrix of a 200/1,600
day (1,800 points) is about a quarter of a cold board load, so this keeps the
last one and computes only rows and columns for points it has not seen.
Safe to share between threads: the remembered state is one tuple, replaced
whole, and the matrices handed out are read-only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crewboard.routing.problem import Location
from crewboard.routing.travel import IntMatrix, TravelTimeModel

MAX_POINTS = 4000
"""Remember matrices up to this size (4,000 points is 128 MB of int64)."""


class RememberingModel:
    """``model``'s travel times; ``matrix`` reuses the cells of the previous call.

    Only for a model whose time between two coordinates does not change
    (the straight-line default); a traffic-aware model must not be wrapped.
    """

    def __init__(self, model: TravelTimeModel) -> None:
        self.model = model
        self._last: tuple[dict[Location, int], IntMatrix] | None = None

    def forget(self) -> None:
        self._last = None

    def table(self, sources: Sequence[Location], targets: Sequence[Location]) -> IntMatrix:
        return self.model.table(sources, targets)

    def matrix(self, points: Sequence[Location]) -> IntMatrix:
        n = len(points)
        last = self._last
        rows = [last[0].get(p, -1) for p in points] if last is not None else [-1] * n
        new = [i for i, r in enumerate(rows) if r < 0]
        if last is None or len(new) * 4 > n:  # mostly new: one full matrix is cheaper
            out = np.asarray(self.model.matrix(points), dtype=np.int64)
        elif not new and n == last[1].shape[0] and rows == list(range(n)):
            out = last[1]  # the same points in the same order
        else:
            known = [i for i, r in enumerate(rows) if r >= 0]
            out = np.empty((n, n), dtype=np.int64)
            old = np.asarray([rows[i] for i in known], dtype=np.int64)
            out[np.ix_(known, known)] = last[1][np.ix_(old, old)]
            if new:
                fresh = [points[i] for i in new]
                out[new, :] = self.model.table(fresh, points)
                out[:, new] = self.model.table(points, fresh)
                out[new, new] = 0
        out.flags.writeable = False
        if n <= MAX_POINTS:
            self._last = ({p: i for i, p in enumerate(points)}, out)
        return out
