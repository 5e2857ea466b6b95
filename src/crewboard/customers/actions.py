"""Creating and editing customers and their service locations."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.events.actions import record_event
from crewboard.geo import check_coordinates


def do_create_customer(session: Session, actor: Actor, *, locations: list[dict[str, Any]],
                       **values: Any) -> Customer:
    customer = Customer(**values)
    for loc in locations:
        check_coordinates(loc.get("lat"), loc.get("lon"), "locations")
        customer.locations.append(ServiceLocation(**loc))
    session.add(customer)
    session.flush()
    record_event(session, actor, "customer.created", "customer", customer.id,
                 data={"name": customer.name, "locations": len(locations)})
    return customer


def do_update_customer(session: Session, actor: Actor, customer: Customer, *,
                       version: int | None, values: dict[str, Any]) -> Customer:
    check_version(customer, version, f"Customer {customer.name}")
    changed = apply_changes(customer, values)
    session.flush()
    record_event(session, actor, "customer.updated", "customer", customer.id,
                 data={"changed": changed})
    return customer


def do_archive_customer(session: Session, actor: Actor, customer: Customer) -> None:
    """Customers are archived, not deleted: their jobs and history stay readable."""
    customer.archived = True
    session.flush()
    record_event(session, actor, "customer.archived", "customer", customer.id)


def do_add_location(session: Session, actor: Actor, customer: Customer,
                    values: dict[str, Any]) -> ServiceLocation:
    check_coordinates(values.get("lat"), values.get("lon"))
    location = ServiceLocation(customer_id=customer.id, **values)
    session.add(location)
    session.flush()
    session.refresh(customer, ["locations"])
    record_event(session, actor, "customer.location_added", "customer", customer.id,
                 data={"location_id": location.id, "address": location.address})
    return location


def do_update_location(session: Session, actor: Actor, location: ServiceLocation,
                       values: dict[str, Any]) -> ServiceLocation:
    check_coordinates(values.get("lat", location.lat), values.get("lon", location.lon))
    changed = apply_changes(location, values)
    session.flush()
    record_event(session, actor, "customer.location_updated", "customer",
                 location.customer_id, data={"location_id": location.id, "changed": changed})
    return location


def do_archive_location(session: Session, actor: Actor, location: ServiceLocation) -> None:
    location.archived = True
    session.flush()
    record_event(session, actor, "customer.location_archived", "customer",
                 location.customer_id, data={"location_id": location.id})
