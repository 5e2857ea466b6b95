"""``crewboard notify reminders`` and ``crewboard notify deliver`` on the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from crewboard.auth.actor import SYSTEM
from crewboard.cli import app
from crewboard.notifications import runtime
from crewboard.notifications.actions import do_update_settings
from tests import conftest as base
from tests.conftest import DAY, World
from tests.notifications.servers import SmtpServer


@pytest.fixture
def keep_runtime() -> Iterator[None]:
    before = runtime._settings
    yield
    runtime._settings = before


def test_reminders_then_deliver(db: base.TestDB, monkeypatch: pytest.MonkeyPatch,
                                keep_runtime: None) -> None:
    world = World(db)
    world.run(lambda s: do_update_settings(s, SYSTEM, version=None,
                                           values={"quiet_start": None, "quiet_end": None}))
    world.job()
    with SmtpServer() as smtp:
        for key, value in {"DATABASE_URL": db.url, "SMTP_HOST": "127.0.0.1",
                           "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "none"}.items():
            monkeypatch.setenv(f"CREWBOARD_{key}", value)
        runner = CliRunner()
        first = runner.invoke(app, ["notify", "reminders", "--date", DAY.isoformat()])
        assert first.exit_code == 0, first.output
        assert "reminders queued for 1 job(s) on 2030-06-04" in first.output
        again = runner.invoke(app, ["notify", "reminders", "--date", DAY.isoformat()])
        assert "for 0 job(s)" in again.output
        sent = runner.invoke(app, ["notify", "deliver"])
        assert sent.exit_code == 0, sent.output
        # SMS is not configured here: those are skipped, with the reason on the row
        assert "sent 2," in sent.output and "skipped 2" in sent.output
        subjects = sorted(m["Subject"] for m in smtp.messages)
        assert subjects == ["Reminder: your visit tomorrow, Tue 4 Jun, 08:00-12:00",
                            "Your visit is booked: Tue 4 Jun, 08:00-12:00"]
        links = {m.get_body(("plain",)).get_content().split("/track/")[1].split()[0]  # type: ignore[union-attr]
                 for m in smtp.messages}
        assert len(links) == 1  # one tracking link per job, in every message
    bad = CliRunner().invoke(app, ["notify", "reminders", "--date", "tomorrow"])
    assert bad.exit_code != 0


def test_every_notification_setting_is_documented() -> None:
    from pathlib import Path

    from crewboard.config import Settings

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    mine = [name for name in Settings.model_fields if name.startswith((
        "public_url", "smtp_", "sms_", "twilio_", "outbox_", "send_", "webhook_"))]
    assert len(mine) >= 15
    missing = [n for n in mine if f"`CREWBOARD_{n.upper()}`" not in readme]
    assert not missing, missing
