"""Request dependencies: one transaction per request, and who is calling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from crewboard.api.errors import read_current
from crewboard.auth.actor import Actor, Role
from crewboard.auth.queries import actor_from_api_token, actor_from_session
from crewboard.changes import StaleVersion
from crewboard.errors import Forbidden, Unauthorized

SESSION_COOKIE = "crewboard_session"


def get_session(request: Request) -> Iterator[Session]:
    """The request's transaction: committed before the response is sent."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
        session.commit()
    except BaseException as exc:
        if isinstance(exc, StaleVersion):
            # render the current record now: the rollback below expires and detaches it
            exc.current = read_current(exc.obj)
        session.rollback()
        raise
    finally:
        session.close()


DB = Annotated[Session, Depends(get_session, scope="function")]


def optional_actor(request: Request, session: DB) -> Actor | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = actor_from_api_token(session, header[7:].strip())
        if actor is None:
            raise Unauthorized("The API token is unknown or revoked.")
        return actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return actor_from_session(session, cookie)
    return None


def current_actor(actor: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    if actor is None:
        raise Unauthorized()
    if actor.role is Role.technician and actor.technician_id is None:
        # every technician filter compares with the link; without one it would match
        # unassigned work, so an unlinked technician account can do nothing
        raise Forbidden("This technician account is not linked to a technician record;"
                        " ask an admin to link it.")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def _require(*roles: Role):  # type: ignore[no-untyped-def]
    def dependency(actor: CurrentActor) -> Actor:
        if actor.role not in roles:
            raise Forbidden()
        return actor

    return dependency


Admin = Annotated[Actor, Depends(_require(Role.admin))]
Dispatcher = Annotated[Actor, Depends(_require(Role.admin, Role.dispatcher))]
Office = Annotated[Actor, Depends(_require(Role.admin, Role.dispatcher, Role.viewer))]
