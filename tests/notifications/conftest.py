"""Fixtures: an app wired to a real SMTP server, a Twilio stand-in and a webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from crewboard.api.app import create_app
from crewboard.auth.actor import SYSTEM
from crewboard.config import Settings
from crewboard.db import utcnow
from crewboard.notifications import runtime
from crewboard.notifications.actions import do_update_settings
from crewboard.notifications.models import OutboxMessage
from crewboard.notifications.outbox import DeliveryReport, deliver_due
from tests.conftest import TestDB, World
from tests.notifications.servers import FakeTwilio, Receiver, SmtpServer

PUBLIC = "http://crewboard.test"


@dataclass
class Env:
    db: TestDB
    settings: Settings
    smtp: SmtpServer
    twilio: FakeTwilio
    receiver: Receiver
    client: TestClient
    world: World

    def deliver(self, now: datetime | None = None, **overrides: Any) -> DeliveryReport:
        settings = self.settings.model_copy(update=overrides) if overrides else self.settings
        return deliver_due(self.db.factory, now or utcnow(), settings=settings)

    def rows(self, **where: Any) -> list[OutboxMessage]:
        with self.db.session() as s:
            stmt = select(OutboxMessage).order_by(OutboxMessage.id)
            for key, value in where.items():
                stmt = stmt.where(getattr(OutboxMessage, key) == value)
            return list(s.scalars(stmt))


def make_settings(db: TestDB, tmp_path: Any, smtp: SmtpServer, twilio: FakeTwilio,
                  **extra: Any) -> Settings:
    values: dict[str, Any] = dict(
        database_url=db.url, upload_dir=tmp_path / "uploads", background=False,
        public_url=PUBLIC, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_security="none",
        smtp_from="Acme Service <office@acme.test>", sms_provider="twilio",
        sms_from="+15550009999", twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token, twilio_base_url=twilio.url,
        outbox_backoff_s=1.0, outbox_backoff_max_s=8.0, outbox_max_attempts=4,
        send_timeout_s=5.0, webhook_disable_after=3)
    values.update(extra)
    return Settings(**values)


@pytest.fixture
def env(db: TestDB, tmp_path: Any) -> Iterator[Env]:
    before = runtime._settings
    with SmtpServer() as smtp, FakeTwilio() as twilio, Receiver() as receiver:
        settings = make_settings(db, tmp_path, smtp, twilio)
        app = create_app(settings, session_factory=db.factory)
        with TestClient(app) as client:
            world = World(db, client)
            # most tests run at any hour: quiet hours are tested on their own
            world.run(lambda s: do_update_settings(
                s, SYSTEM, version=None, values={"quiet_start": None, "quiet_end": None}))
            yield Env(db, settings, smtp, twilio, receiver, client, world)
    runtime.configure(before) if before is not None else setattr(runtime, "_settings", None)
