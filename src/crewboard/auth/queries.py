"""Resolving a request's credentials to an Actor."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.auth.models import ApiToken, User, WebSession
from crewboard.auth.secrets import hash_token
from crewboard.db import utcnow


def actor_for(user: User) -> Actor:
    return Actor(user.id, user.role, user.name, user.technician_id)


def actor_from_session(session: Session, token: str) -> Actor | None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None or row.revoked or row.expires_at <= utcnow() or not row.user.active:
        return None
    return actor_for(row.user)


def actor_from_api_token(session: Session, token: str) -> Actor | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return actor_for(row.user)
