"""``crewboard users``: create users and API tokens from the shell (first admin, integrations)."""

from __future__ import annotations

from typing import Annotated

import typer

from crewboard.auth.actions import do_create_api_token, do_create_user
from crewboard.auth.actor import SYSTEM, Role
from crewboard.auth.models import User
from crewboard.cli.main import DbOption, app, console, database, fail
from crewboard.db import session_scope
from crewboard.errors import DomainError, NotFound

users_app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("create")
def create(email: str, name: str, role: Role,
           password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
           technician_id: int | None = None, db: DbOption = None) -> None:
    """Create a user (password is prompted for when not given)."""
    try:
        with database(db) as factory, session_scope(factory) as session:
            user = do_create_user(session, SYSTEM, email=email, name=name, role=role,
                                  password=password, technician_id=technician_id)
            console.print(f"created user {user.id} {user.email} ({user.role.value})")
    except DomainError as exc:
        raise fail(exc) from None


@users_app.command("token")
def token(email: str, name: str = "integration", db: DbOption = None) -> None:
    """Create an API token for a user; it is printed once."""
    try:
        with database(db) as factory, session_scope(factory) as session:
            from sqlalchemy import select

            user = session.scalar(select(User).where(User.email == email.lower()))
            if user is None:
                raise NotFound("User", email)
            result = do_create_api_token(session, SYSTEM, user, name)
            console.print(result.token)
    except DomainError as exc:
        raise fail(exc) from None
