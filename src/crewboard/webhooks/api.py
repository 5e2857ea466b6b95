"""Routes: webhook subscriptions, their delivery history and manual redelivery (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from crewboard.api.deps import DB, Admin
from crewboard.api.errors import register_reader
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.notifications.api import MessageRead, read_message
from crewboard.notifications.models import OutboxMessage
from crewboard.webhooks import actions
from crewboard.webhooks.kinds import WEBHOOK_EVENTS
from crewboard.webhooks.models import WebhookSubscription

router = APIRouter(tags=["webhooks"])


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=1000)
    event_types: list[str]
    description: str | None = Field(default=None, max_length=300)
    secret: str | None = Field(default=None, min_length=16, max_length=100)


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    url: str | None = Field(default=None, max_length=1000)
    event_types: list[str] | None = None
    description: str | None = Field(default=None, max_length=300)
    active: bool | None = None
    rotate_secret: bool = False


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    description: str | None
    event_types: list[str]
    active: bool
    disabled_at: datetime | None
    disabled_reason: str | None
    consecutive_failures: int
    created_at: datetime
    version: int
    secret_hint: str
    secret: str | None = None
    """Only in the answer that created or rotated it."""


def read_webhook(sub: WebhookSubscription, *, with_secret: bool = False) -> WebhookRead:
    return WebhookRead(id=sub.id, url=sub.url, description=sub.description,
                       event_types=list(sub.event_types), active=sub.active,
                       disabled_at=sub.disabled_at, disabled_reason=sub.disabled_reason,
                       consecutive_failures=sub.consecutive_failures,
                       created_at=sub.created_at, version=sub.version,
                       secret_hint=sub.secret[:10] + "...",
                       secret=sub.secret if with_secret else None)


register_reader(WebhookSubscription, read_webhook)


@router.get("/webhooks")
def list_webhooks(session: DB, actor: Admin, limit: Limit = 100, offset: Offset = 0) -> dict:
    """Subscriptions, and the event types one can subscribe to."""
    page = paginate(session, select(WebhookSubscription).order_by(WebhookSubscription.id),
                    limit, offset, read_webhook)
    page["event_types"] = WEBHOOK_EVENTS
    return page


@router.post("/webhooks", response_model=WebhookRead, status_code=201)
def create_webhook(body: WebhookIn, session: DB, actor: Admin) -> WebhookRead:
    """Subscribe a URL; the answer carries the signing secret (shown this once)."""
    sub = actions.do_create_subscription(session, actor, **body.model_dump())
    return read_webhook(sub, with_secret=True)


@router.get("/webhooks/{webhook_id}", response_model=WebhookRead)
def read_one(webhook_id: int, session: DB, actor: Admin) -> WebhookRead:
    return read_webhook(actions.access_subscription(session, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookRead)
def update_webhook(webhook_id: int, body: WebhookUpdate, session: DB,
                   actor: Admin) -> WebhookRead:
    """Edit, disable or enable again (``active``), or rotate the secret."""
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    rotate = bool(values.pop("rotate_secret", False))
    sub = actions.do_update_subscription(session, actor,
                                         actions.access_subscription(session, webhook_id),
                                         version=version, values=values, rotate_secret=rotate)
    return read_webhook(sub, with_secret=rotate)


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: int, session: DB, actor: Admin) -> None:
    actions.do_delete_subscription(session, actor,
                                   actions.access_subscription(session, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries")
def list_deliveries(webhook_id: int, session: DB, actor: Admin,
                    status: str | None = Query(default=None), limit: Limit = 100,
                    offset: Offset = 0) -> dict[str, Any]:
    """Delivery history, newest first, each with its attempts."""
    actions.access_subscription(session, webhook_id)
    stmt = select(OutboxMessage).where(OutboxMessage.subscription_id == webhook_id)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    return paginate(session, stmt.order_by(OutboxMessage.id.desc()), limit, offset,
                    lambda r: read_message(session, r, attempts=True))


@router.post("/webhooks/deliveries/{delivery_id}/redeliver", response_model=MessageRead,
             status_code=201)
def redeliver(delivery_id: int, session: DB, actor: Admin) -> MessageRead:
    """Queue a past delivery again (a new delivery id; the body is the same event)."""
    row = actions.do_redeliver(session, actor, actions.access_delivery(session, delivery_id))
    return read_message(session, row)
