from __future__ import annotations

import numpy as np
import pytest

from crewboard.routing import (
    UNREACHABLE,
    CachedTravelModel,
    Location,
    MatrixModel,
    StraightLineModel,
    TravelTimeModel,
)
from crewboard.routing.travel import haversine_m

BERLIN = Location(52.5200, 13.4050)
POTSDAM = Location(52.3906, 13.0645)


def test_haversine_one_degree_of_latitude():
    assert haversine_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-3)


def test_straight_line_model_speed_detour_and_overhead():
    m = StraightLineModel(speed_kmh=36, detour_factor=1.5, overhead_s=100)
    a, b = Location(0.0, 0.0), Location(0.0, 0.01)  # ~1112 m apart
    out = m.matrix([a, b, a])
    dist = haversine_m(0, 0, 0, 0.01)
    expected = round(float(dist) * 1.5 / 10.0) + 100
    assert out[0, 1] == out[1, 0] == expected
    assert out[0, 0] == out[1, 1] == 0
    assert out[0, 2] == 0  # same coordinates: no overhead
    assert out.dtype == np.int64


def test_straight_line_berlin_potsdam_is_plausible():
    (secs,) = StraightLineModel().table([BERLIN], [POTSDAM])[0]
    assert 40 * 60 < secs < 60 * 60


def test_models_satisfy_the_protocol():
    assert isinstance(StraightLineModel(), TravelTimeModel)
    assert isinstance(MatrixModel([[0]]), TravelTimeModel)
    assert isinstance(CachedTravelModel(StraightLineModel()), TravelTimeModel)


def test_matrix_model_by_index_and_by_coordinates():
    pts = [Location(0.0, 0.0), Location(1.0, 1.0), Location(2.0, 2.0)]
    mm = MatrixModel([[0, 5, 9], [6, 0, 4], [8, 3, 0]], pts)
    assert mm.matrix([pts[2], pts[0]]).tolist() == [[0, 8], [9, 0]]
    assert mm.table([Location(9, 9, index=1)], [pts[0]]).tolist() == [[6]]
    with pytest.raises(KeyError, match="not one of the matrix locations"):
        mm.matrix([Location(5.0, 5.0)])


def test_matrix_model_rejects_bad_matrices_and_clips_unreachable():
    with pytest.raises(ValueError, match="square"):
        MatrixModel([[0, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        MatrixModel([[0, -1], [1, 0]])
    mm = MatrixModel([[0, 10**12], [1, 0]])
    assert mm.matrix([Location(0, 0, 0), Location(0, 0, 1)])[0, 1] == UNREACHABLE


def test_cache_extends_with_new_rows_only():
    inner = StraightLineModel()
    cache = CachedTravelModel(inner)
    pts = [Location(52.0 + i / 100, 13.0) for i in range(5)]
    first = cache.matrix(pts[:3])
    assert cache.computed_cells == 9
    more = cache.matrix(pts)
    assert cache.computed_cells == 25  # 16 new cells, not 25 more
    assert np.array_equal(more, inner.matrix(pts))
    assert np.array_equal(first, more[:3, :3])
    cache.matrix(list(reversed(pts)))
    assert cache.computed_cells == 25
    assert np.array_equal(cache.table(pts[:1], pts[4:]), inner.table(pts[:1], pts[4:]))
