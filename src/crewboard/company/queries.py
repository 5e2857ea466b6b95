"""Reading the company row (there is exactly one once set up)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crewboard.company.models import Company


def get_company(session: Session) -> Company:
    """The company; a blank database gets a default row so nothing downstream breaks."""
    company = session.scalar(select(Company).order_by(Company.id).limit(1))
    if company is None:
        try:  # the row has id 1, so two first requests cannot make two companies
            with session.begin_nested():
                session.add(Company(id=1, name="My service company", timezone="UTC"))
        except IntegrityError:
            pass  # the other request made it first
        company = session.scalar(select(Company).order_by(Company.id).limit(1))
        assert company is not None
    return company


def company_tz(session: Session) -> ZoneInfo:
    return ZoneInfo(get_company(session).timezone)
