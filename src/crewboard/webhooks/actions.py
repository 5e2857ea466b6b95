"""Managing webhook subscriptions and redelivering."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.errors import Conflict, NotFound, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.notifications.kinds import Channel, OutboxStatus
from crewboard.notifications.models import OutboxMessage
from crewboard.notifications.outbox import add_message
from crewboard.webhooks.kinds import WEBHOOK_EVENTS
from crewboard.webhooks.models import WebhookSubscription
from crewboard.webhooks.planner import forget_subscriptions


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed("bad_url", f"'{url}' is not an http(s) URL.", field="url")
    return url.strip()


def check_event_types(types: list[str]) -> list[str]:
    unknown = [t for t in types if t not in WEBHOOK_EVENTS]
    if unknown:
        raise ValidationFailed("unknown_event_type", f"Unknown event type(s): "
                               f"{', '.join(unknown)}; known: {', '.join(WEBHOOK_EVENTS)}.",
                               field="event_types")
    if not types:
        raise ValidationFailed("event_types_required", "Subscribe to at least one event type.",
                               field="event_types")
    return sorted(set(types))


def access_subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound("Webhook", subscription_id)
    return sub


def do_create_subscription(session: Session, actor: Actor, *, url: str,
                           event_types: list[str], description: str | None = None,
                           secret: str | None = None) -> WebhookSubscription:
    sub = WebhookSubscription(url=check_url(url), event_types=check_event_types(event_types),
                              description=description, secret=secret or new_secret(),
                              active=True, consecutive_failures=0,
                              created_by_user_id=actor.user_id)
    session.add(sub)
    session.flush()
    forget_subscriptions(session)
    record_event(session, actor, "webhook.created", "webhook", sub.id,
                 data={"url": sub.url, "event_types": sub.event_types})
    return sub


def do_update_subscription(session: Session, actor: Actor, sub: WebhookSubscription, *,
                           version: int | None, values: dict[str, Any],
                           rotate_secret: bool = False) -> WebhookSubscription:
    check_version(sub, version, f"Webhook {sub.id}")
    if "url" in values:
        values["url"] = check_url(values["url"])
    if "event_types" in values:
        values["event_types"] = check_event_types(values["event_types"])
    if values.get("active") and not sub.active:  # enabling again starts a fresh count
        values.update(consecutive_failures=0, disabled_at=None, disabled_reason=None)
    changed = apply_changes(sub, values)
    if rotate_secret:
        sub.secret = new_secret()
        changed["secret"] = ["(old)", "(new)"]
    session.flush()
    forget_subscriptions(session)
    record_event(session, actor, "webhook.updated", "webhook", sub.id,
                 data={"changed": {k: v for k, v in changed.items() if k != "secret"},
                       "secret_rotated": rotate_secret})
    return sub


def do_delete_subscription(session: Session, actor: Actor, sub: WebhookSubscription) -> None:
    record_event(session, actor, "webhook.deleted", "webhook", sub.id, data={"url": sub.url})
    session.delete(sub)
    session.flush()
    forget_subscriptions(session)


def access_delivery(session: Session, delivery_id: int) -> OutboxMessage:
    row = session.get(OutboxMessage, delivery_id)
    if row is None or row.channel != Channel.webhook.value:
        raise NotFound("Webhook delivery", delivery_id)
    return row


def do_redeliver(session: Session, actor: Actor, row: OutboxMessage) -> OutboxMessage:
    """Send a past delivery again as a new delivery (same event id in the body)."""
    sub = access_subscription(session, row.subscription_id or 0)
    if not sub.active:
        raise Conflict("webhook_disabled", f"Webhook {sub.id} is disabled; enable it before "
                       "redelivering.")
    if row.status in (OutboxStatus.pending.value, OutboxStatus.sending.value):
        raise Conflict("delivery_pending", f"Delivery {row.id} is still {row.status}.")
    copy = add_message(session, kind=row.kind, channel=Channel.webhook, to=sub.url,
                       payload=dict(row.payload or {}), job_id=row.job_id,
                       technician_id=row.technician_id, event_id=row.event_id,
                       subscription_id=sub.id, ordering_key=row.ordering_key,
                       redelivery_of=row.id)
    record_event(session, actor, "webhook.redelivered", "webhook", sub.id, job_id=row.job_id,
                 data={"delivery_id": row.id, "new_delivery_id": copy.id})
    return copy
