"""Today's board read once when the server starts.

The first board load after a start finds nothing kept (rows, routing jobs,
travel matrix, time texts) and costs about three times a load after a change
(bench/README.md, board section); reading today's board in the background at
start-up means the first dispatcher in the morning does not pay for it.
"""

from __future__ import annotations

import logging
import threading
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from crewboard.auth.actor import Actor, Role
from crewboard.company.clock import local_day
from crewboard.company.queries import company_tz
from crewboard.db import utcnow
from crewboard.planning.board import board_json

log = logging.getLogger(__name__)

WARMUP_ACTOR = Actor(user_id=None, role=Role.dispatcher, name="board warm-up")
"""Dispatchers are who open the board first; the kept rows serve every role."""


def warm_board(factory: sessionmaker[Session]) -> tuple[date, bytes]:
    """Today's board for a dispatcher, read once (the day and the payload)."""
    with factory() as session:
        day = local_day(company_tz(session), utcnow())
        return day, board_json(session, WARMUP_ACTOR, day)


class BoardWarmup:
    """A server service: reads today's board in a background thread at start."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="crewboard-board-warmup",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            warm_board(self.factory)
        except Exception:  # a warm-up must never stop the server
            log.exception("reading today's board at start-up failed")

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.join(timeout=5)
