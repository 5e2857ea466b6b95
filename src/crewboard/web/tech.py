"""The technician app: the /tech page, its service worker and manifest, and the
one read it needs, ``GET /api/v1/tech/day`` (today's and tomorrow's stops with
everything a technician needs at the door, including the customer's history).

Writes go through the existing job transition routes, uploads through
``/api/v1/attachments`` and positions through ``/technicians/{id}/location``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from crewboard.api.deps import DB, CurrentActor
from crewboard.auth.actor import Role
from crewboard.company.clock import local_day
from crewboard.company.queries import company_tz, get_company
from crewboard.db import utcnow
from crewboard.errors import ValidationFailed
from crewboard.jobs.kinds import TERMINAL
from crewboard.jobs.models import Job
from crewboard.jobs.queries import jobs_query
from crewboard.jobs.read import read_job
from crewboard.technicians.models import Technician
from crewboard.tracking.queries import first_name
from crewboard.web.pages import STATIC, MaybeActor, render

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["technician app"])
HISTORY = 5
SHELL = [
    "/tech", "/tech/manifest.webmanifest", "/static/css/app.css", "/static/css/tech.css",
    "/static/js/api.js", "/static/js/tech/app.js", "/static/js/tech/db.js",
    "/static/js/tech/queue.js", "/static/js/tech/proof.js", "/static/js/tech/location.js",
    "/static/js/tech/view.js", "/static/img/tech-192.png", "/static/img/tech-512.png",
]


def shell_version() -> str:
    """Changes whenever a cached file changes, so phones pick up new code."""
    digest = hashlib.sha256()
    for path in sorted((STATIC / "js" / "tech").glob("*.js")) + [
            STATIC / "css" / "tech.css", STATIC / "css" / "app.css", STATIC / "js" / "api.js",
            STATIC.parent / "templates" / "tech.html"]:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------- pages

@router.get("/tech")
def tech_page(request: Request, session: DB, actor: MaybeActor) -> Response:
    """The app shell; it loads its data from the API (or IndexedDB when offline)."""
    if actor is None:
        return RedirectResponse("/login?next=/tech", status_code=303)
    return render(request, session, "tech.html", actor, shell=shell_version())


@router.get("/tech/sw.js")
def service_worker() -> Response:
    source = (STATIC / "js" / "tech" / "sw.js").read_text()
    source = source.replace("__VERSION__", shell_version()).replace(
        "__SHELL__", json.dumps(SHELL))
    return Response(source, media_type="text/javascript",
                    headers={"Service-Worker-Allowed": "/tech", "Cache-Control": "no-cache"})


@router.get("/tech/manifest.webmanifest")
def manifest(session: DB) -> Response:
    company = get_company(session)
    body = {
        "name": f"{company.name} · crewboard", "short_name": "crewboard",
        "description": "Today's stops, status taps and proof of service.",
        "start_url": "/tech", "scope": "/tech", "display": "standalone",
        "orientation": "portrait", "background_color": "#f5f6f8", "theme_color": "#1f6feb",
        "icons": [{"src": "/static/img/tech-192.png", "sizes": "192x192", "type": "image/png"},
                  {"src": "/static/img/tech-512.png", "sizes": "512x512", "type": "image/png",
                   "purpose": "any maskable"}],
    }
    return Response(json.dumps(body), media_type="application/manifest+json")


# ---------------------------------------------------------------- data

OFFICE_FIELDS = ("planned_start", "duration_min", "address", "access_notes", "description",
                 "contact_name", "contact_phone", "windows", "required_equipment", "job_type",
                 "priority")


def _history(session: DB, jobs: list[Job]) -> dict[int, list[dict[str, Any]]]:
    """The customers' earlier visits (any technician), newest first, a few each."""
    customer_ids = {j.customer_id for j in jobs}
    if not customer_ids:
        return {}
    day_ids = {j.id for j in jobs}
    rows = session.scalars(
        select(Job).where(Job.customer_id.in_(customer_ids), Job.status.in_(TERMINAL),
                          Job.id.not_in(day_ids))
        .order_by(Job.completed_at.desc().nullslast(), Job.planned_start.desc().nullslast(),
                  Job.id.desc())).unique()
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for job in rows:
        items = out[job.customer_id]
        if len(items) >= HISTORY:
            continue
        when = job.completed_at or job.planned_start or job.created_at
        items.append({"ref": job.ref, "date": when.isoformat(), "status": job.status.value,
                      "job_type": job.job_type.name if job.job_type else None,
                      "technician": first_name(job.technician.name) if job.technician else None,
                      "description": (job.description or "")[:300] or None,
                      "outcome": job.outcome_reason,
                      "notes": (job.proof_notes or "")[:500] or None})
    return out


def _stop(job: Job, actor: Any, history: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    data = read_job(job, actor).model_dump(mode="json")
    data["customer_phone"] = job.customer.phone
    data["location_access_notes"] = job.location.access_notes
    data["history"] = history.get(job.customer_id, [])
    jt = job.job_type
    data["proof_required"] = {"notes": jt is None or jt.requires_notes,
                              "photo": bool(jt and jt.requires_photo),
                              "signature": bool(jt and jt.requires_signature)}
    return data


@api_router.get("/tech/day")
def tech_day(session: DB, actor: CurrentActor,
             day: Annotated[date | None, Query(alias="date")] = None,
             technician_id: int | None = None, days: Annotated[int, Query(ge=1, le=3)] = 2
             ) -> dict[str, Any]:
    """A technician's stops for ``date`` (default today) and the following day(s), in
    planned order, each with contact, access notes, equipment and customer history."""
    if actor.role is Role.technician:
        if technician_id not in (None, actor.technician_id):
            raise ValidationFailed("not_your_day", "A technician can only read their own day.",
                                   field="technician_id")
        technician_id = actor.technician_id
    if technician_id is None:
        raise ValidationFailed("technician_required", "Say whose day with technician_id.",
                               field="technician_id")
    tech = session.get(Technician, technician_id)
    if tech is None:
        raise ValidationFailed("unknown_technician", f"Technician {technician_id} does not "
                               "exist.", field="technician_id")
    tz = company_tz(session)
    first = day or local_day(tz, utcnow())
    out_days = []
    for offset in range(days):
        d = first + timedelta(days=offset)
        jobs = [j for j in session.scalars(
            jobs_query(actor, tz, day=d, technician_id=tech.id)).unique()
            if j.planned_start is not None and local_day(tz, j.planned_start) == d]
        history = _history(session, jobs)
        out_days.append({"date": d.isoformat(),
                         "stops": [_stop(j, actor, history) for j in jobs]})
    company = get_company(session)
    return {"technician": {"id": tech.id, "name": tech.name, "first_name": first_name(tech.name),
                           "photo_url": tech.photo_url},
            "company": {"name": company.name, "timezone": company.timezone},
            "office_fields": list(OFFICE_FIELDS),
            "generated_at": utcnow().isoformat(), "days": out_days}
