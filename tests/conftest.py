"""Shared fixtures: every database test runs on SQLite and, when
CREWBOARD_TEST_POSTGRES_URL is set, again on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from crewboard.api.app import create_app
from crewboard.auth.actions import do_create_api_token, do_create_user
from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.config import Settings
from crewboard.db import Base, make_engine, make_session_factory, session_scope, upgrade
from crewboard.models import load_all

load_all()
POSTGRES_URL = os.environ.get("CREWBOARD_TEST_POSTGRES_URL")
HARD_TEST_TIMEOUT_S = 900
"""Past this a test's process prints every thread's stack and exits.

pytest-timeout (600 s, pyproject.toml) fails a hanging test and goes on, but
it needs the GIL; native code that keeps the GIL while stuck (pyvroom holds
it for a whole solve) would stall the run until CI's limit. faulthandler's
watchdog is a C thread, so it fires even then."""


@pytest.fixture(autouse=True)
def _hard_timeout() -> Iterator[None]:
    import faulthandler

    faulthandler.dump_traceback_later(HARD_TEST_TIMEOUT_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@dataclass
class TestDB:
    backend: str
    url: str
    engine: Engine
    factory: sessionmaker[Session]

    def session(self) -> Session:
        return self.factory()

    def scope(self):  # type: ignore[no-untyped-def]
        return session_scope(self.factory)


def _postgres_database() -> tuple[str, Callable[[], None]]:
    """A fresh database for this test run, dropped afterwards."""
    assert POSTGRES_URL
    name = f"crewboard_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(scope="session")
def _engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TestDB]]:
    """One migrated database per backend for the whole run (migrations tested here)."""
    dbs: dict[str, TestDB] = {}
    cleanups: list[Callable[[], None]] = []
    for backend in BACKENDS:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        else:
            url, drop = _postgres_database()
            cleanups.append(drop)
        upgrade(url)
        engine = make_engine(url)
        dbs[backend] = TestDB(backend, url, engine, make_session_factory(engine))
    yield dbs
    for tdb in dbs.values():
        tdb.engine.dispose()
    for cleanup in cleanups:
        cleanup()


def _wipe(tdb: TestDB) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with tdb.engine.begin() as conn:
        if tdb.backend == "postgres":
            # DELETE is several times cheaper than TRUNCATE on tiny tables (no new files to
            # fsync); restarting the sequences keeps ids from 1 as RESTART IDENTITY did
            conn.exec_driver_sql("; ".join(f"DELETE FROM {name}" for name in tables))
            conn.exec_driver_sql("SELECT setval(c.oid, 1, false) FROM pg_class c "
                                 "WHERE c.relkind = 'S'")
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, _engines: dict[str, TestDB]) -> Iterator[TestDB]:
    tdb = _engines[request.param]
    _wipe(tdb)
    yield tdb


@pytest.fixture
def app(db: TestDB, tmp_path: Any):  # type: ignore[no-untyped-def]
    settings = Settings(database_url=db.url, upload_dir=tmp_path / "uploads", background=False)
    return create_app(settings, session_factory=db.factory)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


# ------------------------------------------------------------------ data builders

TZ = "America/Chicago"
DAY = date(2030, 6, 4)  # a Tuesday


def at(hhmm: str, day: date = DAY) -> datetime:
    """Company-local wall-clock time on the test day, as aware UTC."""
    from zoneinfo import ZoneInfo

    from crewboard.company.clock import local_at

    return local_at(ZoneInfo(TZ), day, hhmm)


class World:
    """Builds records through the real do_* actions, committing like an edge does."""

    def __init__(self, tdb: TestDB, client: TestClient | None = None) -> None:
        self.db = tdb
        self.client = client
        with tdb.scope() as s:
            from crewboard.company.actions import do_update_company

            do_update_company(s, SYSTEM, version=None,
                              values={"name": "Acme Service", "timezone": TZ})

    def run(self, fn: Callable[[Session], Any]) -> Any:
        with self.db.scope() as s:
            return fn(s)

    def skill(self, name: str, max_level: int = 3) -> int:
        from crewboard.technicians.actions import do_create_skill

        return self.run(lambda s: do_create_skill(s, SYSTEM, name=name, max_level=max_level).id)

    def tech(self, name: str, skills: dict[str, int] | None = None, **kw: Any) -> int:
        from crewboard.technicians.actions import do_create_technician

        values = {"home_lat": 41.88, "home_lon": -87.63, **kw}
        shifts = values.pop("shifts", [{"weekday": d, "start": "08:00", "end": "17:00"}
                                       for d in range(5)])
        return self.run(lambda s: do_create_technician(
            s, SYSTEM, name=name, skills=[{"name": k, "level": v}
                                          for k, v in (skills or {}).items()],
            shifts=shifts, **values).id)

    def customer(self, name: str = "Pat Doe", lat: float = 41.9, lon: float = -87.65) -> int:
        from crewboard.customers.actions import do_create_customer

        return self.run(lambda s: do_create_customer(
            s, SYSTEM, name=name, phone="+13125550100", email="pat@example.com",
            locations=[{"address": "1 Main St, Chicago", "lat": lat, "lon": lon}]).id)

    def job_type(self, name: str = "repair", **kw: Any) -> int:
        from crewboard.jobs.models import JobType

        def make(s: Session) -> int:
            jt = JobType(name=name, **kw)
            s.add(jt)
            s.flush()
            return jt.id

        return self.run(make)

    def job(self, customer_id: int | None = None, *, windows: list[tuple[str, str]] | None = None,
            skills: dict[str, int] | None = None, duration: int = 60, **kw: Any) -> int:
        from crewboard.jobs.actions import do_create_job

        cid = customer_id or self.customer()
        wins = [(at(a), at(b)) for a, b in (windows if windows is not None
                                            else [("08:00", "12:00")])]
        return self.run(lambda s: do_create_job(s, SYSTEM, customer_id=cid, windows=wins,
                                                required_skills=skills or {},
                                                duration_min=duration, **kw).id)

    def user(self, role: Role, technician_id: int | None = None,
             email: str | None = None, password: str = "correct horse") -> tuple[int, str]:
        """A user of ``role`` and an API token for them."""

        address = email or f"{role.value}{uuid.uuid4().hex[:6]}@x.io"

        def make(s: Session) -> tuple[int, str]:
            user = do_create_user(s, SYSTEM, email=address,
                                  name=f"{role.value.title()} User", role=role,
                                  password=password, technician_id=technician_id)
            return user.id, do_create_api_token(s, SYSTEM, user, "test").token

        return self.run(make)

    def api(self, role: Role, technician_id: int | None = None) -> ApiClient:
        assert self.client is not None
        _uid, token = self.user(role, technician_id)
        return ApiClient(self.client, token)


class ApiClient:
    """The test client with one user's bearer token on every call under /api/v1."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Callable[..., Any]:
        def call(path: str, **kw: Any) -> Any:
            headers = {**self.headers, **kw.pop("headers", {})}
            return self.client.request(method.upper(), f"/api/v1{path}", headers=headers, **kw)

        return call


@pytest.fixture
def world(db: TestDB, client: TestClient) -> World:
    return World(db, client)


def actor_for_tech(technician_id: int) -> Actor:
    return Actor(user_id=None, role=Role.technician, name="tech", technician_id=technician_id)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat()


def later(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


class LiveServer:
    """The app served by a real uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: Any) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
