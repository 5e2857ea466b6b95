"""The outbox: rows written with the change that caused them, delivered by a worker.

``deliver_due(session_factory, now)`` is the whole worker step: it claims due
rows (compare-and-set to ``sending`` with a lease, committed before the send),
sends each outside any transaction, then records the attempt and the outcome.
Messages sharing an ``ordering_key`` (one receiver, one job) go out strictly in
order: a later one waits while an earlier one is pending or retrying, and
moves once the earlier one is sent or has finally failed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from crewboard.auth.actor import SYSTEM
from crewboard.company.clock import local_at
from crewboard.company.queries import company_tz
from crewboard.config import Settings
from crewboard.db import session_scope, singleton_row, utcnow
from crewboard.events.actions import record_event
from crewboard.notifications import runtime
from crewboard.notifications.channels import CHANNELS, Outgoing, SendError, SendResult
from crewboard.notifications.kinds import ACTIVE, CUSTOMER_CHANNELS, Channel, Kind, OutboxStatus
from crewboard.notifications.models import DeliveryAttempt, NotificationSettings, OutboxMessage

log = logging.getLogger(__name__)
_WROTE = "crewboard_outbox_wrote"

S = OutboxStatus


# ---------------------------------------------------------------- settings and quiet hours

def notification_settings(session: Session) -> NotificationSettings:
    """The settings row; a blank database gets the defaults (one row, even when the
    worker and a request both ask first)."""
    return singleton_row(session, NotificationSettings, lambda: NotificationSettings(
        rules={}, job_type_rules={}, quiet_start="21:00", quiet_end="08:00",
        quiet_exempt=["on_my_way", "delay"], reminder_time="17:00"))


def quiet_until(cfg: NotificationSettings, tz: ZoneInfo, now: datetime) -> datetime | None:
    """When the quiet hours ``now`` falls in end (UTC), or None outside them."""
    if not cfg.quiet_start or not cfg.quiet_end or cfg.quiet_start == cfg.quiet_end:
        return None
    local = now.astimezone(tz)
    hhmm = local.strftime("%H:%M")
    start, end = cfg.quiet_start, cfg.quiet_end
    today = local.date()
    if start < end:
        inside = start <= hhmm < end
        return local_at(tz, today, end) if inside else None
    if hhmm >= start:
        return local_at(tz, today + timedelta(days=1), end)
    if hhmm < end:
        return local_at(tz, today, end)
    return None


def is_quiet_exempt(cfg: NotificationSettings, kind: str, channel: str) -> bool:
    if channel not in (c.value for c in CUSTOMER_CHANNELS):
        return True
    if kind not in (k.value for k in Kind):
        return True  # admin notices
    return kind in (cfg.quiet_exempt or [])


# ---------------------------------------------------------------- writing rows

def add_message(session: Session, *, kind: str, channel: Channel | str, to: str,
                ordering_key: str, text: str = "", subject: str | None = None,
                html: str | None = None, payload: dict[str, Any] | None = None,
                job_id: int | None = None, customer_id: int | None = None,
                technician_id: int | None = None, event_id: int | None = None,
                subscription_id: int | None = None, dedupe_key: str | None = None,
                status: OutboxStatus = S.pending, reason: str | None = None,
                not_before: datetime | None = None, held: bool = False,
                redelivery_of: int | None = None, flush: bool = True) -> OutboxMessage:
    """Insert one outbox row in the caller's transaction."""
    now = utcnow()
    row = OutboxMessage(
        created_at=now, kind=kind, channel=str(channel), to_address=to, subject=subject,
        body_text=text, body_html=html, payload=payload or {}, job_id=job_id,
        customer_id=customer_id, technician_id=technician_id, event_id=event_id,
        subscription_id=subscription_id, dedupe_key=dedupe_key, ordering_key=ordering_key,
        idempotency_key=uuid.uuid4().hex, status=status.value, status_reason=reason,
        not_before=not_before or now, held=held, attempts=0, redelivery_of=redelivery_of)
    session.add(row)
    if flush:
        session.flush()
    if status is S.pending:
        session.info[_WROTE] = True
    return row


