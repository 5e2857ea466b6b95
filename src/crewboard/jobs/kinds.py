"""Job enumerations: status, priority, source."""

from enum import StrEnum


class JobStatus(StrEnum):
    unscheduled = "unscheduled"
    scheduled = "scheduled"
    assigned = "assigned"
    dispatched = "dispatched"
    accepted = "accepted"
    en_route = "en_route"
    on_site = "on_site"
    completed = "completed"
    incomplete = "incomplete"
    cancelled = "cancelled"


TERMINAL = frozenset({JobStatus.completed, JobStatus.incomplete, JobStatus.cancelled})
IN_PROGRESS = frozenset({JobStatus.en_route, JobStatus.on_site})


class Priority(StrEnum):
    emergency = "emergency"
    high = "high"
    normal = "normal"
    low = "low"


PRIORITY_RANK = {Priority.emergency: 0, Priority.high: 1, Priority.normal: 2, Priority.low: 3}


class Source(StrEnum):
    phone = "phone"
    web = "web"
    api = "api"
    import_ = "import"


class IncompleteReason(StrEnum):
    parts_needed = "parts_needed"
    customer_not_home = "customer_not_home"
    second_visit = "second_visit"
    no_access = "no_access"
    other = "other"
