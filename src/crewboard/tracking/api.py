"""Routes: the office's tracking-link API and the customer's public endpoints.

``router`` lives under /api/v1 (dispatchers create and revoke links);
``public`` is mounted at the root and is reachable with nothing but the token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from crewboard.api.deps import DB, Dispatcher
from crewboard.jobs.queries import access_job
from crewboard.tracking import actions
from crewboard.tracking.models import TrackingLink
from crewboard.tracking.queries import resolve_link, tracking_status

router = APIRouter(tags=["tracking"])
public = APIRouter(tags=["tracking"], include_in_schema=True)
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
           "X-Robots-Tag": "noindex, nofollow", "X-Content-Type-Options": "nosniff"}


def _days(request: Request) -> int:
    return int(request.app.state.settings.tracking_days_after_close)


def _link_body(request: Request, session: DB, link: TrackingLink) -> dict[str, Any]:
    expiry = actions.expires_at(session, link, _days(request))
    return {"job_id": link.job_id, "token": link.token,
            "url": str(request.base_url).rstrip("/") + f"/track/{link.token}",
            "path": f"/track/{link.token}", "created_at": link.created_at.isoformat(),
            "expires_at": expiry.isoformat() if expiry else None}


@router.post("/jobs/{job_id}/tracking-link")
def create_tracking_link(job_id: int, request: Request, session: DB,
                         actor: Dispatcher) -> JSONResponse:
    """The job's live customer link (200), or a new one (201)."""
    job = access_job(session, actor, job_id)
    link, created = actions.do_create_tracking_link(session, actor, job, _days(request))
    return JSONResponse(_link_body(request, session, link), status_code=201 if created else 200)


@router.delete("/jobs/{job_id}/tracking-link", status_code=204)
def revoke_tracking_link(job_id: int, session: DB, actor: Dispatcher) -> None:
    """Revoke the job's links; the page then says the link has expired."""
    actions.do_revoke_tracking_links(session, actor, access_job(session, actor, job_id))


class CustomerNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=actions.MAX_NOTE)


def _status(request: Request, session: DB, token: str) -> JSONResponse:
    link = resolve_link(session, token, _days(request))
    body = tracking_status(session, link, _days(request))
    from fastapi.encoders import jsonable_encoder

    return JSONResponse(jsonable_encoder(body), headers=PRIVATE)


@public.get("/track/{token}/status")
def track_status(token: str, request: Request, session: DB) -> JSONResponse:
    """Everything the customer's page shows, and nothing more."""
    return _status(request, session, token)


@public.post("/track/{token}/confirm")
def track_confirm(token: str, request: Request, session: DB) -> JSONResponse:
    link = resolve_link(session, token, _days(request))
    actions.do_customer_confirm(session, link.job)
    return _status(request, session, token)


@public.post("/track/{token}/reschedule")
def track_reschedule(token: str, body: CustomerNote, request: Request,
                     session: DB) -> JSONResponse:
    link = resolve_link(session, token, _days(request))
    actions.do_customer_request(session, link.job, "reschedule", body.note)
    return _status(request, session, token)


@public.post("/track/{token}/cancel")
def track_cancel(token: str, body: CustomerNote, request: Request,
                 session: DB) -> JSONResponse:
    link = resolve_link(session, token, _days(request))
    actions.do_customer_request(session, link.job, "cancel", body.note)
    return _status(request, session, token)
