"""Location pings per second the server ingests, as a ratio to a bare endpoint.

A real uvicorn serves the real app (one process, SQLite in WAL mode on a temp
file, or PostgreSQL with ``--db``) on loopback. ``--techs`` technicians each
have a login token; the load generator (another process, asyncio + httpx with
keep-alive connections) posts ``POST /api/v1/technicians/{id}/location`` exactly
as the phone does (bearer token, Idempotency-Key, ``at`` = now, a moving
position), so every ping pays for authentication, the idempotency row, the
breadcrumb row, the latest-position update on the technician and the audit
event; with ``--background on`` (the default, as ``crewboard serve`` runs) the
after-commit ETA watcher also re-predicts the technician's day, debounced.

In the same run and against the same server, the same client posts the same
body to ``POST /bench/bare``, a route that returns ``{"ok": true}`` without
touching the database: the ratio of the two rates is what the location route
costs on top of HTTP + JSON on this machine. Each phase is bounded by a count
and a time budget; client and server share the machine's cores.

Examples
--------
    .venv/bin/python bench/location_ingest.py
    .venv/bin/python bench/location_ingest.py --pings 3000 --concurrency 16 --seconds 30
    .venv/bin/python bench/location_ingest.py --background off
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))


def make_app() -> Any:
    """The real app plus a bare route (uvicorn --factory entry point)."""
    from fastapi.responses import JSONResponse

    from crewboard.api.app import create_app
    from crewboard.config import Settings

    settings = Settings()
    app = create_app(settings)

    @app.post("/bench/bare", include_in_schema=False)
    async def bare() -> JSONResponse:
        return JSONResponse({"ok": True})

    return app


def seed(url: str, techs: int) -> list[tuple[int, str]]:
    """Company, technicians and a technician login token for each."""
    from crewboard.auth.actions import do_create_api_token, do_create_user
    from crewboard.auth.actor import SYSTEM, Role
    from crewboard.company.actions import do_update_company
    from crewboard.db import make_engine, make_session_factory, session_scope, upgrade
    from crewboard.technicians.actions import do_create_technician

    upgrade(url)
    factory = make_session_factory(make_engine(url))
    out = []
    with session_scope(factory) as s:
        do_update_company(s, SYSTEM, version=None,
                          values={"name": "Bench Service", "timezone": "America/Chicago"})
        for i in range(techs):
            tech = do_create_technician(s, SYSTEM, name=f"Tech {i}", skills=[], shifts=None,
                                        home_lat=41.8 + i * 0.001, home_lon=-87.6)
            user = do_create_user(s, SYSTEM, email=f"tech{i}@bench.invalid", name=f"Tech {i}",
                                  role=Role.technician, technician_id=tech.id)
            out.append((tech.id, do_create_api_token(s, SYSTEM, user, "bench").token))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def phase(base: str, path_for: Any, body_for: Any, headers_for: Any, count: int,
                seconds: float, concurrency: int) -> dict[str, Any]:
    """Send up to ``count`` requests within ``seconds``; rate and latency of the 2xx."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    errors: dict[int, int] = {}
    issued = 0
    deadline = time.perf_counter() + seconds

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def worker() -> None:
            nonlocal issued
            while issued < count and time.perf_counter() < deadline:
                n = issued
                issued += 1
                t0 = time.perf_counter()
                reply = await client.post(path_for(n), json=body_for(n), headers=headers_for(n))
                if 200 <= reply.status_code < 300:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[reply.status_code] = errors.get(reply.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2)

    return {"ok": len(latencies), "errors": errors, "seconds": round(elapsed, 3),
            "per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": pct(0.50) if latencies else None,
            "p99_ms": pct(0.99) if latencies else None,
            "mean_ms": round(1000 * statistics.fmean(latencies), 2) if latencies else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pings", type=int, default=3000, help="requests per phase (upper bound)")
    ap.add_argument("--seconds", type=float, default=20.0, help="time budget per phase")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    ap.add_argument("--techs", type=int, default=50, help="technicians sending pings")
    ap.add_argument("--background", choices=["on", "off"], default="on",
                    help="run the server's ETA watcher (as crewboard serve does)")
    ap.add_argument("--db", help="database URL (default: a temp SQLite file)")
    ap.add_argument("--out", type=Path, default=HERE / "results",
                    help="directory for the JSON result")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        techs = seed(url, args.techs)
        port = free_port()
        env = {**os.environ, "CREWBOARD_DATABASE_URL": url,
               "CREWBOARD_UPLOAD_DIR": f"{tmp}/uploads",
               "CREWBOARD_BACKGROUND": "true" if args.background == "on" else "false",
               "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.location_ingest:make_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            import httpx

            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit("server did not start")
            run_id = uuid.uuid4().hex[:8]

            def ping_path(n: int) -> str:
                return f"/api/v1/technicians/{techs[n % len(techs)][0]}/location"

            def ping_body(n: int) -> dict[str, Any]:
                step = n // len(techs)
                return {"lat": 41.8 + (n % len(techs)) * 0.001 + step * 1e-4,
                        "lon": -87.6 - step * 1e-4, "accuracy_m": 8.0,
                        "at": datetime.now(UTC).isoformat()}

            def ping_headers(n: int) -> dict[str, str]:
                return {"Authorization": f"Bearer {techs[n % len(techs)][1]}",
                        "Idempotency-Key": f"bench-{run_id}-{n}"}

            def bare_headers(n: int) -> dict[str, str]:
                return {"Authorization": f"Bearer {techs[n % len(techs)][1]}"}

            warm = asyncio.run(phase(base, lambda n: "/bench/bare", ping_body, bare_headers,
                                     200, 5, args.concurrency))
            asyncio.run(phase(base, ping_path, ping_body,
                              lambda n: {**ping_headers(n), "Idempotency-Key": f"warm-{n}"},
                              200, 5, args.concurrency))
            bare = asyncio.run(phase(base, lambda n: "/bench/bare", ping_body, bare_headers,
                                     args.pings, args.seconds, args.concurrency))
            pings = asyncio.run(phase(base, ping_path, ping_body, ping_headers, args.pings,
                                      args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=20)

        stored = check(url, run_id)
    result = {
        "benchmark": "location_ingest", "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "database": "sqlite" if url.startswith("sqlite") else url.split(":")[0],
        "background": args.background, "technicians": args.techs,
        "concurrency": args.concurrency, "bounded_by": {"pings": args.pings,
                                                        "seconds": args.seconds},
        "bare": bare, "location": pings, "warmup_bare": warm,
        "ratio": round(pings["per_second"] / bare["per_second"], 3) if bare["per_second"] else None,
        "stored": stored,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"location_ingest_{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"bare endpoint    {bare['per_second']:8.1f} req/s  p50 {bare['p50_ms']} ms  "
          f"p99 {bare['p99_ms']} ms")
    print(f"location pings   {pings['per_second']:8.1f} req/s  p50 {pings['p50_ms']} ms  "
          f"p99 {pings['p99_ms']} ms  errors {pings['errors']}")
    print(f"ratio            {result['ratio']}   stored pings {stored['pings']} "
          f"(= accepted {pings['ok']}: {stored['pings'] == pings['ok']}), latest positions "
          f"set for {stored['technicians_with_position']} technicians")
    print(f"written to {path.relative_to(ROOT)}")


def check(url: str, run_id: str) -> dict[str, int]:
    """Every accepted ping is stored once; latest positions are set."""
    from sqlalchemy import func, select

    from crewboard.api.idempotency import IdempotencyKey
    from crewboard.db import make_engine, make_session_factory
    from crewboard.technicians.models import LocationPing, Technician

    factory = make_session_factory(make_engine(url))
    with factory() as s:
        keys = s.scalar(select(func.count()).select_from(IdempotencyKey)
                        .where(IdempotencyKey.key.like(f"bench-{run_id}-%"))) or 0
        with_position = s.scalar(select(func.count()).select_from(Technician)
                                 .where(Technician.last_seen_at.is_not(None))) or 0
        warm = s.scalar(select(func.count()).select_from(IdempotencyKey)
                        .where(IdempotencyKey.key.like("warm-%"))) or 0
        total = s.scalar(select(func.count()).select_from(LocationPing)) or 0
    return {"pings": total - warm, "idempotency_keys": keys,
            "technicians_with_position": with_position}


if __name__ == "__main__":
    main()
