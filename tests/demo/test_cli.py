"""``crewboard demo``: builds a fresh file, prints working logins, refuses to overwrite data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crewboard.auth.actions import do_login
from crewboard.auth.actor import Role
from crewboard.auth.models import User
from crewboard.auth.queries import actor_from_api_token
from crewboard.cli import app
from crewboard.config import sqlite_url
from crewboard.db import make_engine, make_session_factory, session_scope

SMALL = ["--technicians", "6", "--customers", "40"]


def test_demo_prints_working_logins_and_refuses_a_second_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    args = ["demo", "--no-serve", "--db", "tmp/x.db", *SMALL]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    out = first.output
    printed = {email: role for role, email in re.findall(
        r"│ (admin|dispatcher|viewer|technician)\s+│ (\S+@demo\.crewboard)", out)}
    assert sorted(set(printed.values())) == ["admin", "dispatcher", "technician", "viewer"]
    assert list(printed.values()).count("technician") >= 2
    assert "password for all: crewboard-demo" in out
    token = re.search(r"Admin API token: (\S+)", out)
    assert token

    engine = make_engine(sqlite_url(tmp_path / "tmp" / "x.db"))
    try:
        with session_scope(make_session_factory(engine)) as s:
            users = {u.email: u for u in s.scalars(select(User))}
            for email, role in printed.items():
                assert users[email].role is Role(role)
            tech = next(e for e, role in printed.items() if role == "technician")
            for email in ("admin@demo.crewboard", tech):
                assert do_login(s, email=email, password="crewboard-demo", days=1).user
            actor = actor_from_api_token(s, token.group(1))
            assert actor is not None and actor.role is Role.admin
    finally:
        engine.dispose()

    second = runner.invoke(app, args)
    assert second.exit_code != 0
    assert "already holds data" in second.output and "--reset" in second.output


def test_reset_replaces_the_file_and_then_serves(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    served: list[tuple[Any, ...]] = []
    monkeypatch.setattr("crewboard.cli.demo.run_server",
                        lambda settings, host, port: served.append(
                            (settings.database_url, host, port, settings.smtp_host,
                             settings.sms_provider, settings.public_url)))
    monkeypatch.setenv("CREWBOARD_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("CREWBOARD_SMS_PROVIDER", "twilio")
    target = tmp_path / "old.db"
    target.write_text("not a database: never overwritten without --reset")
    args = ["demo", "--db", str(target), "--port", "8765", *SMALL]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code != 0 and "already holds data" in refused.output
    assert target.read_text().startswith("not a database") and not served

    built = CliRunner().invoke(app, [*args, "--reset", "--host", "0.0.0.0"])
    assert built.exit_code == 0, built.output
    assert "http://127.0.0.1:8765/" in built.output
    # made-up customers are never handed to a real mail or SMS gateway
    assert served == [(sqlite_url(target), "0.0.0.0", 8765, None, None,
                       "http://127.0.0.1:8765")]
