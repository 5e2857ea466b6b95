"""Routes: create, list and revoke a technician's feeds; the public .ics itself."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from crewboard.api.deps import DB, CurrentActor
from crewboard.auth.actor import Role
from crewboard.calendar import actions
from crewboard.calendar.ics import calendar
from crewboard.calendar.models import CalendarFeed
from crewboard.db import utcnow
from crewboard.errors import Forbidden, NotFound
from crewboard.jobs.models import Job
from crewboard.technicians.queries import access_technician

router = APIRouter(tags=["calendar"])
public = APIRouter(tags=["calendar"])
PAST_DAYS, FUTURE_DAYS = 14, 90


class FeedRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    technician_id: int
    prefix: str
    created_at: object
    last_used_at: object | None
    revoked: bool


def _check_role(actor: CurrentActor) -> None:
    if actor.role is Role.viewer:
        raise Forbidden()


@router.post("/technicians/{technician_id}/calendar-feeds", status_code=201)
def create_feed(technician_id: int, request: Request, session: DB,
                actor: CurrentActor) -> dict:
    """A new private feed URL (shown once); the technician or the office may create it."""
    _check_role(actor)
    tech = access_technician(session, actor, technician_id)
    new = actions.do_create_feed(session, actor, tech)
    return {**FeedRead.model_validate(new.row).model_dump(mode="json"),
            "token": new.token, "path": f"/calendar/{new.token}.ics",
            "url": str(request.base_url).rstrip("/") + f"/calendar/{new.token}.ics"}


@router.get("/technicians/{technician_id}/calendar-feeds")
def list_feeds(technician_id: int, session: DB, actor: CurrentActor) -> dict:
    _check_role(actor)
    tech = access_technician(session, actor, technician_id)
    rows = session.scalars(select(CalendarFeed).where(CalendarFeed.technician_id == tech.id)
                           .order_by(CalendarFeed.id))
    return {"items": [FeedRead.model_validate(r).model_dump(mode="json") for r in rows]}


@router.delete("/technicians/{technician_id}/calendar-feeds/{feed_id}", status_code=204)
def revoke_feed(technician_id: int, feed_id: int, session: DB, actor: CurrentActor) -> None:
    _check_role(actor)
    tech = access_technician(session, actor, technician_id)
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.technician_id != tech.id:
        raise NotFound("Calendar feed", feed_id)
    actions.do_revoke_feed(session, actor, feed)


@public.get("/calendar/{name}", include_in_schema=True, tags=["calendar"])
def feed(name: str, request: Request, session: DB) -> Response:
    """The technician's jobs from two weeks back to three months ahead, as iCalendar."""
    token = name.removesuffix(".ics")
    row = actions.feed_for_token(session, token) if name.endswith(".ics") else None
    if row is None:
        raise NotFound("Calendar feed", "")
    now = utcnow()
    jobs = session.scalars(select(Job).where(
        Job.technician_id == row.technician_id, Job.archived.is_(False),
        Job.planned_start.is_not(None), Job.planned_start >= now - timedelta(days=PAST_DAYS),
        Job.planned_start < now + timedelta(days=FUTURE_DAYS)).order_by(Job.planned_start))
    body = calendar(f"crewboard - {row.technician.name}", jobs,
                    request.url.hostname or "crewboard", now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300",
                             "Content-Disposition": 'inline; filename="crewboard.ics"'})
