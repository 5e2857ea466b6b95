"""The ``crewboard`` command: a module per command group, one transaction per command."""

from __future__ import annotations

from crewboard.cli import db as _db  # noqa: F401  (registers commands)
from crewboard.cli import demo as _demo  # noqa: F401
from crewboard.cli import planning as _planning  # noqa: F401
from crewboard.cli import serve as _serve  # noqa: F401
from crewboard.cli import transfer as _transfer  # noqa: F401
from crewboard.cli import users as _users  # noqa: F401
from crewboard.cli.main import app
from crewboard.notifications import cli as _notify  # noqa: F401

__all__ = ["app"]
