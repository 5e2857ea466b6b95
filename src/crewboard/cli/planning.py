"""``crewboard optimize`` (a day in the database) and ``crewboard solve`` (a problem file)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crewboard.auth.actor import SYSTEM
from crewboard.cli.main import DbOption, app, console, fail, settings_for
from crewboard.db import make_engine, make_session_factory, session_scope, upgrade
from crewboard.errors import DomainError
from crewboard.planning.propose import do_apply_plan, do_propose_plan
from crewboard.routing.problem import ProblemError


@app.command()
def optimize(day: Annotated[str, typer.Option("--date", help="YYYY-MM-DD, company-local")],
             apply: Annotated[bool, typer.Option(help="apply the proposal")] = False,
             technician: Annotated[list[int] | None, typer.Option(
                 help="only these technicians (re-sequence); repeatable")] = None,
             time_limit: Annotated[float, typer.Option(help="solver seconds")] = 2.0,
             export_problem: Annotated[Path | None, typer.Option(
                 help="also write the day as a problem file (for `crewboard solve`)")] = None,
             db: DbOption = None) -> None:
    """Propose the day's best plan; with --apply, carry it out through the audit trail."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise typer.BadParameter(f"'{day}' is not a date like 2030-06-04.") from None
    settings = settings_for(db)
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    try:
        with console.status("optimizing..."), session_scope(factory) as session:
            proposal = do_propose_plan(session, SYSTEM, when, technician_ids=technician,
                                       time_limit_s=time_limit)
            payload = proposal.payload
            applied = do_apply_plan(session, SYSTEM, proposal) if apply else None
            if export_problem is not None:
                _export(session, when, technician, export_problem)
    except DomainError as exc:
        raise fail(exc) from None
    finally:
        engine.dispose()  # no pooled connection left for the garbage collector
    _print_proposal(proposal.id, payload)
    if applied is not None:
        console.print(f"[green]applied {applied} change(s)[/green]")
    else:
        console.print(f"proposal {proposal.id}; run again with --apply to carry it out")


def _export(session: object, when: date, technicians: list[int] | None, path: Path) -> None:
    from crewboard.planning.loader import load_day
    from crewboard.routing.io import dump_problem

    ctx = load_day(session, when, technician_ids=technicians,  # type: ignore[arg-type]
                   include_unassigned=technicians is None)
    path.write_text(json.dumps(dump_problem(ctx.problem), indent=2) + "\n")
    console.print(f"problem written to {path} ({len(ctx.problem.jobs)} jobs, "
                  f"{len(ctx.problem.technicians)} technicians)")


def _print_proposal(ident: int, payload: dict) -> None:
    engine = f" ({payload['engine']})" if payload.get("engine") else ""
    kpis = Table(title=f"Proposal {ident} for {payload['date']}{engine}")
    for column in ("", "assigned", "unassigned", "drive (min)", "late"):
        kpis.add_column(column)
    for label in ("before", "after"):
        k = payload[f"kpis_{label}"]
        kpis.add_row(label, str(k["jobs_assigned"]), str(k["jobs_unassigned"]),
                     str(k["total_drive_min"]), str(k["late_count"]))
    console.print(kpis)
    counts: dict[str, int] = {}
    for change in payload["changes"]:
        counts[change["kind"]] = counts.get(change["kind"], 0) + 1
    console.print("changes: " + (", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
                                 or "none"))
    for item in payload["unassigned"]:
        console.print(f"  [yellow]unassigned[/yellow] {item['ref']}: {item['reason']}")


@app.command()
def solve(problem: Annotated[Path, typer.Argument(help="problem JSON (docs/solver-format.md)")],
          time_limit: Annotated[float | None, typer.Option(help="solver seconds")] = None,
          engine: Annotated[str | None, typer.Option(
              help="auto (PyVRP when it fits, else VROOM), vroom or pyvrp")] = None,
          output: Annotated[Path | None, typer.Option("-o", "--output",
                                                      help="write the plan JSON here")] = None,
          ) -> None:
    """Solve a planning problem file; prints or writes the plan and checker findings."""
    from crewboard.routing.io import solve_file

    try:
        result = solve_file(problem, time_limit, engine)
    except ProblemError as exc:
        console.print(f"[red]error[/red] {escape(f'[{exc.code}]')} {escape(exc.message)}")
        raise typer.Exit(code=2) from None
    except (OSError, json.JSONDecodeError) as exc:
        console.print(f"[red]error[/red] cannot read {problem}: {exc}")
        raise typer.Exit(code=2) from None
    text = json.dumps(result, indent=2)
    if output:
        output.write_text(text + "\n")
        console.print(f"plan written to {output} ({len(result.get('routes', []))} routes, "
                      f"{len(result.get('unassigned', []))} unassigned, "
                      f"{len(result.get('violations', []))} violations)")
    else:
        print(text)
    if result.get("violations"):
        raise typer.Exit(code=1)
