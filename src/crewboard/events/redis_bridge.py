"""Several server processes, one live board: committed events cross processes
through Redis pub/sub.

Each process publishes what its own transactions committed and re-publishes on
its local bus what the others committed, marked with ``origin`` so nothing is
echoed back. Background workers react only to local events (the process that
committed a change handles its consequences once).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from typing import Any

import redis

from crewboard.events.bus import Bus, Message

log = logging.getLogger(__name__)
CHANNEL = "crewboard:events"


def is_remote(message: Message) -> bool:
    return "origin" in message


class RedisBridge:
    """Start/stop service joining the in-process bus to a Redis channel."""

    def __init__(self, url: str, bus: Bus, channel: str = CHANNEL) -> None:
        self.client = redis.Redis.from_url(url)
        self.bus, self.channel = bus, channel
        self.origin = uuid.uuid4().hex
        self._pubsub: Any = None
        self._thread: threading.Thread | None = None
        self._unsubscribe: Any = None
        self._stop = threading.Event()

    def start(self) -> None:
        self._pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(self.channel)
        self._unsubscribe = self.bus.subscribe(self._outbound)
        self._thread = threading.Thread(target=self._inbound, name="redis-bridge", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._unsubscribe:
            self._unsubscribe()
        if self._thread:
            self._thread.join(timeout=5)
        if self._pubsub is not None:
            self._pubsub.close()
        self.client.close()

    def _outbound(self, message: Message) -> None:
        if is_remote(message):
            return
        try:
            self.client.publish(self.channel, json.dumps({"origin": self.origin,
                                                          "message": message}))
        except redis.RedisError:
            log.exception("could not publish an event to Redis")

    def _inbound(self) -> None:
        while not self._stop.is_set():
            try:
                item = self._pubsub.get_message(timeout=0.5)
            except (redis.RedisError, ValueError):
                if self._stop.is_set():
                    return
                log.exception("Redis subscription failed; retrying")
                self._stop.wait(1)
                continue
            if not item:
                continue
            envelope = json.loads(item["data"])
            if envelope.get("origin") == self.origin:
                continue
            self.bus.publish({**envelope["message"], "origin": envelope["origin"]})
