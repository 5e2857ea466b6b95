"""Does the server keep answering while it optimizes a big day?

Serves the board benchmark's day (200 technicians, 1,600 jobs; built as in
``board_load.py``, or reused with ``--keep``) with real uvicorn, starts
``POST /api/v1/planning/optimize`` for the whole day, and meanwhile times a
cheap request (``GET /healthz``, one database query) every 50 ms from another
thread. Run once with the solve inside the server process
(``CREWBOARD_SOLVER_PROCESSES=0``) and once with solver workers (the default):
the figures are the cheap request's latency while the solve runs.

    .venv/bin/python bench/optimize_responsiveness.py --keep /tmp/board200.db
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from board_load import REPO, build, free_port, pct, reuse, serve  # noqa: E402


def measure(url: str, token: str, day: str, processes: int, limit_s: float) -> dict:
    import httpx2 as httpx

    port = free_port()
    proc = serve(url, port, solver_processes=processes)
    time.sleep(3)  # let the solver workers finish starting
    base = f"http://127.0.0.1:{port}"
    lat: list[float] = []
    done = threading.Event()
    result: dict = {}

    def optimize() -> None:
        with httpx.Client(base_url=base, timeout=600,
                          headers={"Authorization": f"Bearer {token}"}) as c:
            t0 = time.perf_counter()
            r = c.post("/api/v1/planning/optimize", json={"date": day, "time_limit_s": limit_s})
            result.update(status=r.status_code, wall_s=time.perf_counter() - t0,
                          engine=r.json().get("engine"),
                          unassigned=len(r.json().get("unassigned", [])))
        done.set()

    try:
        with httpx.Client(base_url=base, timeout=600) as c:
            for _ in range(5):
                c.get("/healthz")
            idle = []
            for _ in range(40):
                t0 = time.perf_counter()
                c.get("/healthz")
                idle.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.05)
            th = threading.Thread(target=optimize)
            th.start()
            time.sleep(0.5)  # past the request's own loading of the day
            while not done.is_set():
                t0 = time.perf_counter()
                c.get("/healthz")
                lat.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.05)
            th.join()
    finally:
        proc.terminate()
        proc.wait(30)
    return {"solver_processes": processes, "optimize": result,
            "healthz_idle_ms": {"p50": round(pct(idle, 50), 1), "p99": round(pct(idle, 99), 1)},
            "healthz_during_ms": {"n": len(lat), "p50": round(pct(lat, 50), 1),
                                  "p99": round(pct(lat, 99), 1), "max": round(max(lat), 1)}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--keep", metavar="FILE", help="SQLite file to build into or reuse")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--processes", type=int, nargs="+", default=[0, 2])
    args = ap.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep or Path(tmp.name) / "board.db")
    url = f"sqlite:///{path}"
    token, day = reuse(url) if path.exists() else build(url, 200, 1600)
    rows = [measure(url, token, day.isoformat(), n, args.time_limit) for n in args.processes]
    out = {"machine": f"{platform.machine()}, {os.cpu_count()} cores",
           "load": os.getloadavg(), "time_limit_s": args.time_limit, "rows": rows}
    print(json.dumps(out, indent=2))
    results = REPO / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "optimize_responsiveness.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
