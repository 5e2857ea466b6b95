"""Idempotency keys: a phone's replayed offline queue applies each action once."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.errors import ValidationFailed
from crewboard.jobs.models import IdempotencyKey

HEADER = "Idempotency-Key"


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not 8 <= len(key) <= 100:
        raise ValidationFailed("bad_idempotency_key",
                               f"{HEADER} must be 8 to 100 characters.", field=HEADER)
    return key


def replayed(session: Session, actor: Actor, key: str | None) -> JSONResponse | None:
    """The stored answer when this key was applied before by the same user."""
    if key is None:
        return None
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))
    if row is None:
        return None
    if row.user_id != actor.user_id:
        raise ValidationFailed("bad_idempotency_key", f"{HEADER} was already used.",
                               field=HEADER)
    return JSONResponse(row.response, status_code=row.status_code,
                        headers={"Idempotent-Replayed": "true"})


def remember(session: Session, actor: Actor, key: str | None, body: Any,
             status: int = 200) -> None:
    if key is not None:
        session.add(IdempotencyKey(key=key, user_id=actor.user_id, status_code=status,
                                   response=body))
        session.flush()
