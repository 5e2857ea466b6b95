"""The application factory: routers under /api/v1, error handlers, health check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from crewboard import __version__
from crewboard.api.errors import install_error_handlers
from crewboard.config import Settings
from crewboard.db import make_engine, make_session_factory, upgrade

API = "/api/v1"


def background_services(app: FastAPI) -> list[Any]:
    """Services started with the server (each has start() and stop()).

    The Redis bridge runs in every process so all boards see all changes;
    background work (live ETAs, the closed loop, reading today's board at
    start) only where ``background`` is on.
    """
    from crewboard.events.bus import bus

    settings = app.state.settings
    services: list[Any] = []
    if settings.redis_url:
        from crewboard.events.redis_bridge import RedisBridge

        services.append(RedisBridge(settings.redis_url, bus))
    if settings.background:
        from crewboard.planning.warmup import BoardWarmup
        from crewboard.planning.watcher import EtaWatcher

        services.append(EtaWatcher(app.state.session_factory, bus))
        services.append(BoardWarmup(app.state.session_factory))
    return services


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    from crewboard.planning.engine import SolverWorkers

    services = [SolverWorkers(app.state.settings.solver_processes), *background_services(app)]
    for service in services:
        service.start()
    app.state.services = services
    try:
        yield
    finally:
        for service in reversed(services):
            service.stop()


def create_app(settings: Settings | None = None, *,
               session_factory: sessionmaker[Session] | None = None,
               migrate: bool = True) -> FastAPI:
    """Build the app; it upgrades its own schema unless told the caller did."""
    settings = settings or Settings()
    if session_factory is None:
        if migrate:
            upgrade(settings.database_url)
        session_factory = make_session_factory(make_engine(settings.database_url))
    app = FastAPI(title="crewboard", version=__version__, lifespan=lifespan,
                  description="Dispatch for field-service businesses.")
    app.state.settings = settings
    app.state.session_factory = session_factory
    install_error_handlers(app)

    from crewboard.auth.api import router as auth_router
    from crewboard.company.api import router as company_router
    from crewboard.customers.api import router as customers_router
    from crewboard.events.stream import router as events_router
    from crewboard.imports.api import router as imports_router
    from crewboard.jobs.api import router as jobs_router
    from crewboard.planning.api import router as planning_router
    from crewboard.technicians.api import router as technicians_router

    for router in (auth_router, company_router, customers_router, technicians_router,
                   jobs_router, events_router, planning_router, imports_router):
        app.include_router(router, prefix=API)

    from fastapi.staticfiles import StaticFiles

    from crewboard.web.pages import STATIC
    from crewboard.web.pages import router as pages_router

    app.include_router(pages_router)
    from importlib import import_module

    app.include_router(import_module("crewboard.web.board").router)
    app.include_router(import_module("crewboard.attachments.api").router, prefix=API)
    app.include_router(import_module("crewboard.tracking.api").router, prefix=API)
    app.include_router(import_module("crewboard.tracking.api").public)
    app.include_router(import_module("crewboard.calendar.api").router, prefix=API)
    app.include_router(import_module("crewboard.calendar.api").public)
    app.include_router(import_module("crewboard.web.tech").router)
    app.include_router(import_module("crewboard.web.tech").api_router, prefix=API)
    app.include_router(import_module("crewboard.web.track").router)
    import_module("crewboard.notifications.api").install(app, API)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        """200 when the database answers, 503 when it does not."""
        try:
            with request.app.state.session_factory() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any driver error means "not healthy"
            return JSONResponse({"status": "error", "database": str(exc)[:200]},
                                status_code=503)
        return JSONResponse({"status": "ok", "version": __version__})

    return app
