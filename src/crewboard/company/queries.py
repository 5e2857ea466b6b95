"""Reading the company row (there is exactly one once set up)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.company.models import Company


def get_company(session: Session) -> Company:
    """The company; a blank database gets a default row so nothing downstream breaks."""
    company = session.scalar(select(Company).order_by(Company.id).limit(1))
    if company is None:
        company = Company(name="My service company", timezone="UTC")
        session.add(company)
        session.flush()
    return company


def company_tz(session: Session) -> ZoneInfo:
    return ZoneInfo(get_company(session).timezone)
