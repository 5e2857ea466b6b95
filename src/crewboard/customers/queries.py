"""Reading customers, with the access rule: office roles only."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.errors import NotFound


def _office(actor: Actor) -> bool:
    return actor.role is not Role.technician


def access_customer(session: Session, actor: Actor, customer_id: int) -> Customer:
    """Fetch a customer the actor may see; technicians see customers through their jobs."""
    customer = session.get(Customer, customer_id)
    if customer is None or not _office(actor):
        raise NotFound("Customer", customer_id)
    return customer


def access_location(session: Session, actor: Actor, customer: Customer,
                    location_id: int) -> ServiceLocation:
    location = session.get(ServiceLocation, location_id)
    if location is None or location.customer_id != customer.id:
        raise NotFound("Service location", location_id)
    return location


def customers_query(actor: Actor, *, q: str | None = None,
                    include_archived: bool = False) -> Select[tuple[Customer]]:
    stmt = select(Customer).order_by(Customer.name, Customer.id)
    if not _office(actor):
        return stmt.where(False)
    if not include_archived:
        stmt = stmt.where(Customer.archived.is_(False))
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(
            func.lower(Customer.name).like(like), func.lower(Customer.email).like(like),
            Customer.phone.like(like),
            Customer.id.in_(select(ServiceLocation.customer_id)
                            .where(func.lower(ServiceLocation.address).like(like)))))
    return stmt
