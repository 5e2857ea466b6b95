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
    upload_max_bytes: int = 8 * 1024 * 1024
    """Largest accepted photo or signature upload, in bytes."""
    tracking_days_after_close: int = 7
    """Days a customer tracking link keeps working after its job closes."""


def sqlite_url(path: str | Path) -> str:
    """SQLAlchemy URL for an SQLite file path."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"
