"""Customer rows: one service location per row; rows naming the same customer add locations."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.customers.actions import do_add_location, do_create_customer
from crewboard.customers.models import Customer
from crewboard.customers.schemas import CustomerCreate
from crewboard.errors import ValidationFailed
from crewboard.imports.headers import Row
from crewboard.imports.rows import RowImporter, pick, same_contact

CUSTOMER_FIELDS = ("name", "phone", "email", "consent_sms", "consent_email", "notes")
LOCATION_FIELDS = ("label", "address", "lat", "lon", "access_notes")


def find_customer(session: Session, name: str, phone: str | None, email: str | None,
                  field: str = "name") -> Customer | None:
    """The one live customer with this name whose phone or e-mail agrees (if given)."""
    named = session.scalars(select(Customer).where(
        func.lower(Customer.name) == name.strip().lower(), Customer.archived.is_(False))
        .order_by(Customer.id)).all()
    found = [c for c in named if same_contact(phone, email, c.phone, c.email)]
    if len(found) > 1:
        raise ValidationFailed("ambiguous_customer",
                               f"{len(found)} customers are named '{name}'; add a phone number "
                               "or e-mail that tells them apart.", field=field)
    return found[0] if found else None


def same_address(a: str, b: str) -> bool:
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


class CustomerRows(RowImporter):
    fields_by_loc = {"locations": "address", "locations.lat": "lat", "locations.lon": "lon",
                     "locations.address": "address", "locations.label": "label",
                     "locations.access_notes": "access_notes"}

    def import_row(self, row: Row) -> str:
        location = pick(row, *LOCATION_FIELDS)
        body = CustomerCreate.model_validate(
            {**pick(row, *CUSTOMER_FIELDS), "locations": [location] if location else []})
        customer = find_customer(self.session, body.name, body.phone, body.email)
        if customer is None:
            do_create_customer(self.session, self.actor, **body.model_dump())
            return "customers_created"
        if not body.locations:
            return "unchanged"
        new = body.locations[0]
        if any(same_address(loc.address, new.address)
               for loc in customer.locations if not loc.archived):
            return "unchanged"
        do_add_location(self.session, self.actor, customer, new.model_dump())
        return "locations_added"
