"""Routes: customers and their service locations."""

from __future__ import annotations

from fastapi import APIRouter

from crewboard.api.deps import DB, Dispatcher, Office
from crewboard.api.errors import register_reader
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.customers import actions
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.customers.queries import access_customer, access_location, customers_query
from crewboard.customers.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    LocationIn,
    LocationRead,
    LocationUpdate,
)

router = APIRouter(tags=["customers"])
register_reader(Customer, CustomerRead.model_validate)


@router.get("/customers")
def list_customers(session: DB, actor: Office, q: str | None = None,
                   include_archived: bool = False, limit: Limit = 50,
                   offset: Offset = 0) -> dict:
    stmt = customers_query(actor, q=q, include_archived=include_archived)
    return paginate(session, stmt, limit, offset, CustomerRead.model_validate)


@router.post("/customers", response_model=CustomerRead, status_code=201)
def create_customer(body: CustomerCreate, session: DB, actor: Dispatcher) -> Customer:
    return actions.do_create_customer(session, actor, **body.model_dump())


@router.get("/customers/{customer_id}", response_model=CustomerRead)
def read_customer(customer_id: int, session: DB, actor: Office) -> Customer:
    return access_customer(session, actor, customer_id)


@router.patch("/customers/{customer_id}", response_model=CustomerRead)
def update_customer(customer_id: int, body: CustomerUpdate, session: DB,
                    actor: Dispatcher) -> Customer:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    customer = access_customer(session, actor, customer_id)
    return actions.do_update_customer(session, actor, customer, version=version, values=values)


@router.delete("/customers/{customer_id}", status_code=204)
def archive_customer(customer_id: int, session: DB, actor: Dispatcher) -> None:
    actions.do_archive_customer(session, actor, access_customer(session, actor, customer_id))


@router.post("/customers/{customer_id}/locations", response_model=LocationRead,
             status_code=201)
def add_location(customer_id: int, body: LocationIn, session: DB,
                 actor: Dispatcher) -> ServiceLocation:
    customer = access_customer(session, actor, customer_id)
    return actions.do_add_location(session, actor, customer, body.model_dump())


@router.patch("/customers/{customer_id}/locations/{location_id}", response_model=LocationRead)
def update_location(customer_id: int, location_id: int, body: LocationUpdate, session: DB,
                    actor: Dispatcher) -> ServiceLocation:
    customer = access_customer(session, actor, customer_id)
    location = access_location(session, actor, customer, location_id)
    return actions.do_update_location(session, actor, location,
                                      body.model_dump(exclude_unset=True))


@router.delete("/customers/{customer_id}/locations/{location_id}", status_code=204)
def archive_location(customer_id: int, location_id: int, session: DB,
                     actor: Dispatcher) -> None:
    customer = access_customer(session, actor, customer_id)
    actions.do_archive_location(session, actor, access_location(session, actor, customer,
                                                                location_id))
