"""Creating and revoking calendar feed tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.auth.secrets import hash_token, new_token
from crewboard.calendar.models import CalendarFeed
from crewboard.db import utcnow
from crewboard.errors import DomainError
from crewboard.events.actions import record_event
from crewboard.technicians.models import Technician

MAX_FEEDS = 10


@dataclass(frozen=True)
class NewFeed:
    row: CalendarFeed
    token: str


def do_create_feed(session: Session, actor: Actor, tech: Technician) -> NewFeed:
    """A new secret feed URL for the technician; shown once."""
    live = session.scalars(select(CalendarFeed).where(CalendarFeed.technician_id == tech.id,
                                                      CalendarFeed.revoked.is_(False))).all()
    if len(live) >= MAX_FEEDS:
        raise DomainError("too_many_feeds", f"{tech.name} already has {MAX_FEEDS} calendar "
                          "feeds; revoke one first.", status=409)
    token = new_token("cal")
    row = CalendarFeed(technician_id=tech.id, token_hash=hash_token(token), prefix=token[:8],
                       created_by_user_id=actor.user_id)
    session.add(row)
    session.flush()
    record_event(session, actor, "calendar_feed.created", "technician", tech.id,
                 technician_id=tech.id, data={"feed_id": row.id})
    return NewFeed(row, token)


def do_revoke_feed(session: Session, actor: Actor, feed: CalendarFeed) -> None:
    feed.revoked = True
    session.flush()
    record_event(session, actor, "calendar_feed.revoked", "technician", feed.technician_id,
                 technician_id=feed.technician_id, data={"feed_id": feed.id})


def feed_for_token(session: Session, token: str) -> CalendarFeed | None:
    row = session.scalar(select(CalendarFeed).where(
        CalendarFeed.token_hash == hash_token(token)))
    if row is None or row.revoked or not row.technician.active:
        return None
    row.last_used_at = utcnow()
    return row
