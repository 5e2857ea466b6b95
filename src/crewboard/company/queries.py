"""Reading the company row (there is exactly one once set up)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crewboard.company.models import Company
from crewboard.db import singleton_row


def get_company(session: Session) -> Company:
    """The company; a blank database gets a default row so nothing downstream breaks."""
    return singleton_row(session, Company,
                         lambda: Company(name="My service company", timezone="UTC"))


def company_tz(session: Session) -> ZoneInfo:
    return ZoneInfo(get_company(session).timezone)
