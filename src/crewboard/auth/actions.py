"""Mutations on users, sessions and tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.auth.models import ApiToken, User, WebSession
from crewboard.auth.secrets import hash_password, hash_token, new_token, verify_password
from crewboard.changes import apply_changes, check_version
from crewboard.db import utcnow
from crewboard.errors import DomainError, NotFound, Unauthorized, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.technicians.models import Technician

MIN_PASSWORD = 8


def check_password_rule(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed("weak_password",
                               f"The password must have at least {MIN_PASSWORD} characters.",
                               field="password")


def _check_technician_link(session: Session, role: Role, technician_id: int | None) -> None:
    if role is Role.technician and technician_id is None:
        raise ValidationFailed("technician_required",
                               "A technician user must be linked to a technician record.",
                               field="technician_id")
    if technician_id is not None and session.get(Technician, technician_id) is None:
        raise ValidationFailed("unknown_technician",
                               f"Technician {technician_id} does not exist.",
                               field="technician_id")


def do_create_user(session: Session, actor: Actor, *, email: str, name: str, role: Role,
                   password: str | None = None, technician_id: int | None = None) -> User:
    email = email.strip().lower()
    if session.scalar(select(User).where(User.email == email)):
        raise DomainError("duplicate_email", f"A user with e-mail {email} already exists.",
                          field="email", status=409)
    _check_technician_link(session, role, technician_id)
    if password is not None:
        check_password_rule(password)
    user = User(email=email, name=name, role=role, technician_id=technician_id,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    record_event(session, actor, "user.created", "user", user.id,
                 data={"email": email, "role": role.value, "technician_id": technician_id})
    return user


def do_update_user(session: Session, actor: Actor, user: User, *, version: int | None,
                   values: dict[str, object]) -> User:
    check_version(user, version, f"User {user.email}")
    password = values.pop("password", None)
    role = values.get("role") or user.role
    tech = values.get("technician_id", user.technician_id)
    _check_technician_link(session, Role(role), tech)  # type: ignore[arg-type]
    changed = apply_changes(user, values)
    if password:
        check_password_rule(str(password))
        user.password_hash = hash_password(str(password))
        changed["password"] = ["***", "***"]
    if changed.get("active") == [True, False]:
        _revoke_all(session, user.id)
    session.flush()
    record_event(session, actor, "user.updated", "user", user.id, data={"changed": changed})
    return user


def _revoke_all(session: Session, user_id: int) -> None:
    session.execute(update(WebSession).where(WebSession.user_id == user_id)
                    .values(revoked=True))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True))


def do_revoke_sessions(session: Session, actor: Actor, user: User) -> None:
    """Sign a user out everywhere (a lost phone, a technician who left)."""
    _revoke_all(session, user.id)
    record_event(session, actor, "user.sessions_revoked", "user", user.id)


@dataclass(frozen=True)
class Login:
    user: User
    token: str


def do_login(session: Session, *, email: str, password: str, days: int,
             user_agent: str | None = None) -> Login:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise Unauthorized("Wrong e-mail or password.")
    token = new_token("cbs")
    session.add(WebSession(user_id=user.id, token_hash=hash_token(token),
                           expires_at=utcnow() + timedelta(days=days),
                           user_agent=(user_agent or "")[:300]))
    actor = Actor(user.id, user.role, user.name, user.technician_id)
    record_event(session, actor, "user.logged_in", "user", user.id)
    return Login(user=user, token=token)


def do_logout(session: Session, token: str) -> None:
    session.execute(update(WebSession).where(WebSession.token_hash == hash_token(token))
                    .values(revoked=True))


@dataclass(frozen=True)
class NewToken:
    row: ApiToken
    token: str


def do_create_api_token(session: Session, actor: Actor, user: User, name: str) -> NewToken:
    token = new_token("cbt")
    row = ApiToken(user_id=user.id, name=name, prefix=token[:10], token_hash=hash_token(token))
    session.add(row)
    session.flush()
    record_event(session, actor, "api_token.created", "user", user.id,
                 data={"token_id": row.id, "name": name})
    return NewToken(row=row, token=token)


def do_revoke_api_token(session: Session, actor: Actor, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("API token", token_id)
    row.revoked = True
    record_event(session, actor, "api_token.revoked", "user", row.user_id,
                 data={"token_id": token_id})
