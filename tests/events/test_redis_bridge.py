"""Two processes' buses joined through a real Redis server."""

from __future__ import annotations

import os
import queue

import pytest
import redis

from crewboard.events.bus import Bus
from crewboard.events.redis_bridge import RedisBridge

REDIS_URL = os.environ.get("CREWBOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server at " + REDIS_URL)
def test_event_committed_in_one_process_reaches_the_other_once() -> None:
    channel = f"crewboard:test:{os.getpid()}"
    bus_a, bus_b = Bus(), Bus()
    got_a: queue.Queue = queue.Queue()
    got_b: queue.Queue = queue.Queue()
    bus_a.subscribe(got_a.put)
    bus_b.subscribe(got_b.put)
    a, b = RedisBridge(REDIS_URL, bus_a, channel), RedisBridge(REDIS_URL, bus_b, channel)
    a.start()
    b.start()
    try:
        import time

        time.sleep(0.3)  # both subscriptions registered
        bus_a.publish({"type": "job.assigned", "job_id": 7, "event_id": 1})
        assert got_a.get(timeout=2)["job_id"] == 7  # local delivery
        remote = got_b.get(timeout=5)
        assert remote["type"] == "job.assigned" and remote["origin"] == a.origin
        with pytest.raises(queue.Empty):
            got_a.get(timeout=0.5)  # not echoed back to its own process
        with pytest.raises(queue.Empty):
            got_b.get(timeout=0.2)  # delivered once
    finally:
        a.stop()
        b.stop()
