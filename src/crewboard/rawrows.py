"""Columns read as the database driver returns them, converted only when new.

The board re-reads a whole day (1,600 jobs and more) after every change, and
almost every row is as it was: SQLAlchemy's per-value result processing (text
to datetime, JSON text to lists, strings to enums) was a third of that load.
Selected without their types, columns come back as the driver's raw values,
cheap and hashable; a row's raw values decide what it converts to, so a
:class:`Memo` keyed by them hands back the row built last time, never a stale
one: any change to a value is a new key. Nothing is assumed about who wrote
the database or when.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Executable, type_coerce
from sqlalchemy.engine import Dialect, Row
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, Float, NullType, Numeric

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _frozen(value: Any) -> Any:
    """A JSON value the driver decoded (PostgreSQL does), as a hashable one."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


class RawColumns:
    """``columns`` selected raw (``selected``), with what turns them into typed values.

    Float and Numeric columns stay typed: their processors depend on the
    driver's column type, and they cost nothing for floats anyway.
    """

    def __init__(self, columns: Sequence[ColumnElement[Any]], prefix: str) -> None:
        self.columns = tuple(columns)
        self._raw = [not isinstance(c.type, Numeric | Float) for c in self.columns]
        self.selected = [type_coerce(c, NullType()).label(f"{prefix}{i}") if raw
                         else c.label(f"{prefix}{i}")
                         for i, (c, raw) in enumerate(zip(self.columns, self._raw, strict=True))]
        self._json = [i for i, c in enumerate(self.columns) if isinstance(c.type, JSON)]
        self._processors: dict[tuple[str, str], list[Callable[[Any], Any] | None]] = {}

    def key(self, values: Sequence[Any]) -> tuple[Any, ...]:
        """The raw values as a hashable tuple (JSON the driver decoded, frozen)."""
        out = tuple(values)
        for i in self._json:
            if isinstance(out[i], list | dict):
                return tuple(_frozen(v) if i in self._json else v for i, v in enumerate(out))
        return out

    def convert(self, dialect: Dialect, values: Sequence[Any]) -> list[Any]:
        """The values a select of the typed columns would have given."""
        procs = self._processors.get((dialect.name, dialect.driver))
        if procs is None:
            procs = self._processors[(dialect.name, dialect.driver)] = [
                c.type.dialect_impl(dialect).result_processor(dialect, None) if raw else None
                for c, raw in zip(self.columns, self._raw, strict=True)]
        return [v if p is None or v is None else p(v)
                for p, v in zip(procs, values, strict=True)]


def execute(session: Session, stmt: Executable) -> Sequence[Row[Any]]:
    """``session.execute(stmt).all()`` without the ORM's work on each row (plain Core
    rows), flushing first as it would."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(stmt).all()


def dialect_key(dialect: Dialect) -> tuple[str, str]:
    """Part of every raw key: the same raw value may convert differently elsewhere."""
    return dialect.name, dialect.driver


class Memo(Generic[K, V]):
    """What was built from a key, the ``size`` most recently used kept; thread-safe.

    For values that are a pure function of their key, so sharing them between
    requests can never show anything but what building them again would.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[K]) -> list[V | None]:
        with self._lock:
            items = self._items
            out = [items.get(k) for k in keys]
            for k, v in zip(keys, out, strict=True):
                if v is not None:
                    items.move_to_end(k)
        return out

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
