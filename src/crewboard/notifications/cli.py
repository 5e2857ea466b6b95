"""``crewboard notify reminders --date D`` and ``crewboard notify deliver``."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated

import typer

from crewboard.cli.main import DbOption, app, console, settings_for
from crewboard.company.queries import company_tz
from crewboard.db import make_engine, make_session_factory, session_scope, upgrade, utcnow

notify_app = typer.Typer(help="Customer notifications and the outbox.", no_args_is_help=True)
app.add_typer(notify_app, name="notify")


@contextmanager
def _factory(db):  # type: ignore[no-untyped-def]
    from crewboard.notifications import rules as _rules  # noqa: F401  (commit hook)
    from crewboard.notifications import runtime

    settings = settings_for(db)
    upgrade(settings.database_url)
    runtime.configure(settings)
    engine = make_engine(settings.database_url)
    try:
        yield settings, make_session_factory(engine)
    finally:
        engine.dispose()


@notify_app.command("reminders")
def reminders(day: Annotated[str | None, typer.Option(
        "--date", help="YYYY-MM-DD, company-local (default: tomorrow)")] = None,
        db: DbOption = None) -> None:
    """Queue the day-before reminder for every open job on the day (once per job)."""
    from crewboard.notifications.rules import send_reminders

    with _factory(db) as (_settings, factory), session_scope(factory) as session:
        if day is None:
            when = utcnow().astimezone(company_tz(session)).date() + timedelta(days=1)
        else:
            try:
                when = date.fromisoformat(day)
            except ValueError:
                raise typer.BadParameter(f"'{day}' is not a date like 2030-06-04.") from None
        count = send_reminders(session, when)
    console.print(f"reminders queued for {count} job(s) on {when.isoformat()}")


@notify_app.command("deliver")
def deliver(db: DbOption = None) -> None:
    """Deliver every due message now (the server's worker does this continuously)."""
    from crewboard.notifications.outbox import deliver_due

    with _factory(db) as (settings, factory):
        report = deliver_due(factory, settings=settings)
    console.print(f"sent {len(report.sent)}, retrying {len(report.retrying)}, failed "
                  f"{len(report.failed)}, skipped {len(report.skipped)}, held "
                  f"{len(report.held)}")
