"""Page routes: each role lands on its own page; the pages talk to /api/v1."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from crewboard import __version__
from crewboard.api.deps import DB, optional_actor
from crewboard.auth.actor import Actor, Role
from crewboard.company.queries import get_company

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
MaybeActor = Annotated[Actor | None, Depends(optional_actor)]
HOME = {Role.admin: "/board", Role.dispatcher: "/board", Role.viewer: "/board",
        Role.technician: "/tech"}


def render(request: Request, session: DB, name: str, actor: Actor | None,
           **context: Any) -> HTMLResponse:
    company = get_company(session)
    return templates.TemplateResponse(request, name, {
        "actor": actor, "company": company, "version": __version__, **context})


@router.get("/")
def home(actor: MaybeActor) -> RedirectResponse:
    """Send each role to its own page, and strangers to the login page."""
    return RedirectResponse(HOME[actor.role] if actor else "/login", status_code=303)


@router.get("/login")
def login_page(request: Request, session: DB, actor: MaybeActor,
               next: str | None = None) -> Response:
    if actor is not None:
        return RedirectResponse(HOME[actor.role], status_code=303)
    return render(request, session, "login.html", None, next=next or "")
