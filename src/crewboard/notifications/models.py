"""Notification tables: company settings, edited templates, recipients, the outbox.

The outbox holds every outbound message (e-mail, SMS, webhook), written in the
same transaction as the change that caused it; ``outbox_attempts`` logs every
delivery attempt.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crewboard.db import Base, UTCDateTime, utcnow


class NotificationSettings(Base):
    """One row: which rules are on (per kind and channel, overridable per job type),
    quiet hours and when the day-before reminders go out (company-local times)."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{kind: {"sms": bool, "email": bool}}; a kind or channel not named is on."""
    job_type_rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """{job_type_id: {kind: {"sms": bool, "email": bool}}}: overrides for one job type."""
    quiet_start: Mapped[str | None] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str | None] = mapped_column(String(5), default="08:00")
    quiet_exempt: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: ["on_my_way", "delay"])
    """Kinds that are time-critical and go out during quiet hours too."""
    reminder_time: Mapped[str] = mapped_column(String(5), default="17:00")
    reminders_sent_for: Mapped[date | None] = mapped_column(Date)
    """The day whose reminders the worker last swept (it sweeps tomorrow once a day)."""
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class MessageTemplate(Base):
    """A company's edited template for one kind and channel; absent means the default."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))


class Recipient(Base):
    """A phone number or e-mail address we message: its unsubscribe token and opt-out."""

    __tablename__ = "notification_recipients"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(254))
    """Normalized: lower-case e-mail, or a phone number as + and digits."""
    token: Mapped[str] = mapped_column(String(64), unique=True)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opted_out_via: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """One outbound message or webhook delivery and where it stands."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),
                      Index("ix_outbox_order", "ordering_key", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(60))
    """A notification kind, ``admin_notice``, or the webhook event type."""
    channel: Mapped[str] = mapped_column(String(10))
    job_id: Mapped[int | None] = mapped_column(index=True)
    customer_id: Mapped[int | None] = mapped_column()
    technician_id: Mapped[int | None] = mapped_column()
    event_id: Mapped[int | None] = mapped_column()
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(1000))
    subject: Mapped[str | None] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Webhook body, or extra e-mail data (unsubscribe URL)."""
    dedupe_key: Mapped[str | None] = mapped_column(String(200), index=True)
    ordering_key: Mapped[str] = mapped_column(String(200))
    """Messages with one key go out in id order (per receiver and job)."""
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    status_reason: Mapped[str | None] = mapped_column(Text)
    held: Mapped[bool] = mapped_column(Boolean, default=False)
    """Held for quiet hours (then ``not_before`` is when they end)."""
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    redelivery_of: Mapped[int | None] = mapped_column()


class DeliveryAttempt(Base):
    """A log row per attempt: when, how it went, what the receiver said."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
