"""Board load time: GET /board and GET /api/v1/planning/board for a big day.

Builds a day with 200 technicians and 1,600 jobs (1,400 planned across the
crew, 200 waiting in the queue) in a fresh SQLite file (or the PostgreSQL
database given with --database-url, which must be empty), serves it with a
real uvicorn on loopback in a child process, and times repeated requests from
this process. The figure is wall time per request over loopback HTTP, so it is
server time plus a fraction of a millisecond. Target (DESIGN.md): <= 200 ms.

Repeated requests for an unchanged day are served from the board's cache.
``--cold N`` also times N cache misses, as every open board sees one after
every change: before each timed GET a note is added to a job through the API
(a change that writes an audit event, so the cached payload is stale). It
then times N in-process ``board_json`` calls the same way, with CPU time,
and N more with nothing remembered (no travel matrix, no kept rows: the
first load after a restart, or after most of the day changed). The server
freezes its startup objects out of garbage collection as ``crewboard serve``
does.

Optionally (--browser) also times the whole board in headless Chromium: from
navigation until every technician row is drawn.

Examples
--------
    .venv/bin/python bench/board_load.py                    # 200 techs, 1,600 jobs
    .venv/bin/python bench/board_load.py --technicians 50 --jobs 400 --requests 20
    .venv/bin/python bench/board_load.py --browser
    .venv/bin/python bench/board_load.py --cold 15 --keep /tmp/board200.db
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
RESULTS = REPO / "bench" / "results"
TZ = "America/Chicago"
SKILLS = ["plumbing", "electrical", "hvac", "gas-cert", "appliance", "drain-cleaning"]


def build(url: str, n_techs: int, n_jobs: int, seed: int = 3) -> tuple[str, date]:
    """The company, its crew and today's jobs; returns an admin API token and the day."""
    from sqlalchemy.orm import Session

    from crewboard.auth.actions import do_create_api_token, do_create_user
    from crewboard.auth.actor import SYSTEM, Role
    from crewboard.company.actions import do_update_company
    from crewboard.company.clock import local_at, local_day
    from crewboard.customers.actions import do_create_customer
    from crewboard.db import make_engine, make_session_factory, session_scope, upgrade, utcnow
    from crewboard.jobs.actions import do_create_job
    from crewboard.jobs.kinds import JobStatus, Priority
    from crewboard.technicians.actions import do_create_skill, do_create_technician

    upgrade(url)
    factory = make_session_factory(make_engine(url))
    rng = random.Random(seed)
    tz = ZoneInfo(TZ)
    day = local_day(tz, utcnow())
    week = [{"weekday": d, "start": "08:00", "end": "17:00"} for d in range(7)]

    def pt() -> tuple[float, float]:
        return 41.88 + rng.uniform(-0.25, 0.25), -87.75 + rng.uniform(-0.2, 0.2)

    with session_scope(factory) as s:
        s: Session
        do_update_company(s, SYSTEM, version=None, values={
            "name": "Bench Services", "timezone": TZ, "day_start": "07:00", "day_end": "19:00"})
        for name in SKILLS:
            do_create_skill(s, SYSTEM, name=name, max_level=3)
        user = do_create_user(s, SYSTEM, email="bench@example.com", name="Bench Admin",
                              role=Role.admin, password="bench password 1")
        token = do_create_api_token(s, SYSTEM, user, "bench").token
    techs = []
    with session_scope(factory) as s:
        for i in range(n_techs):
            lat, lon = pt()
            skills = rng.sample(SKILLS, 3)
            techs.append(do_create_technician(
                s, SYSTEM, name=f"Tech {i:03d}", home_lat=lat, home_lon=lon, region=f"r{i % 8}",
                skills=[{"name": k, "level": rng.randint(1, 3)} for k in skills],
                shifts=week).id)
    planned = n_jobs * 7 // 8
    per_tech = max(1, planned // max(1, n_techs))
    with session_scope(factory) as s:
        customers = []
        for i in range(max(1, n_jobs // 2)):
            lat, lon = pt()
            customers.append(do_create_customer(
                s, SYSTEM, name=f"Customer {i:04d}", phone="+13125550100",
                locations=[{"address": f"{i} Bench St, Chicago", "lat": lat, "lon": lon}]).id)
    made = 0
    while made < n_jobs:
        with session_scope(factory) as s:
            for _ in range(min(200, n_jobs - made)):
                if made < planned:
                    start_h = 8 + (made % per_tech) * 8 / per_tech
                else:
                    start_h = rng.randint(8, 15)
                start = local_at(tz, day, f"{int(start_h):02d}:{int((start_h % 1) * 60):02d}")
                job = do_create_job(
                    s, SYSTEM, customer_id=customers[made % len(customers)],
                    windows=[(start - timedelta(minutes=30), start + timedelta(hours=2))],
                    required_skills={}, duration_min=45,
                    priority=Priority.emergency if made % 97 == 0 else Priority.normal)
                if made < planned:
                    # Placed directly (the checks are not what is measured here).
                    job.technician_id = techs[(made // per_tech) % len(techs)]
                    job.planned_start = start
                    job.status = JobStatus.assigned
                made += 1
    return token, day


def reuse(url: str) -> tuple[str, date]:
    """A new API token on a kept database (its day is today, as when it was built)."""
    from sqlalchemy import select

    from crewboard.auth.actions import do_create_api_token
    from crewboard.auth.actor import SYSTEM
    from crewboard.auth.models import User
    from crewboard.company.clock import local_day
    from crewboard.db import make_engine, make_session_factory, session_scope, utcnow

    with session_scope(make_session_factory(make_engine(url))) as s:
        user = s.scalar(select(User).where(User.email == "bench@example.com"))
        token = do_create_api_token(s, SYSTEM, user, "bench").token
    return token, local_day(ZoneInfo(TZ), utcnow())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVER = """
import sys, uvicorn
sys.path.insert(0, {src!r})
from crewboard.api.app import create_app
from crewboard.cli.serve import freeze_startup_objects
from crewboard.config import Settings
app = create_app(Settings(database_url={url!r}, background=False{extra}), migrate=False)
freeze_startup_objects()  # as ``crewboard serve`` does
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def serve(url: str, port: int, **settings: object) -> subprocess.Popen:
    """A real uvicorn on ``port`` in a child process; ``settings`` go to ``Settings``."""
    extra = "".join(f", {k}={v!r}" for k, v in settings.items())
    code = SERVER.format(src=str(REPO / "src"), url=url, port=port, extra=extra)
    proc = subprocess.Popen([sys.executable, "-c", code])
    import httpx2 as httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def time_requests(client, path: str, n: int, warmup: int = 3) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(warmup):
        client.get(path).raise_for_status()
    times, size = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        reply = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        reply.raise_for_status()
        size = len(reply.content)
    return _summary(path.split("?")[0], times, size)


def _summary(path: str, times: list[float], size: int, cpu: list[float] | None = None) -> dict:
    row = {"path": path, "n": len(times), "median_ms": round(statistics.median(times), 1),
           "p95_ms": round(pct(times, 95), 1), "min_ms": round(min(times), 1),
           "max_ms": round(max(times), 1), "bytes": size}
    if cpu:
        row |= {"cpu_median_ms": round(statistics.median(cpu), 1),
                "cpu_p95_ms": round(pct(cpu, 95), 1)}
    return row


def time_cold_requests(client, path: str, job_id: int, n: int) -> dict:  # type: ignore[no-untyped-def]
    """GET after a change each time: the cache misses, as for every open board."""
    times, size = [], 0
    for i in range(n + 1):
        client.post(f"/api/v1/jobs/{job_id}/notes", json={"text": f"bench cold {i}"}
                    ).raise_for_status()
        t0 = time.perf_counter()
        reply = client.get(path)
        elapsed = (time.perf_counter() - t0) * 1000
        reply.raise_for_status()
        if i:  # the first one also warms the server's travel matrix
            times.append(elapsed)
            size = len(reply.content)
    return _summary("cold (after a change): " + path.split("?")[0], times, size)


def time_cold_in_process(url: str, day: date, job_id: int, n: int, first: bool) -> dict:
    """``board_json`` in this process after a committed change, wall and CPU time."""
    from sqlalchemy import select

    from crewboard.auth.actor import Actor
    from crewboard.auth.models import User
    from crewboard.db import make_engine, make_session_factory, session_scope
    from crewboard.jobs.actions import do_add_note
    from crewboard.jobs.models import Job
    from crewboard.planning import board

    factory = make_session_factory(make_engine(url))
    with factory() as s:
        user = s.scalar(select(User).where(User.email == "bench@example.com"))
        actor = Actor(user.id, user.role, user.name, user.technician_id)
    walls, cpus, size = [], [], 0
    for i in range(n + 1):
        with session_scope(factory) as s:
            do_add_note(s, actor, s.get(Job, job_id), f"bench in-process {i}")
        if first:
            board.forget_remembered()
        with factory() as s:
            t0, c0 = time.perf_counter(), time.process_time()
            body = board.board_json(s, actor, day)
            wall, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
        if i:  # the first call imports and warms up
            walls.append(wall)
            cpus.append(cpu)
            size = len(body)
    what = "nothing remembered" if first else "travel matrix and unchanged jobs remembered"
    return _summary(f"in-process board_json, cold ({what})", walls, size, cpus)


def time_browser(base: str, token_cookie: str, n_techs: int, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO))
    from tests.web.conftest import ARGS, CHROMIUM

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 900})
        context.add_cookies([{"name": "crewboard_session", "value": token_cookie, "url": base}])
        page = context.new_page()
        for i in range(runs + 1):
            t0 = time.perf_counter()
            page.goto(f"{base}/board")
            page.wait_for_function(f"document.querySelectorAll('.tl-row').length >= {n_techs}",
                                   timeout=60000)
            if i:  # the first load fills the browser cache
                times.append((time.perf_counter() - t0) * 1000)
        browser.close()
    return {"path": "browser: /board to all rows drawn", "n": runs,
            "median_ms": round(statistics.median(times), 1), "p95_ms": round(pct(times, 95), 1),
            "min_ms": round(min(times), 1), "max_ms": round(max(times), 1), "bytes": 0}


def web_session(url: str) -> str:
    from sqlalchemy import select

    from crewboard.auth.models import User, WebSession
    from crewboard.auth.secrets import hash_token, new_token
    from crewboard.db import make_engine, make_session_factory, session_scope, utcnow

    token = new_token("cbs")
    with session_scope(make_session_factory(make_engine(url))) as s:
        user = s.scalar(select(User).where(User.email == "bench@example.com"))
        s.add(WebSession(user_id=user.id, token_hash=hash_token(token),
                         expires_at=utcnow() + timedelta(days=1), user_agent="bench"))
    return token


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--technicians", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1600)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    ap.add_argument("--keep", metavar="FILE", help="build into this SQLite file and keep it; "
                    "reuse it when it exists (a rebuild takes minutes)")
    ap.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    ap.add_argument("--cold", type=int, default=10, metavar="N",
                    help="also time N cache misses (a change before each load); 0 to skip")
    args = ap.parse_args(argv)

    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(args.keep or Path(tmp.name) / 'board.db')}"
    t0 = time.perf_counter()
    if args.keep and Path(args.keep).exists():
        token, day = reuse(url)
    else:
        token, day = build(url, args.technicians, args.jobs)
    built_s = time.perf_counter() - t0
    port = free_port()
    proc = serve(url, port)
    rows = []
    try:
        import httpx2 as httpx

        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=600,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            board = client.get(f"/api/v1/planning/board?date={day}").json()
            counts = {"technicians": len(board["technicians"]), "jobs": len(board["jobs"])}
            rows.append(time_requests(client, f"/api/v1/planning/board?date={day}", args.requests))
            job_id = board["jobs"][0]["id"]
            if args.cold:
                rows.append(time_cold_requests(client, f"/api/v1/planning/board?date={day}",
                                               job_id, args.cold))
            cookie = web_session(url)
            client.cookies.set("crewboard_session", cookie)
            del client.headers["Authorization"]
            rows.append(time_requests(client, "/board", args.requests))
        if args.browser:
            rows.append(time_browser(base, cookie, args.technicians, min(10, args.requests)))
        if args.cold:
            for fresh in (False, True):
                rows.append(time_cold_in_process(url, day, job_id, args.cold, fresh))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = {"bench": "board_load", "at": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform(),
                          "load_avg_1m": os.getloadavg()[0]},
              "database": url.split(":")[0], "technicians": args.technicians, "jobs": args.jobs,
              "served": counts, "build_s": round(built_s, 1), "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"board_load_{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"{args.technicians} technicians, {args.jobs} jobs ({counts['jobs']} on the board), "
          f"{result['database']}, built in {built_s:.0f} s, "
          f"load avg {result['machine']['load_avg_1m']:.1f}")
    print("| request | n | median ms | p95 ms | min ms | max ms | CPU median ms | CPU p95 ms "
          "| bytes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['path']} | {r['n']} | {r['median_ms']} | {r['p95_ms']} | {r['min_ms']} | "
              f"{r['max_ms']} | {r.get('cpu_median_ms', '')} | {r.get('cpu_p95_ms', '')} | "
              f"{r['bytes']:,} |")
    print(f"(written to {out.relative_to(REPO)})")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
