"""Process-wide notification configuration (set by ``create_app``) and the worker wake-up.

The outbox hook runs inside every committing session, which knows no app; it
reads the public URL and tracking-link lifetime from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from crewboard.config import Settings

_settings: Settings | None = None
wakeup = threading.Event()
"""Set after a commit that wrote outbox rows, so the worker delivers at once."""

EtaProvider = Callable[[Session, object], datetime | None]
_eta_providers: list[EtaProvider] = []


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def current() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings()
    return _settings


def register_eta_provider(fn: EtaProvider) -> Callable[[], None]:
    """Planning registers how to predict a job's arrival for on-my-way messages.

    ``fn(session, job)`` returns an aware UTC datetime or None; the first provider
    with an answer wins. Returns a function that unregisters it.
    """
    _eta_providers.append(fn)
    return lambda: _eta_providers.remove(fn) if fn in _eta_providers else None


def eta_providers() -> list[EtaProvider]:
    return list(_eta_providers)
