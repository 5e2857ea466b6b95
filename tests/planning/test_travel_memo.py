"""The remembering travel model answers exactly like the model it wraps."""

from __future__ import annotations

import numpy as np
import pytest

from crewboard.planning.travel_memo import RememberingModel
from crewboard.routing.problem import Location
from crewboard.routing.travel import StraightLineModel

POINTS = [Location(41.8 + i / 97, -87.7 + (i * 7 % 13) / 50) for i in range(12)]


def test_every_reuse_gives_the_models_matrix() -> None:
    model = StraightLineModel()
    memo = RememberingModel(model)
    moved = Location(41.99, -87.51)
    for points in (POINTS, POINTS, POINTS[::-1], POINTS[2:9], [*POINTS[:11], moved],
                   [moved, *POINTS[:3]], POINTS):
        got = memo.matrix(points)
        assert np.array_equal(got, model.matrix(points))
        assert got.dtype == np.int64
    memo.forget()
    assert np.array_equal(memo.matrix(POINTS[:3]), model.matrix(POINTS[:3]))
    assert np.array_equal(memo.table(POINTS[:2], POINTS), model.table(POINTS[:2], POINTS))


def test_the_same_points_share_one_read_only_matrix() -> None:
    memo = RememberingModel(StraightLineModel())
    first = memo.matrix(POINTS)
    assert memo.matrix(list(POINTS)) is first
    with pytest.raises(ValueError):
        first[0, 1] = 0
