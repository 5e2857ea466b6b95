"""The job state machine: which action may move a job from which state.

One table, read by the ``do_*`` actions, the API (to list allowed actions)
and the property-based tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from crewboard.auth.actor import Actor, Role
from crewboard.errors import Forbidden, InvalidTransition
from crewboard.jobs.kinds import TERMINAL, JobStatus

S = JobStatus
OPEN = frozenset(set(JobStatus) - TERMINAL)
HELD = frozenset({S.assigned, S.dispatched, S.accepted})
"""On a technician's plan but not yet under way: may still be moved or unassigned."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset[JobStatus]
    target: JobStatus | None  # None: stays, or depends on the arguments
    done: str  # "it cannot be <done>"
    field: bool = False  # a technician may do it on their own job


TRANSITIONS: dict[str, Transition] = {
    "schedule": Transition(frozenset({S.unscheduled, S.scheduled}), S.scheduled, "scheduled"),
    "assign": Transition(frozenset({S.unscheduled, S.scheduled}), S.assigned, "assigned"),
    "reassign": Transition(HELD, S.assigned, "reassigned"),
    "reschedule": Transition(frozenset({S.unscheduled, S.scheduled}) | HELD, None, "rescheduled"),
    "unassign": Transition(HELD, None, "unassigned"),
    "dispatch": Transition(frozenset({S.assigned}), S.dispatched, "dispatched"),
    "accept": Transition(frozenset({S.dispatched}), S.accepted, "accepted", field=True),
    "start_travel": Transition(frozenset({S.accepted}), S.en_route, "set on the way", field=True),
    "arrive": Transition(frozenset({S.en_route}), S.on_site, "marked arrived", field=True),
    "complete": Transition(frozenset({S.on_site}), S.completed, "completed", field=True),
    "mark_incomplete": Transition(HELD | {S.en_route, S.on_site}, S.incomplete,
                                  "marked incomplete", field=True),
    "cancel": Transition(OPEN, S.cancelled, "cancelled"),
}


def allowed_actions(status: JobStatus, actor: Actor | None = None) -> list[str]:
    """Actions the job's state allows (and the actor's role, when given)."""
    return [name for name, t in TRANSITIONS.items()
            if status in t.sources and (actor is None or _role_may(actor, t))]


def _role_may(actor: Actor, transition: Transition) -> bool:
    if actor.can_dispatch:
        return True
    return actor.role is Role.technician and transition.field


def check_transition(actor: Actor, ref: str, status: JobStatus, action: str) -> Transition:
    """Refuse an action the role or the current state does not allow, saying which."""
    transition = TRANSITIONS[action]
    if not _role_may(actor, transition):
        raise Forbidden(f"Your role ({actor.role.value}) does not allow a job to be "
                        f"{transition.done}.")
    if status not in transition.sources:
        allowed = " or ".join(sorted(s.value for s in transition.sources))
        raise InvalidTransition(
            "invalid_transition",
            f"Job {ref} is {status.value}; it cannot be {transition.done} "
            f"(only a job that is {allowed}).",
            data={"current_status": status.value, "action": action})
    return transition
