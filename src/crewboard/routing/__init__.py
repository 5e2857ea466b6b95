"""Pure routing engine: travel times, the planning problem, the day solver,
the best-technician evaluator, ETA prediction and an independent checker.

Imports nothing from the database or the web layer. Times are ``int`` seconds
relative to :attr:`Problem.origin`.
"""

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
    "Fixed",
    "Job",
    "Location",
    "MatrixModel",
    "Options",
    "Plan",
    "Problem",
    "ProblemError",
    "Route",
    "StraightLineModel",
    "Stop",
    "Technician",
    "TimeWindow",
    "TravelTimeModel",
    "Unassigned",
    "compute_kpis",
    "solve",
    "validate_problem",
]
