"""Every failure becomes JSON with a stable code and a sentence; never a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from crewboard.changes import StaleVersion
from crewboard.errors import DomainError

log = logging.getLogger(__name__)
CURRENT_READERS: dict[type, Callable[[Any], Any]] = {}
"""Per model class, how to show the current record in a 409 (registered by each api module)."""


def register_reader(model: type, reader: Callable[[Any], Any]) -> None:
    CURRENT_READERS[model] = reader


def read_current(obj: Any) -> dict[str, Any] | None:
    """The API shape of ``obj`` for a stale-version answer (while it is still loaded)."""
    reader = CURRENT_READERS.get(type(obj))
    return None if reader is None else reader(obj).model_dump(mode="json")


def _json(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}},
                        status_code=status)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        body = exc.to_dict()
        if isinstance(exc, StaleVersion):
            current = exc.current if exc.current is not None else read_current(exc.obj)
            if current is not None:
                body["error"]["current"] = current
        return JSONResponse(body, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_name(tuple(e.get("loc", ()))), "message": e.get("msg", "")}
                  for e in exc.errors()]
        first = errors[0] if errors else {"field": "body", "message": "invalid input"}
        return _json(422, "invalid_input", f"{first['field']}: {first['message']}",
                     field=first["field"], errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}.get(
            exc.status_code, "http_error")
        return _json(exc.status_code, code, str(exc.detail))

    @app.exception_handler(StaleDataError)
    async def stale(_request: Request, _exc: StaleDataError) -> JSONResponse:
        return _json(409, "stale_version", "Someone else changed this record at the same "
                     "moment; reload it and try again.")

    @app.exception_handler(OverflowError)  # SQLite: an integer wider than 64 bits
    @app.exception_handler(DataError)  # PostgreSQL: a value outside its column's range
    async def out_of_range(_request: Request, exc: Exception) -> JSONResponse:
        log.info("value out of range: %s", exc)
        return _json(422, "invalid_input", "A number in the request is out of range.")

    @app.exception_handler(IntegrityError)
    async def integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error: %s", exc.orig)
        return _json(409, "conflict", "This change conflicts with existing data (a duplicate "
                     "or a record that is still referenced).")

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _json(500, "internal_error", "Something went wrong on the server; it has been "
                     "logged.")
