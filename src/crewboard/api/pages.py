"""Pagination shared by every list route."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, description="rows to skip")]


def paginate(session: Session, stmt: Select[Any], limit: int, offset: int,
             read: Callable[[Any], T]) -> dict[str, Any]:
    """One page of ``stmt`` plus the total count, each row passed through ``read``."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.limit(limit).offset(offset)).unique().all()
    return {"items": [read(r) for r in rows], "total": total or 0, "limit": limit,
            "offset": offset}
