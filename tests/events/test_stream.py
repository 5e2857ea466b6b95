"""Server-Sent Events over a real HTTP server: live delivery and catch-up."""

from __future__ import annotations

import json
import queue
import threading

import httpx2 as httpx

from crewboard.auth.actor import Role
from tests.conftest import LiveServer, World


def _listen(url: str, token: str, out: queue.Queue, stop: threading.Event,
            last_id: str | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    if last_id:
        headers["Last-Event-ID"] = last_id
    try:
        with httpx.Client(timeout=30) as client, client.stream(
                "GET", f"{url}/api/v1/events/stream", headers=headers) as reply:
            out.put(("status", reply.status_code))
            for line in reply.iter_lines():
                if line.startswith("data: "):
                    out.put(("event", json.loads(line[6:])))
                if stop.is_set():
                    return
    except httpx.HTTPError as exc:  # the server stops under an open stream at teardown
        out.put(("error", exc))


def _events(out: queue.Queue, n: int) -> list[dict]:
    got = []
    while len(got) < n:
        kind, value = out.get(timeout=10)
        if kind == "event":
            got.append(value)
    return got


def test_committed_change_reaches_open_stream_and_tech_sees_only_own(
        world: World, live_server: LiveServer) -> None:
    tech_a, tech_b = world.tech("A One"), world.tech("B Two")
    _uid, office_token = world.user(Role.dispatcher)
    _uid, tech_token = world.user(Role.technician, technician_id=tech_a)
    office_q: queue.Queue = queue.Queue()
    tech_q: queue.Queue = queue.Queue()
    stop = threading.Event()
    for token, q in ((office_token, office_q), (tech_token, tech_q)):
        threading.Thread(target=_listen, args=(live_server.url, token, q, stop),
                         daemon=True).start()
        assert q.get(timeout=10) == ("status", 200)

    headers = {"Authorization": f"Bearer {office_token}"}
    job_b, job_a = world.job(), world.job()
    from tests.conftest import at, iso
    for job, tech in ((job_b, tech_b), (job_a, tech_a)):
        r = httpx.post(f"{live_server.url}/api/v1/jobs/{job}/assign", headers=headers,
                       json={"technician_id": tech, "planned_start": iso(at("09:00"))})
        assert r.status_code == 200, r.text

    office_events = _events(office_q, 4)  # two job.created (World) may precede; wait for assigns
    while sum(e["type"] == "job.assigned" for e in office_events) < 2:
        office_events += _events(office_q, 1)
    assert {e["job_id"] for e in office_events if e["type"] == "job.assigned"} == {job_a, job_b}
    tech_event = _events(tech_q, 1)[0]
    assert tech_event["type"] == "job.assigned" and tech_event["job_id"] == job_a
    stop.set()


def test_reconnect_with_last_event_id_catches_up(world: World,
                                                 live_server: LiveServer) -> None:
    _uid, token = world.user(Role.dispatcher)
    first = world.job()
    with world.db.session() as s:
        from sqlalchemy import func, select

        from crewboard.events.models import Event
        last = s.scalar(select(func.max(Event.id)).where(Event.job_id == first))
    second = world.job()  # happens while "disconnected"
    q: queue.Queue = queue.Queue()
    stop = threading.Event()
    threading.Thread(target=_listen, args=(live_server.url, token, q, stop, str(last)),
                     daemon=True).start()
    assert q.get(timeout=10) == ("status", 200)
    missed = _events(q, 2)
    assert [e["type"] for e in missed] == ["customer.created", "job.created"]
    assert missed[1]["job_id"] == second
    stop.set()
