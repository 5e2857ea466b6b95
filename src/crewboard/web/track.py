"""The customer's tracking page at /track/{token}.

The page is a shell with no job data in it; ``static/js/track.js`` reads the
minimal JSON at ``/track/{token}/status`` (see ``crewboard.tracking``), so the
HTML and the API expose exactly the same allow-listed fields.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from crewboard.api.deps import DB
from crewboard.tracking.api import PRIVATE
from crewboard.tracking.queries import resolve_link
from crewboard.web.pages import render

router = APIRouter(include_in_schema=False)


@router.get("/track/{token}")
def track_page(token: str, request: Request, session: DB) -> HTMLResponse:
    from crewboard.errors import DomainError

    days = int(request.app.state.settings.tracking_days_after_close)
    try:
        resolve_link(session, token, days)
        problem = None
        status = 200
    except DomainError as exc:
        problem, status = exc.message, exc.status
    response = render(request, session, "track.html", None, token=token if not problem else "",
                      problem=problem)
    response.status_code = status
    response.headers.update(PRIVATE)
    return response
