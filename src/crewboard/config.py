"""Runtime settings, read from CREWBOARD_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings for one crewboard process; every field is documented in README."""

    model_config = SettingsConfigDict(env_prefix="CREWBOARD_", extra="ignore")

    database_url: str = "sqlite:///crewboard.db"
    """SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host/db."""
    secure_cookies: bool = False
    """Mark the session cookie Secure (set when served over HTTPS)."""
    session_days: int = 30
    """How long a web login stays valid."""
    upload_dir: Path = Path("crewboard-uploads")
    """Where photos and signatures are stored."""
    redis_url: str | None = None
    """redis://host:port/db to share live events between several server processes."""
    background: bool = True
    """Run background work in the server process (live ETAs and the closed loop)."""
    upload_max_bytes: int = 8 * 1024 * 1024
    """Largest accepted photo or signature upload, in bytes."""
    tracking_days_after_close: int = 7
    """Days a customer tracking link keeps working after its job closes."""
    map_tile_url: str | None = None
    """Map tiles under the board's map, e.g. https://tile.example.org/{z}/{x}/{y}.png."""
    # notifications and webhooks (crewboard.notifications, crewboard.webhooks)
    public_url: str = "http://localhost:8000"
    """Base URL customers and integrators reach this server at (tracking, unsubscribe links)."""
    smtp_host: str | None = None
    """SMTP server for e-mail; unset means e-mail is not sent (messages are skipped)."""
    smtp_port: int = 587
    """SMTP port (587 STARTTLS, 465 TLS, 25 plain)."""
    smtp_security: str = "starttls"
    """starttls, tls (implicit, port 465) or none."""
    smtp_username: str | None = None
    """SMTP login; no login when unset."""
    smtp_password: str | None = None
    """SMTP password."""
    smtp_from: str = "crewboard <noreply@localhost>"
    """From address of customer and admin e-mails."""
    sms_provider: str | None = None
    """SMS gateway adapter (twilio); unset means SMS is not sent (messages are skipped)."""
    sms_from: str | None = None
    """Sender number (E.164) or messaging service id of outgoing texts."""
    twilio_account_sid: str | None = None
    """Twilio account SID (HTTP basic auth user)."""
    twilio_auth_token: str | None = None
    """Twilio auth token (basic auth password; verifies inbound X-Twilio-Signature)."""
    twilio_base_url: str = "https://api.twilio.com"
    """Twilio API base URL (point it at a compatible gateway or a test double)."""
    solver_processes: int = 2
    """Worker processes that run day optimization (0: inside the server process)."""
    outbox_worker: bool = True
    """Run the in-process delivery worker (and the daily reminder sweep) with the server."""
    outbox_poll_s: float = 2.0
    """How often the worker looks for due messages when nothing woke it."""
    outbox_max_attempts: int = 12
    """Attempts before a message or webhook delivery is finally failed."""
    outbox_backoff_s: float = 30.0
    """First retry delay; doubles per attempt."""
    outbox_backoff_max_s: float = 3600.0
    """Longest retry delay."""
    outbox_lease_s: float = 120.0
    """How long a claimed message stays claimed before another worker may take it over."""
    send_timeout_s: float = 10.0
    """Network timeout of one SMTP, SMS gateway or webhook attempt."""
    webhook_disable_after: int = 5
    """Finally failed deliveries in a row after which a webhook subscription is disabled."""


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL for an SQLite file path."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"
