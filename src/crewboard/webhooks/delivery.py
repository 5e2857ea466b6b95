"""Sending a webhook: signed JSON POST; counting failures and disabling dead receivers."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard import __version__
from crewboard.auth.actor import SYSTEM, Role
from crewboard.auth.models import User
from crewboard.config import Settings
from crewboard.db import utcnow
from crewboard.events.actions import record_event
from crewboard.notifications.channels import (
    Channel,
    Outgoing,
    SendError,
    SendResult,
    http_post,
    register_channel,
)
from crewboard.notifications.kinds import ADMIN_NOTICE
from crewboard.notifications.kinds import Channel as ChannelName
from crewboard.notifications.models import OutboxMessage
from crewboard.notifications.outbox import PREPARE_HOOKS, RESULT_HOOKS, add_message
from crewboard.webhooks.models import WebhookSubscription
from crewboard.webhooks.signing import HEADER, sign


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


@register_channel
class WebhookChannel(Channel):
    """POST the payload; 2xx is delivered, 410 Gone is final, anything else is retried."""

    name = "webhook"
    idempotent = True  # X-Crewboard-Delivery is stable across attempts: receivers dedupe

    def send(self, message: Outgoing, settings: Settings) -> SendResult:
        body = body_bytes(message.payload)
        headers = {"Content-Type": "application/json",
                   "User-Agent": f"crewboard-webhooks/{__version__}",
                   "X-Crewboard-Event": message.kind,
                   "X-Crewboard-Delivery": message.idempotency_key,
                   "Idempotency-Key": message.idempotency_key,
                   HEADER: sign(message.extra["secret"], body)}
        status, text = http_post(message.extra["url"], body, headers, settings.send_timeout_s)
        if 200 <= status < 300:
            return SendResult(provider_ref=f"HTTP {status}", status=status, body=text[:2000])
        raise SendError(f"receiver answered HTTP {status}", permanent=status == 410,
                        status=status, body=text[:2000])


def _prepare(session: Session, row: OutboxMessage) -> dict[str, Any] | str:
    sub = session.get(WebhookSubscription, row.subscription_id)
    if sub is None:
        return "the subscription was deleted"
    if not sub.active:
        return "the subscription is disabled"
    return {"url": sub.url, "secret": sub.secret}


def _after(session: Session, row: OutboxMessage, ok: bool, final: bool,
           settings: Settings) -> None:
    sub = session.get(WebhookSubscription, row.subscription_id)
    if sub is None:
        return
    if ok:
        if sub.consecutive_failures:
            sub.consecutive_failures = 0
        return
    if not final:
        return
    sub.consecutive_failures += 1
    if sub.active and sub.consecutive_failures >= settings.webhook_disable_after:
        do_disable_subscription(session, sub, f"{sub.consecutive_failures} deliveries in a "
                                f"row failed; last error: {row.last_error}")


def do_disable_subscription(session: Session, sub: WebhookSubscription, reason: str) -> None:
    """Stop delivering to a dead receiver and tell the admins (audit event and e-mail)."""
    sub.active, sub.disabled_at, sub.disabled_reason = False, utcnow(), reason
    session.flush()
    record_event(session, SYSTEM, "webhook.disabled", "webhook", sub.id, reason=reason,
                 data={"url": sub.url, "failures": sub.consecutive_failures})
    admins = session.scalars(select(User).where(User.role == Role.admin,
                                                User.active.is_(True)).order_by(User.id))
    for admin in admins:
        add_message(
            session, kind=ADMIN_NOTICE, channel=ChannelName.email, to=admin.email,
            ordering_key=f"email:admin:{admin.id}",
            subject=f"crewboard disabled the webhook to {sub.url}",
            text=(f"Hello {admin.name},\n\ncrewboard stopped sending webhooks to {sub.url} "
                  f"(subscription {sub.id}): {reason}\n\nFix the receiver, then enable the "
                  f"subscription again (PATCH /api/v1/webhooks/{sub.id} with "
                  '{"active": true}) and redeliver what failed from its delivery history.\n'),
            payload={"subscription_id": sub.id}, subscription_id=None)


PREPARE_HOOKS["webhook"] = _prepare
RESULT_HOOKS["webhook"] = _after
