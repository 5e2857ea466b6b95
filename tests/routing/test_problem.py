from __future__ import annotations

from dataclasses import replace

import pytest

from crewboard.routing import Break, Fixed, Job, ProblemError, TimeWindow, validate_problem
from crewboard.routing.problem import fmt_clock, fmt_duration
from tests.routing.builders import ORIGIN, H, M, job, problem, tech


def _err(p) -> ProblemError:
    with pytest.raises(ProblemError) as info:
        validate_problem(p)
    return info.value


def test_valid_problem_and_unknown_skill_is_not_an_error():
    validate_problem(problem([tech("a")], [job("x", 1, required_skills={"crane": 1})]))


@pytest.mark.parametrize(
    ("jobs", "techs", "code", "text"),
    [
        ([Job("x", None, 60, label="J-1")], None, "job_no_location", "job J-1 has no location"),
        (
            [job("x", 1, 60 * M, windows=[TimeWindow(9 * H, 9 * H + 30 * M)], label="J-2")],
            None,
            "window_too_short",
            "job J-2: window 09:00-09:30 is shorter than the job's 1 h 00 min duration",
        ),
        (
            [job("x", 1, windows=[TimeWindow(10 * H, 9 * H)], label="J-3")],
            None,
            "window_reversed",
            "job J-3: window ends",
        ),
        ([job("x", 1), job("x", 2)], None, "duplicate_id", "job id 'x' is used twice"),
        (
            [job("x", 1, pinned_to="ghost", label="J-4")],
            None,
            "unknown_technician",
            "job J-4 is pinned to technician 'ghost'",
        ),
        (
            [job("x", 1, fixed=Fixed("ghost", 0), label="J-5")],
            None,
            "unknown_technician",
            "job J-5 is fixed to technician 'ghost'",
        ),
        ([job("x", 1, -5, label="J-6")], None, "bad_duration", "job J-6 has a negative"),
        ([job("x", 1, priority="urgent", label="J-7")], None, "bad_priority", "job J-7"),
        (
            [job("x", 1, required_skills={"gas": 0}, label="J-8")],
            None,
            "bad_skill",
            "job J-8: skill 'gas' has level 0",
        ),
        ([], [tech("a", name="Dana", shift_end=8 * 3600)], "no_shift", "technician Dana has no"),
        ([], [tech("a"), tech("a", name="Other")], "duplicate_id", "technician id 'a'"),
        (
            [],
            [tech("a", name="Dana", breaks=[Break([], 600)])],
            "bad_break",
            "technician Dana: break 'break' has no window",
        ),
    ],
)
def test_bad_input_is_rejected_with_code_and_record(jobs, techs, code, text):
    err = _err(problem(techs or [tech("a")], jobs))
    assert err.code == code
    assert text in err.message
    assert err.record and err.record.split()[0] in ("job", "technician")


def test_problem_lookup_helpers():
    p = problem([tech("a")], [job("x", 1)])
    assert p.job("x").id == "x" and p.technician("a").id == "a"
    with pytest.raises(KeyError):
        p.job("nope")
    assert replace(p.job("x"), label="J-9").name == "J-9"


def test_clock_and_duration_formatting():
    assert fmt_clock(ORIGIN, 10 * H + 40 * M + 59) == "10:40"
    assert fmt_clock(ORIGIN, 25 * H) == "01:00+1d"
    assert fmt_duration(25 * M) == "25 min"
    assert fmt_duration(25 * M - 10) == "25 min"
    assert fmt_duration(65 * M) == "1 h 05 min"
