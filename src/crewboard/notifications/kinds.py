"""Notification enumerations: what a message is about, how it travels, where it stands."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """A customer message a rule can send (templates are keyed on these)."""

    booking_confirmation = "booking_confirmation"
    reminder = "reminder"
    on_my_way = "on_my_way"
    delay = "delay"
    rescheduled = "rescheduled"
    cancelled = "cancelled"
    completed = "completed"


class Channel(StrEnum):
    email = "email"
    sms = "sms"
    webhook = "webhook"


CUSTOMER_CHANNELS = (Channel.sms, Channel.email)


class OutboxStatus(StrEnum):
    pending = "pending"
    """Waiting for its time (quiet hours, retry backoff) or for an earlier message."""
    sending = "sending"
    """Claimed by a worker under a lease; the send may be in flight."""
    sent = "sent"
    failed = "failed"
    """Final: retries exhausted or a permanent refusal; shown on the board and the job."""
    skipped = "skipped"
    """Never sent on purpose (no consent, opted out, no address, channel not set up)."""


ACTIVE = (OutboxStatus.pending, OutboxStatus.sending)
ADMIN_NOTICE = "admin_notice"
"""Outbox kind of an e-mail to admin users (not a customer message: no consent, no quiet hours)."""
