"""One row: the company whose day this database plans."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from crewboard.db import Base


class Company(Base):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    day_start: Mapped[str] = mapped_column(String(5), default="08:00")
    day_end: Mapped[str] = mapped_column(String(5), default="17:00")
    working_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    delay_threshold_min: Mapped[int] = mapped_column(default=15)
    """A predicted start moving by this much is a real change (board, customer)."""
    auto_repair: Mapped[bool] = mapped_column(default=False)
    """Apply the best repair of a late plan without asking (never moves pinned or
    customer-confirmed jobs)."""
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
