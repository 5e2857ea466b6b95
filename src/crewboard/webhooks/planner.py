"""Committed events to webhook deliveries (outbox rows), one per matching subscription."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.notifications.kinds import Channel
from crewboard.notifications.outbox import PLANNERS, add_message
from crewboard.webhooks.kinds import webhook_types
from crewboard.webhooks.models import WebhookSubscription
from crewboard.webhooks.payloads import build_payload

_SUBS = "crewboard_webhook_subscriptions"


def _active(session: Session) -> list[tuple[int, str, list[str]]]:
    cached = session.info.get(_SUBS)
    if cached is None:
        cached = [(s.id, s.url, list(s.event_types or [])) for s in session.scalars(
            select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
            .order_by(WebhookSubscription.id))]
        session.info[_SUBS] = cached
    return cached


def ordering_key(subscription_id: int, message: dict[str, Any]) -> str:
    if message.get("job_id"):
        return f"webhook:{subscription_id}:job:{message['job_id']}"
    return f"webhook:{subscription_id}:technician:{message.get('technician_id')}"


def webhooks_for(session: Session, message: dict[str, Any]) -> None:
    types = webhook_types(message)
    if not types:
        return
    subs = _active(session)
    for sub_id, url, wanted in subs:
        for event_type in types:
            if event_type not in wanted:
                continue
            payload = build_payload(session, event_type, message)
            if payload is None:
                continue
            add_message(session, kind=event_type, channel=Channel.webhook, to=url,
                        payload=payload, job_id=message.get("job_id"),
                        technician_id=message.get("technician_id"),
                        event_id=message.get("event_id"), subscription_id=sub_id,
                        ordering_key=ordering_key(sub_id, message))


def forget_subscriptions(session: Session) -> None:
    session.info.pop(_SUBS, None)


PLANNERS.append(webhooks_for)
