"""Addresses we message: normalization, unsubscribe tokens and opt-outs per channel.

An opt-out is kept per address (a STOP from a number, an unsubscribe click for
an address) and also clears the matching customers' consent flag, so both the
customer record and any job contact using that address stop receiving.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.customers.actions import do_update_customer
from crewboard.customers.models import Customer
from crewboard.db import utcnow
from crewboard.notifications.kinds import Channel
from crewboard.notifications.models import Recipient

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
START_WORDS = {"START", "YES", "UNSTOP", "OPTIN"}


def normalize(channel: Channel | str, address: str) -> str:
    address = address.strip()
    if channel == Channel.email:
        return address.lower()
    digits = "".join(ch for ch in address if ch.isdigit())
    return ("+" + digits) if address.startswith("+") else digits


def same_phone(a: str | None, b: str | None) -> bool:
    """Equal numbers, allowing one side without its country code (10+ digits kept)."""
    da = "".join(ch for ch in a or "" if ch.isdigit())
    db = "".join(ch for ch in b or "" if ch.isdigit())
    if not da or not db:
        return False
    short, long_ = sorted((da, db), key=len)
    return len(short) >= 10 and long_.endswith(short)


def recipient(session: Session, channel: Channel, address: str) -> Recipient:
    """The recipient row for an address, created on first use."""
    norm = normalize(channel, address)
    row = session.scalar(select(Recipient).where(Recipient.channel == channel.value,
                                                 Recipient.address == norm))
    if row is None:
        row = Recipient(channel=channel.value, address=norm, token=secrets.token_urlsafe(24))
        session.add(row)
    return row


def find_phone(session: Session, number: str) -> list[Recipient]:
    rows = session.scalars(select(Recipient).where(Recipient.channel == Channel.sms.value))
    return [r for r in rows if same_phone(r.address, number)]


def _customers_with(session: Session, channel: Channel, address: str) -> list[Customer]:
    if channel is Channel.email:
        norm = normalize(channel, address)
        return [c for c in session.scalars(select(Customer).where(Customer.email.is_not(None)))
                if normalize(channel, c.email or "") == norm]
    return [c for c in session.scalars(select(Customer).where(Customer.phone.is_not(None)))
            if same_phone(c.phone, address)]


def do_opt_out(session: Session, actor: Actor, channel: Channel, address: str,
               via: str) -> Recipient:
    """Stop messaging ``address`` on ``channel`` (STOP reply, unsubscribe link)."""
    row = recipient(session, channel, address)
    if row.opted_out_at is None:
        row.opted_out_at, row.opted_out_via = utcnow(), via
    field = "consent_sms" if channel is Channel.sms else "consent_email"
    for customer in _customers_with(session, channel, address):
        if getattr(customer, field):
            do_update_customer(session, actor, customer, version=None, values={field: False})
    session.flush()
    return row


def do_opt_in(session: Session, actor: Actor, channel: Channel, address: str,
              via: str) -> Recipient:
    """Undo an opt-out (a START reply); the customers' consent comes back too."""
    row = recipient(session, channel, address)
    was_out = row.opted_out_at is not None
    row.opted_out_at, row.opted_out_via = None, None
    if was_out:
        field = "consent_sms" if channel is Channel.sms else "consent_email"
        for customer in _customers_with(session, channel, address):
            if not getattr(customer, field):
                do_update_customer(session, actor, customer, version=None,
                                   values={field: True})
    session.flush()
    return row
