"""Pure routing engine: travel times, the planning problem, the day solver,
the best-technician evaluator, ETA prediction, re-planning and an independent
checker.

Imports nothing from the database or the web layer. Times are ``int`` seconds
relative to :attr:`Problem.origin`.
"""

from crewboard.routing.check import check_plan
from crewboard.routing.eta import (
    EtaChange,
    Prediction,
    Risk,
    StopEta,
    TechStatus,
    eta_changes,
    predict,
    predict_plan,
)
from crewboard.routing.insertion import Candidate, DayState, rank_technicians
from crewboard.routing.io import dump_plan, load_plan, load_problem, solve_file
from crewboard.routing.plan import BreakSlot, Plan, Route, Stop, Unassigned, compute_kpis
from crewboard.routing.problem import (
    Break,
    Fixed,
    Job,
    Location,
    Options,
    Problem,
    ProblemError,
    Technician,
    TimeWindow,
    validate_problem,
)
from crewboard.routing.replan import Move, PlanDiff, diff_plans, replan
from crewboard.routing.solver import solve
from crewboard.routing.travel import (
    UNREACHABLE,
    CachedTravelModel,
    MatrixModel,
    StraightLineModel,
    TravelTimeModel,
)

__all__ = [
    "UNREACHABLE",
    "Break",
    "BreakSlot",
    "CachedTravelModel",
    "Candidate",
    "DayState",
    "EtaChange",
    "Fixed",
    "Job",
    "Location",
    "MatrixModel",
    "Move",
    "Options",
    "Plan",
    "PlanDiff",
    "Prediction",
    "Problem",
    "ProblemError",
    "Risk",
    "Route",
    "StopEta",
    "StraightLineModel",
    "Stop",
    "TechStatus",
    "Technician",
    "TimeWindow",
    "TravelTimeModel",
    "Unassigned",
    "check_plan",
    "compute_kpis",
    "diff_plans",
    "dump_plan",
    "eta_changes",
    "load_plan",
    "load_problem",
    "predict",
    "predict_plan",
    "rank_technicians",
    "replan",
    "solve",
    "solve_file",
    "validate_problem",
]
