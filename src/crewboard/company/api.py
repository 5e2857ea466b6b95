"""Routes: company settings (everyone signed in reads, admin edits)."""

from __future__ import annotations

from fastapi import APIRouter

from crewboard.api.deps import DB, Admin, CurrentActor
from crewboard.api.errors import register_reader
from crewboard.company.actions import do_update_company
from crewboard.company.models import Company
from crewboard.company.queries import get_company
from crewboard.company.schemas import CompanyRead, CompanyUpdate

router = APIRouter(tags=["company"])
register_reader(Company, CompanyRead.model_validate)


@router.get("/company", response_model=CompanyRead)
def read_company(session: DB, actor: CurrentActor) -> Company:
    return get_company(session)


@router.patch("/company", response_model=CompanyRead)
def update_company(body: CompanyUpdate, session: DB, actor: Admin) -> Company:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    return do_update_company(session, actor, version=version, values=values)
