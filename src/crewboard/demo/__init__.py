"""A believable demo company: ``crewboard demo`` builds it in a fresh database."""

from crewboard.demo.build import (
    DEMO_ACTOR,
    DemoLogin,
    DemoPlan,
    DemoResult,
    Reporter,
    build_demo,
    plan_demo,
    restore_notifications,
)

__all__ = ["DEMO_ACTOR", "DemoLogin", "DemoPlan", "DemoResult", "Reporter", "build_demo",
           "plan_demo", "restore_notifications"]
