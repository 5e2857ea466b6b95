"""``crewboard optimize`` against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crewboard.cli import app
from crewboard.jobs.models import Job
from tests.conftest import DAY, World


def test_optimize_proposes_then_applies(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWBOARD_DATABASE_URL", world.db.url)
    tech = world.tech("Dana Kim")
    job = world.job(windows=[("09:00", "11:00")])
    runner = CliRunner()
    dry = runner.invoke(app, ["optimize", "--date", DAY.isoformat(), "--time-limit", "1"])
    assert dry.exit_code == 0, dry.output
    assert "1 assign" in dry.output and "--apply" in dry.output
    with world.db.session() as s:
        assert s.get(Job, job).technician_id is None
    done = runner.invoke(app, ["optimize", "--date", DAY.isoformat(), "--time-limit", "1",
                               "--apply"])
    assert done.exit_code == 0, done.output
    assert "applied 1 change" in done.output
    with world.db.session() as s:
        assert s.get(Job, job).technician_id == tech


def test_export_problem_then_solve_reproduces_the_plan(world: World, tmp_path,  # type: ignore[no-untyped-def]
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("CREWBOARD_DATABASE_URL", world.db.url)
    world.tech("Dana Kim")
    world.job(windows=[("09:00", "11:00")])
    problem, plan = tmp_path / "day.json", tmp_path / "plan.json"
    runner = CliRunner()
    out = runner.invoke(app, ["optimize", "--date", DAY.isoformat(), "--time-limit", "1",
                              "--export-problem", str(problem)])
    assert out.exit_code == 0, out.output
    solved = runner.invoke(app, ["solve", str(problem), "--time-limit", "1", "-o", str(plan)])
    assert solved.exit_code == 0, solved.output
    result = json.loads(plan.read_text())
    assert result["violations"] == []
    assert [len(r["stops"]) for r in result["routes"]] == [1]


def test_optimize_rejects_a_bad_date(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWBOARD_DATABASE_URL", world.db.url)
    result = CliRunner().invoke(app, ["optimize", "--date", "June 4"])
    assert result.exit_code == 2
    assert "not a date" in result.output
