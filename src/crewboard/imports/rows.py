"""What every row importer shares: the session, the actor, the columns and warnings."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.imports.headers import Columns, Row
from crewboard.imports.report import Notice


class RowImporter:
    """Turns one row into schema-validated input for a ``do_*`` action and runs it.

    ``import_row`` returns what happened (a key of the report's counts) and
    raises ``DomainError`` or pydantic's ``ValidationError`` for a bad row.
    """

    fields_by_loc: dict[str, str] = {}
    """First part of a pydantic ``loc`` or a domain error's field -> our column field."""

    def __init__(self, session: Session, actor: Actor, columns: Columns) -> None:
        self.session, self.actor, self.columns = session, actor, columns
        self.warnings: list[Notice] = []

    def import_row(self, row: Row) -> str:
        raise NotImplementedError

    def field_for(self, loc: tuple[Any, ...] | str | None) -> str | None:
        """Our field for a schema ``loc`` (``("locations", 0, "lat")``) or ``"home.lat"``."""
        if loc is None:
            return None
        parts = [str(p) for p in (loc.split(".") if isinstance(loc, str) else loc)]
        if not parts:
            return None
        names = [p for p in parts if not p.isdigit()]
        matches = [prefix for dotted in (".".join(parts), ".".join(names))
                   for prefix in self.fields_by_loc
                   if dotted == prefix or dotted.startswith(prefix + ".")]
        if matches:
            return self.fields_by_loc[max(matches, key=len)]
        return names[-1] if names else parts[0]

    def warn(self, row: Row, message: str, code: str, field: str | None = None) -> None:
        self.warnings.append(Notice(row.number, message, code, field,
                                    self.columns.column(field)))


def pick(row: Row, *names: str) -> dict[str, Any]:
    """The non-blank cells among ``names``, as text, for a schema to validate."""
    return {n: row.text(n) for n in names if row.get(n) is not None}


def digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


def same_phone(a: str | None, b: str | None) -> bool:
    """Equal digits, allowing one side to carry a country code the other omits."""
    da, db = digits(a), digits(b)
    if not da or not db:
        return False
    short, long_ = sorted((da, db), key=len)
    return len(short) >= 7 and long_.endswith(short)


def same_contact(phone: str | None, email: str | None, other_phone: str | None,
                 other_email: str | None) -> bool:
    """A row names the same person as a record when a phone or an e-mail agrees."""
    if not (phone or email):
        return True
    if email and other_email and email.strip().lower() == other_email.strip().lower():
        return True
    return same_phone(phone, other_phone)