def dedupe_exists(session: Session, key: str) -> bool:
    return bool(existing_keys(session, [key]))


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of ``keys`` some outbox row already carries."""
    if not keys:
        return set()
    return set(session.scalars(select(OutboxMessage.dedupe_key)
                               .where(OutboxMessage.dedupe_key.in_(keys))))


def wake_after_commit(session: Session) -> None:
    """Called by the commit hook: rows were written, so the worker should look now."""
    if session.info.pop(_WROTE, False):
        runtime.wakeup.set()


# ---------------------------------------------------------------- delivering

def backoff(settings: Settings, attempt: int) -> timedelta:
    seconds = settings.outbox_backoff_s * (2 ** max(0, attempt - 1))
    return timedelta(seconds=min(seconds, settings.outbox_backoff_max_s))


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)


ResultHook = Callable[[Session, OutboxMessage, bool, bool, Settings], None]
RESULT_HOOKS: dict[str, ResultHook] = {}
"""Per channel, what else an outcome changes (webhooks count failures and disable)."""
PLANNERS: list[Callable[[Session, dict[str, Any]], None]] = []
"""Run by the commit hook for every event of the committing transaction, in order:
each writes the outbox rows the event calls for (customer messages, webhooks)."""
PREPARE_HOOKS: dict[str, Callable[[Session, OutboxMessage], dict[str, Any] | str]] = {}
"""Per channel, extra data a send needs (a webhook's URL and secret), or why it cannot go."""


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return or_((OutboxMessage.status == S.pending.value) & (OutboxMessage.not_before <= now),
               (OutboxMessage.status == S.sending.value) & (OutboxMessage.lease_until <= now))


def _heads(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    """Due rows that are first in line for their ordering key."""
    due = list(session.scalars(select(OutboxMessage).where(_due(now))
                               .order_by(OutboxMessage.id).limit(limit)))
    if not due:
        return []
    keys = {r.ordering_key for r in due}
    blocking = or_(OutboxMessage.status == S.sending.value,
                   OutboxMessage.held.is_(False), OutboxMessage.not_before <= now)
    first = dict(session.execute(
        select(OutboxMessage.ordering_key, func.min(OutboxMessage.id))
        .where(OutboxMessage.ordering_key.in_(keys),
               OutboxMessage.status.in_([s.value for s in ACTIVE]), blocking)
        .group_by(OutboxMessage.ordering_key)).all())
    return [r for r in due if first.get(r.ordering_key) == r.id]


def _final_failure(session: Session, row: OutboxMessage, error: str, settings: Settings,
                   now: datetime) -> None:
    row.status, row.failed_at, row.lease_until = S.failed.value, now, None
    row.status_reason = error
    action = "webhook.delivery_failed" if row.channel == Channel.webhook else \
        "notification.failed"
    record_event(session, SYSTEM, action, "outbox", row.id, job_id=row.job_id,
                 technician_id=row.technician_id, reason=error,
                 data={"kind": row.kind, "channel": row.channel, "to": row.to_address,
                       "attempts": row.attempts, "subscription_id": row.subscription_id})


def _skip(session: Session, row: OutboxMessage, reason: str) -> None:
    row.status, row.status_reason, row.lease_until = S.skipped.value, reason, None


def _stale(session: Session, row: OutboxMessage) -> str | None:
    """A customer message about a visit that was cancelled since is not sent."""
    if row.channel not in (Channel.sms, Channel.email) or row.job_id is None:
        return None
    if row.kind in (Kind.cancelled, Kind.completed) or row.kind not in (k.value for k in Kind):
        return None
    from crewboard.jobs.kinds import JobStatus
    from crewboard.jobs.models import Job

    job = session.get(Job, row.job_id)
    if job is not None and job.status is JobStatus.cancelled:
        return "the visit was cancelled before this message went out"
    return None


def _unwanted(session: Session, row: OutboxMessage) -> str | None:
    """Consent and opt-out are checked again at send time (a STOP may arrive meanwhile)."""
    if row.channel not in (Channel.sms, Channel.email) or row.kind not in (k.value for k in Kind):
        return None
    from crewboard.customers.models import Customer
    from crewboard.notifications.models import Recipient
    from crewboard.notifications.recipients import normalize

    rcpt = session.scalar(select(Recipient).where(
        Recipient.channel == row.channel,
        Recipient.address == normalize(row.channel, row.to_address)))
    if rcpt is not None and rcpt.opted_out_at is not None:
        return f"{row.to_address} opted out ({rcpt.opted_out_via or 'request'})"
    customer = session.get(Customer, row.customer_id) if row.customer_id else None
    if customer is not None and not getattr(customer, f"consent_{row.channel}"):
        return f"the customer has not consented to {row.channel}"
    return None


def _claim(session: Session, settings: Settings, now: datetime, limit: int,
           report: DeliveryReport) -> list[Outgoing]:
    cfg = notification_settings(session)
    tz = company_tz(session)
    quiet = quiet_until(cfg, tz, now)
    out: list[Outgoing] = []
    for row in _heads(session, now, limit):
        channel = CHANNELS.get(row.channel)
        if row.status == S.sending.value:  # a worker died mid-send (its lease ran out)
            if channel is not None and not channel.idempotent:
                _final_failure(session, row, "delivery interrupted; outcome unknown, not "
                               "resent to avoid a duplicate", settings, now)
                report.failed.append(row.id)
                continue
        if quiet is not None and not is_quiet_exempt(cfg, row.kind, row.channel):
            row.held, row.not_before, row.status = True, quiet, S.pending.value
            report.held.append(row.id)
            continue
        if channel is None:
            _skip(session, row, f"unknown channel {row.channel}")
            report.skipped.append(row.id)
            continue
        why = (channel.unavailable(settings) or _unwanted(session, row)
               or _stale(session, row))
        extra: dict[str, Any] = {}
        if why is None and row.channel in PREPARE_HOOKS:
            prepared = PREPARE_HOOKS[row.channel](session, row)
            if isinstance(prepared, str):
                why = prepared
            else:
                extra = prepared
        if why is not None:
            _skip(session, row, why)
            report.skipped.append(row.id)
            continue
        claimed = session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row.id, _due(now))
            .values(status=S.sending.value, lease_until=now + timedelta(
                seconds=settings.outbox_lease_s), attempts=OutboxMessage.attempts + 1,
                held=False).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another worker took it
        out.append(Outgoing(id=row.id, kind=row.kind, channel=row.channel, to=row.to_address,
                            subject=row.subject, text=row.body_text, html=row.body_html,
                            payload=dict(row.payload or {}),
                            idempotency_key=row.idempotency_key, attempt=row.attempts + 1,
                            extra=extra))
    return out


def _record(factory: sessionmaker[Session], message: Outgoing, started: datetime,
            result: SendResult | None, error: SendError | None, settings: Settings,
            now: datetime, report: DeliveryReport) -> None:
    with session_scope(factory) as session:
        row = session.get(OutboxMessage, message.id)
        if row is None:
            return
        session.add(DeliveryAttempt(
            outbox_id=row.id, number=message.attempt, started_at=started,
            finished_at=utcnow(), ok=error is None,
            response_status=(result.status if result else error.status if error else None),
            response_body=(result.body if result else error.body if error else None),
            error=str(error) if error else None))
        if row.status != S.sending.value or row.attempts != message.attempt:
            return  # our lease ran out and another worker owns the row now
        hook = RESULT_HOOKS.get(row.channel)
        if error is None:
            row.status, row.sent_at, row.lease_until = S.sent.value, utcnow(), None
            row.provider_ref = result.provider_ref if result else None
            row.last_error = None
            report.sent.append(row.id)
            if hook:
                hook(session, row, True, False, settings)
            return
        row.last_error = str(error)
        if error.opted_out and row.channel == Channel.sms:
            from crewboard.notifications.recipients import do_opt_out

            do_opt_out(session, SYSTEM, Channel.sms, row.to_address, "provider")
        if error.permanent or row.attempts >= settings.outbox_max_attempts:
            _final_failure(session, row, str(error), settings, now)
            report.failed.append(row.id)
            if hook:
                hook(session, row, False, True, settings)
            return
        row.status, row.lease_until = S.pending.value, None
        row.not_before = now + backoff(settings, row.attempts)
        report.retrying.append(row.id)
        if hook:
            hook(session, row, False, False, settings)


def deliver_due(session_factory: sessionmaker[Session], now: datetime | None = None, *,
                settings: Settings | None = None, limit: int = 100,
                max_rounds: int = 1000) -> DeliveryReport:
    """Deliver everything due at ``now``, in order per ordering key; returns what happened.

    Safe to run from several workers at once: a row is sent by whoever claims it.
    """
    from crewboard.notifications import rules as _rules  # noqa: F401  (channels registered)

    settings = settings or runtime.current()
    report = DeliveryReport()
    for _ in range(max_rounds):
        at = now or utcnow()
        settled = len(report.skipped) + len(report.failed)
        with session_scope(session_factory) as session:
            batch = _claim(session, settings, at, limit, report)
        if not batch and settled == len(report.skipped) + len(report.failed):
            break  # nothing sent and nothing settled: whatever is left must wait
        for message in batch:
            started = utcnow()
            result, error = None, None
            try:
                result = CHANNELS[message.channel].send(message, settings)
            except SendError as exc:
                error = exc
            except Exception as exc:  # a bug in a channel must not kill the worker
                log.exception("channel %s failed", message.channel)
                error = SendError(f"{type(exc).__name__}: {exc}")
            _record(session_factory, message, started, result, error, settings, at, report)
    return report


def retry_now(session: Session, row: OutboxMessage) -> OutboxMessage:
    """Put a failed or skipped message back in line for one more round of attempts."""
    row.status, row.status_reason, row.not_before = S.pending.value, None, utcnow()
    row.attempts, row.failed_at, row.held, row.lease_until = 0, None, False, None
    session.flush()
    session.info[_WROTE] = True
    return row


def sleep_until_woken(timeout: float) -> None:
    runtime.wakeup.wait(timeout)
    runtime.wakeup.clear()


