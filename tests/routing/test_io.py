from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from crewboard.routing import (
    MatrixModel,
    ProblemError,
    dump_plan,
    load_plan,
    load_problem,
    solve,
    solve_file,
)
from crewboard.routing.check import check_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "problem-small.json"


def _example() -> dict:
    return json.loads(EXAMPLE.read_text())


def test_example_loads_and_solves_cleanly():
    p = load_problem(EXAMPLE)
    assert [t.id for t in p.technicians] == ["t-dana", "t-sam", "t-ola"]
    dana = p.technician("t-dana")
    assert dana.shift_start == 8 * 3600 and dana.skills == {"gas-cert": 2, "plumbing": 1}
    assert p.job("j-1035").windows[1].start == 14 * 3600
    out = solve_file(EXAMPLE, time_limit=5)
    assert out["format"] == "crewboard-plan/1"
    assert out["violations"] == []
    assert {u["job_id"]: u["reason"] for u in out["unassigned"]} == {
        "j-1038": "No technician has the skill 'roofing' at level 1"
    }
    placed = {s["job_id"]: r["technician_id"] for r in out["routes"] for s in r["stops"]}
    assert placed["j-1036"] == "t-dana"  # pinned
    assert placed["j-1037"] in {"t-sam", "t-ola"}  # the emergency is served
    assert out["routes"][0]["stops"][0]["start"].endswith("+01:00")


def test_plan_round_trip():
    p = load_problem(EXAMPLE)
    plan = solve(p)
    again = load_plan(json.loads(json.dumps(dump_plan(plan))))
    assert again.routes == plan.routes and again.unassigned == plan.unassigned
    assert check_plan(p, again) == []


def test_matrix_travel_with_index_locations():
    data = {
        "origin": "2026-11-25T00:00:00Z",
        "travel": {"model": "matrix", "matrix": [[0, 600, 1200], [600, 0, 600], [1200, 600, 0]]},
        "technicians": [
            {
                "id": "a",
                "start": 0,
                "shift": {"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T12:00:00Z"},
            }
        ],
        "jobs": [{"id": "x", "location": 2, "service_s": 600}],
    }
    p = load_problem(data)
    assert isinstance(p.travel, MatrixModel)
    plan = solve(p)
    assert plan.stop_of("x").arrival == 8 * 3600 + 1200  # type: ignore[union-attr]


def _mutate(path: list, value) -> dict:
    data = copy.deepcopy(_example())
    node = data
    for k in path[:-1]:
        node = node[k]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "code", "text"),
    [
        (
            ["jobs", 0, "service_s"],
            _DELETE,
            "missing_field",
            "job J-1031: field 'service_s' is required",
        ),
        (
            ["jobs", 1, "service_s"],
            "an hour",
            "bad_field",
            "job J-1032: field 'service_s' must be an integer number of seconds",
        ),
        (
            ["jobs", 2, "windows", 0, "start"],
            "2026-11-25T09:00:00",
            "bad_time",
            "job J-1033 windows: field 'start' has no UTC offset",
        ),
        (
            ["jobs", 2, "windows", 0, "end"],
            "tomorrow",
            "bad_time",
            "job J-1033 windows: field 'end' is not an ISO-8601 time",
        ),
        (
            ["jobs", 3, "location"],
            [152.0, 13.0],
            "bad_field",
            "job J-1034: field 'location' has lat/lon out of range",
        ),
        (["jobs", 3, "location"], _DELETE, "job_no_location", "job J-1034 has no location"),
        (
            ["technicians", 0, "shift"],
            _DELETE,
            "missing_field",
            "technician t-dana: field 'shift' is required",
        ),
        (
            ["technicians", 1, "start"],
            "home",
            "bad_field",
            "technician t-sam: field 'start' must be [lat, lon]",
        ),
        (["origin"], "2026-11-25", "bad_time", "problem: field 'origin' must be an ISO-8601"),
        (["travel"], {"model": "osrm"}, "bad_field", "travel: field 'model' must be"),
        (
            ["jobs", 5, "pinned_to"],
            "t-nobody",
            "unknown_technician",
            "job J-1036 is pinned to technician 't-nobody'",
        ),
        (["jobs"], "none", "bad_field", "problem: field 'jobs' must be a list"),
    ],
)
def test_bad_files_name_the_record_and_field(path, value, code, text):
    with pytest.raises(ProblemError) as info:
        load_problem(_mutate(path, value))
    assert info.value.code == code
    assert text in info.value.message


def test_unreadable_and_invalid_json(tmp_path):
    with pytest.raises(ProblemError) as info:
        load_problem(tmp_path / "missing.json")
    assert info.value.code == "bad_json"
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ProblemError, match="is not valid JSON"):
        load_problem(bad)
    with pytest.raises(ProblemError, match="problem must be a JSON object"):
        load_problem([])  # type: ignore[arg-type]


def test_dump_problem_round_trips() -> None:
    from crewboard.routing.io import dump_problem

    problem = load_problem(EXAMPLE)
    again = load_problem(dump_problem(problem))
    assert again.technicians == problem.technicians
    assert again.jobs == problem.jobs
    assert again.origin == problem.origin and again.options == problem.options
