"""``crewboard demo``: builds a fresh file, prints working logins, refuses to overwrite data."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from crewboard.auth.actions import do_login
from crewboard.auth.actor import Role
from crewboard.auth.models import User
from crewboard.auth.queries import actor_from_api_token
from crewboard.cli import app
from crewboard.config import sqlite_url
from crewboard.db import make_engine, make_session_factory, session_scope
from crewboard.notifications.models import OutboxMessage
from crewboard.notifications.outbox import notification_settings

SMALL = ["--technicians", "3", "--customers", "20"]  # output and refusal, not the board


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
            # the simulated morning queued no customer messages; new activity will
            assert s.scalar(select(func.count(OutboxMessage.id))) == 0
            assert notification_settings(s).rules == {}
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
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = ["demo", "--db", str(target), "--port", str(port), *SMALL]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code != 0 and "already holds data" in refused.output
    assert target.read_text().startswith("not a database") and not served

    built = CliRunner().invoke(app, [*args, "--reset", "--host", "0.0.0.0"])
    assert built.exit_code == 0, built.output
    assert f"http://127.0.0.1:{port}/" in built.output
    # made-up customers are never handed to a real mail or SMS gateway
    assert served == [(sqlite_url(target), "0.0.0.0", port, None, None,
                       f"http://127.0.0.1:{port}")]


def test_a_busy_port_is_refused_before_building(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["demo", "--db", str(tmp_path / "d.db"),
                                          "--port", str(port)])
    assert result.exit_code != 0 and "Address already in use" in result.output
    assert not (tmp_path / "d.db").exists()
