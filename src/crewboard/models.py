"""Imports every table module so metadata is complete (Alembic, tests)."""


def load_all() -> None:
    from crewboard.attachments import models as _attachments  # noqa: F401
    from crewboard.auth import models as _auth  # noqa: F401
    from crewboard.calendar import models as _calendar  # noqa: F401
    from crewboard.company import models as _company  # noqa: F401
    from crewboard.customers import models as _customers  # noqa: F401
    from crewboard.events import models as _events  # noqa: F401
    from crewboard.jobs import models as _jobs  # noqa: F401
    from crewboard.notifications import models as _notifications  # noqa: F401
    from crewboard.notifications import rules as _outbox_hook  # noqa: F401
    from crewboard.planning import models as _planning  # noqa: F401
    from crewboard.technicians import models as _technicians  # noqa: F401
    from crewboard.tracking import models as _tracking  # noqa: F401
    from crewboard.webhooks import models as _webhooks  # noqa: F401
