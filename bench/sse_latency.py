"""Event-to-board latency over Server-Sent Events with many boards open.

Serves a small company with a real uvicorn in a child process (background work
on, as in production), opens --clients SSE streams (default 50, "open boards")
from this process on loopback, then makes --events committed changes through
the HTTP API, one every --interval seconds, alternating a technician location
report and a job reschedule. For every event and every client it records

    latency = time the client read the event - the event's audit-row timestamp

The audit row is written inside the transaction just before the commit, and
both clocks are this machine's wall clock, so the figure is commit-to-receipt
plus the commit itself (an upper bound). Bounded in count (--events) and in
time (--max-seconds). Target (DESIGN.md): p99 <= 100 ms.

The clients are raw asyncio HTTP readers in one process (not 50 browsers: 50
Chromium pages do not fit on a 2-core machine); the board's EventSource reads
the same bytes.

    .venv/bin/python bench/sse_latency.py                 # 50 clients, 200 events
    .venv/bin/python bench/sse_latency.py --clients 10 --events 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from board_load import free_port, pct  # noqa: E402

RESULTS = REPO / "bench" / "results"
TZ = "America/Chicago"

SERVER = """
import sys, uvicorn
sys.path.insert(0, {src!r})
from crewboard.api.app import create_app
from crewboard.config import Settings
app = create_app(Settings(database_url={url!r}), migrate=False)
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def build(url: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """10 technicians, 40 assigned jobs today; returns a token, tech ids, (job id, start)."""
    from zoneinfo import ZoneInfo

    from crewboard.auth.actions import do_create_api_token, do_create_user
    from crewboard.auth.actor import SYSTEM, Role
    from crewboard.company.actions import do_update_company
    from crewboard.company.clock import local_at, local_day
    from crewboard.customers.actions import do_create_customer
    from crewboard.db import make_engine, make_session_factory, session_scope, upgrade, utcnow
    from crewboard.jobs.actions import do_assign_job, do_create_job
    from crewboard.technicians.actions import do_create_technician

    upgrade(url)
    factory = make_session_factory(make_engine(url))
    tz = ZoneInfo(TZ)
    day = local_day(tz, utcnow())
    week = [{"weekday": d, "start": "08:00", "end": "17:00"} for d in range(7)]
    with session_scope(factory) as s:
        do_update_company(s, SYSTEM, version=None, values={"name": "SSE Bench", "timezone": TZ})
        user = do_create_user(s, SYSTEM, email="sse@example.com", name="SSE Admin",
                              role=Role.admin, password="bench password 1")
        token = do_create_api_token(s, SYSTEM, user, "bench").token
        techs = [do_create_technician(s, SYSTEM, name=f"Tech {i}", home_lat=41.8 + i / 100,
                                      home_lon=-87.7, skills=[], shifts=week) for i in range(10)]
        s.flush()
        jobs = []
        for i in range(40):
            cust = do_create_customer(s, SYSTEM, name=f"Customer {i}", locations=[
                {"address": f"{i} Main St", "lat": 41.85 + i / 400, "lon": -87.65}])
            s.flush()
            start = local_at(tz, day, f"{8 + (i % 4) * 2:02d}:00")
            job = do_create_job(s, SYSTEM, customer_id=cust.id, windows=[
                (start - timedelta(hours=1), start + timedelta(hours=3))], duration_min=60)
            do_assign_job(s, SYSTEM, job, techs[i // 4], start)
            jobs.append((job.id, start.isoformat()))
        tech_ids = [t.id for t in techs]
    return token, tech_ids, jobs


def parse_at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


async def client(port: int, token: str, ready: asyncio.Event, opened: list[int],
                 out: list[tuple[int, str, float, float]], stop: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write((f"GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass  # headers
    opened.append(1)
    ready.set()
    try:
        while not stop.is_set():
            line = await reader.readline()
            if not line:
                return
            # chunked encoding: size lines and data lines both arrive; only data counts
            if line.startswith(b"data: "):
                now = time.time()
                msg = json.loads(line[6:])
                out.append((msg.get("event_id") or 0, msg.get("type", ""), parse_at(msg["at"]),
                            now))
    finally:
        writer.close()


async def run(port: int, token: str, techs: list[int], jobs: list[tuple[int, str]],
              n_clients: int, n_events: int, interval: float, max_s: float) -> dict:
    import httpx2 as httpx

    ready = asyncio.Event()
    opened: list[int] = []
    out: list[tuple[int, str, float, float]] = []
    stop = asyncio.Event()
    tasks = [asyncio.create_task(client(port, token, ready, opened, out, stop))
             for _ in range(n_clients)]
    deadline = time.monotonic() + 30
    while len(opened) < n_clients and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    headers = {"Authorization": f"Bearer {token}"}
    sent: list[int] = []
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers,
                                 timeout=30) as api:
        for i in range(n_events):
            if time.monotonic() - started > max_s:
                break
            if i % 2 == 0:
                tech = techs[i % len(techs)]
                reply = await api.post(f"/api/v1/technicians/{tech}/location",
                                       json={"lat": 41.85 + (i % 50) / 1000, "lon": -87.65})
            else:
                job_id, start = jobs[i % len(jobs)]
                shift = timedelta(minutes=5 if (i // len(jobs)) % 2 == 0 else 0)
                when = (datetime.fromisoformat(start) + shift).isoformat()
                reply = await api.post(f"/api/v1/jobs/{job_id}/reschedule",
                                       json={"planned_start": when, "reason": "bench"})
            reply.raise_for_status()
            sent.append(i)
            await asyncio.sleep(interval)
    await asyncio.sleep(1.0)  # let the last events arrive
    stop.set()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"opened": len(opened), "requests": len(sent), "received": out,
            "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--events", type=int, default=200, help="changes to make (upper bound)")
    ap.add_argument("--interval", type=float, default=0.05, help="seconds between changes")
    ap.add_argument("--max-seconds", type=float, default=60.0)
    args = ap.parse_args(argv)

    import subprocess

    tmp = tempfile.TemporaryDirectory()
    url = f"sqlite:///{Path(tmp.name) / 'sse.db'}"
    token, techs, jobs = build(url)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(src=str(REPO / "src"), url=url,
                                                                 port=port)])
    try:
        import httpx2 as httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        got = asyncio.run(run(port, token, techs, jobs, args.clients, args.events,
                              args.interval, args.max_seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        tmp.cleanup()
    mine = [r for r in got["received"] if r[1] in ("technician.location", "job.rescheduled")]
    lat = [(recv - at) * 1000 for _eid, _type, at, recv in mine]
    per_event = {}
    for eid, _type, _at, _recv in mine:
        per_event[eid] = per_event.get(eid, 0) + 1
    complete = sum(1 for n in per_event.values() if n == got["opened"])
    result = {
        "bench": "sse_latency", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_avg_1m": os.getloadavg()[0]},
        "clients": got["opened"], "changes_made": got["requests"], "seconds": got["seconds"],
        "events_seen": len(per_event), "events_reaching_every_client": complete,
        "deliveries": len(lat),
        "p50_ms": round(statistics.median(lat), 1) if lat else None,
        "p90_ms": round(pct(lat, 90), 1) if lat else None,
        "p99_ms": round(pct(lat, 99), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"sse_latency_{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    print(f"load avg {result['machine']['load_avg_1m']:.1f}; written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
