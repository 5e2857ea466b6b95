"""After-commit publication of domain events.

Actions queue plain dicts on the session; they reach subscribers (board SSE,
notification rules, webhooks) only when the transaction commits, so a
rolled-back change never tells anyone anything.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
Message = dict[str, Any]
Subscriber = Callable[[Message], None]
_PENDING = "crewboard_pending_events"
_SAVEPOINT_MARKS: weakref.WeakKeyDictionary[SessionTransaction, int] = weakref.WeakKeyDictionary()
"""How many messages were pending when each open savepoint began."""


class Bus:
    """In-process fan-out; a Redis adapter can subscribe and re-publish."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(fn)

        def unsubscribe() -> None:
            with self._lock:
                if fn in self._subscribers:
                    self._subscribers.remove(fn)

        return unsubscribe

    def publish(self, message: Message) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for fn in subscribers:
            try:
                fn(message)
            except Exception:  # one bad subscriber must not stop the others
                log.exception("event subscriber failed")


bus = Bus()


def queue(session: Session, message: Message) -> None:
    """Hold ``message`` until this session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(message)


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a released SAVEPOINT is not the commit
        return
    pending = session.info.pop(_PENDING, [])
    for message in pending:
        bus.publish(message)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        _SAVEPOINT_MARKS[transaction] = len(session.info.get(_PENDING, []))


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:  # a rolled-back savepoint takes back what was queued inside it
        mark = _SAVEPOINT_MARKS.pop(previous, None)
        if mark is not None:
            del session.info.get(_PENDING, [])[mark:]
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
