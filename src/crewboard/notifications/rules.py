"""Notification rules: which job events become which customer messages.

A ``before_commit`` hook reads the events queued on the committing session
(see ``crewboard.events.bus``) and writes outbox rows for them in the same
transaction, so a rolled-back change writes, and therefore sends, nothing.
The closed loop (planning) calls :func:`queue_delay_alert`, and may call
:func:`queue_on_my_way` with its own ETA before the commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.company.queries import company_tz, get_company
from crewboard.db import utcnow
from crewboard.events.bus import _PENDING
from crewboard.events.models import Event
from crewboard.jobs.kinds import TERMINAL, JobStatus
from crewboard.jobs.models import Job
from crewboard.notifications import runtime
from crewboard.notifications.context import job_context, time_text
from crewboard.notifications.kinds import CUSTOMER_CHANNELS, Channel, Kind, OutboxStatus
from crewboard.notifications.models import MessageTemplate, NotificationSettings, OutboxMessage
from crewboard.notifications.outbox import (
    PLANNERS,
    add_message,
    existing_keys,
    is_quiet_exempt,
    notification_settings,
    quiet_until,
    wake_after_commit,
)
from crewboard.notifications.recipients import recipient
from crewboard.notifications.templates import render

_DONE = "crewboard_outbox_done"
_CFG = "crewboard_notification_settings"
DEFAULT_DELAY_THRESHOLD_MIN = 15
ETA_ROUND_MIN = 5


# ---------------------------------------------------------------- rule settings

def channels_for(cfg: NotificationSettings, kind: Kind,
                 job_type_id: int | None) -> list[Channel]:
    """Channels ``kind`` goes out on: the job type's override, else the company rule,
    else on."""
    company = (cfg.rules or {}).get(kind.value) or {}
    override = ((cfg.job_type_rules or {}).get(str(job_type_id)) or {}).get(kind.value) or {}
    out = []
    for channel in CUSTOMER_CHANNELS:
        on = override.get(channel.value, company.get(channel.value, True))
        if on:
            out.append(channel)
    return out


def _template_overrides(session: Session) -> dict[tuple[str, str], dict[str, str | None]]:
    cache = session.info.get("crewboard_templates")
    if cache is None:
        cache = {(t.kind, t.channel): {"subject": t.subject, "text": t.text, "html": t.html}
                 for t in session.scalars(select(MessageTemplate))}
        session.info["crewboard_templates"] = cache
    return cache


def _settings_and_tz(session: Session) -> tuple[NotificationSettings, ZoneInfo]:
    """Read once per transaction (a busy commit may queue many messages)."""
    cached = session.info.get(_CFG)
    if cached is None:
        cached = (notification_settings(session), company_tz(session))
        session.info[_CFG] = cached
    return cached


# ---------------------------------------------------------------- customer messages

def _address(job: Job, channel: Channel) -> tuple[str | None, bool]:
    customer = job.customer
    if channel is Channel.sms:
        return (job.contact_phone or customer.phone), bool(customer.consent_sms)
    return (job.contact_email or customer.email), bool(customer.consent_email)


def queue_customer_message(session: Session, job: Job, kind: Kind, *,
                           extra: dict[str, Any] | None = None, dedupe: str | None = None,
                           event_id: int | None = None,
                           now: datetime | None = None) -> list[OutboxMessage]:
    """Write ``kind`` for ``job`` to the outbox on every channel its rule allows.

    A message that must not go (no consent, opted out, no address) is still
    written, as ``skipped`` with the reason, so the job shows why nothing went.
    """
    now = now or utcnow()
    cfg, tz = _settings_and_tz(session)
    channels = channels_for(cfg, kind, job.job_type_id)
    if not channels:
        return []
    context = {**job_context(session, job, tz), **(extra or {})}
    overrides = _template_overrides(session)
    quiet = None if is_quiet_exempt(cfg, kind.value, Channel.sms.value) else \
        quiet_until(cfg, tz, now)
    rows = []
    taken = existing_keys(session, [f"{dedupe}:{c.value}" for c in channels] if dedupe else [])
    for channel in channels:
        key = f"{dedupe}:{channel.value}" if dedupe else None
        if key and key in taken:
            continue
        address, consent = _address(job, channel)
        status, reason, payload = OutboxStatus.pending, None, {}
        ctx = dict(context)
        if not address:
            what = "phone number" if channel is Channel.sms else "e-mail address"
            status, reason = OutboxStatus.skipped, f"the customer has no {what}"
        else:
            rcpt = recipient(session, channel, address)
            if rcpt.opted_out_at is not None:
                status = OutboxStatus.skipped
                reason = f"{address} opted out ({rcpt.opted_out_via or 'request'})"
            elif not consent:
                status = OutboxStatus.skipped
                reason = f"the customer has not consented to {channel.value}"
            if channel is Channel.email:
                ctx["unsubscribe_url"] = (runtime.current().public_url.rstrip("/")
                                          + f"/notifications/unsubscribe/{rcpt.token}")
                payload["unsubscribe_url"] = ctx["unsubscribe_url"]
        rendered = render(kind, channel, ctx, tz, overrides.get((kind.value, channel.value)))
        if rendered.note:
            payload["template_note"] = rendered.note
        for name in ("eta_at", "new_eta_at", "old_eta_at"):
            if ctx.get(name):
                payload[name] = ctx[name]
        rows.append(add_message(
            session, kind=kind.value, channel=channel, to=address or "", subject=rendered.subject,
            text=rendered.text, html=rendered.html, payload=payload, job_id=job.id,
            customer_id=job.customer_id, technician_id=job.technician_id, event_id=event_id,
            dedupe_key=key, ordering_key=f"{channel.value}:job:{job.id}", status=status,
            reason=reason, not_before=quiet or now, held=quiet is not None, flush=False))
    if rows:
        session.flush()
    return rows


def _latest_event_id(session: Session, job_id: int, action: str) -> int | None:
    return session.scalar(select(Event.id).where(Event.job_id == job_id, Event.action == action)
                          .order_by(Event.id.desc()).limit(1))


def predicted_arrival(session: Session, job: Job, now: datetime | None = None
                      ) -> datetime | None:
    """Best ETA we know: a registered planning provider, the planner's stored ETA,
    a straight-line drive from the technician's fresh position, else the planned start."""
    now = now or utcnow()
    for provider in runtime.eta_providers():
        eta = provider(session, job)
        if eta is not None:
            return eta
    try:
        from crewboard.planning import models as planning_models

        job_eta = getattr(planning_models, "JobEta", None)
    except ImportError:  # pragma: no cover
        job_eta = None
    if job_eta is not None:
        row = session.get(job_eta, job.id)
        if row is not None and row.technician_id == job.technician_id and row.arrival >= now:
            return row.arrival
    tech = job.technician
    if (tech is not None and tech.last_seen_at is not None and tech.last_lat is not None
            and tech.last_lon is not None and now - tech.last_seen_at <= timedelta(minutes=30)):
        from crewboard.routing.problem import Location
        from crewboard.routing.travel import StraightLineModel

        secs = int(StraightLineModel().table([Location(tech.last_lat, tech.last_lon)],
                                             [Location(job.location.lat, job.location.lon)])[0][0])
        return max(now, tech.last_seen_at + timedelta(seconds=secs))
    if job.planned_start is not None and job.planned_start > now:
        return job.planned_start
    return None


def queue_on_my_way(session: Session, job: Job, *, eta: datetime | None = None,
                    event_id: int | None = None) -> list[OutboxMessage]:
    """The on-my-way message for the job's latest "on my way" tap (once per tap).

    Call it before the commit with the planner's ``eta`` to have that one used;
    otherwise the commit hook sends it with :func:`predicted_arrival`.
    """
    event_id = event_id or _latest_event_id(session, job.id, "job.en_route")
    tz = company_tz(session)
    eta = eta or predicted_arrival(session, job)
    extra = {"eta": time_text(tz, eta), "eta_at": eta.isoformat() if eta else None}
    return queue_customer_message(session, job, Kind.on_my_way, extra=extra,
                                  dedupe=f"on_my_way:{job.id}:{event_id or 0}",
                                  event_id=event_id)


def delay_threshold_min(session: Session) -> int:
    value = getattr(get_company(session), "delay_threshold_min", None)
    return int(value) if value else DEFAULT_DELAY_THRESHOLD_MIN


def round_eta(eta: datetime) -> datetime:
    step = ETA_ROUND_MIN * 60
    seconds = int(eta.timestamp())
    rounded = (seconds + step // 2) // step * step
    return datetime.fromtimestamp(rounded, tz=eta.tzinfo)


def queue_delay_alert(session: Session, job: Job, old_eta: datetime | None,
                      new_eta: datetime, reason: str | None = None) -> list[OutboxMessage]:
    """Tell the customer the arrival moved, if it is a real change; returns rows written.

    A real change: the new ETA differs from ``old_eta`` (what the customer was last
    told) by at least the company's delay threshold, or it moves past the end of
    the promised window. One message per change: a repeat of the ETA last
    announced (rounded to 5 minutes) writes nothing. Jobs already on site or
    closed get nothing. Delay alerts are time-critical (sent in quiet hours
    unless the company says otherwise).
    """
    if job.status in TERMINAL or job.status is JobStatus.on_site:
        return []
    threshold = timedelta(minutes=delay_threshold_min(session))
    moved = abs(new_eta - old_eta) if old_eta is not None else threshold
    window_end = max((w.ends_at for w in job.windows), default=None)
    crossed = (window_end is not None and new_eta > window_end
               and (old_eta is None or old_eta <= window_end))
    if moved < threshold and not crossed:
        return []
    rounded = round_eta(new_eta)
    last = session.scalar(select(OutboxMessage).where(
        OutboxMessage.job_id == job.id, OutboxMessage.kind == Kind.delay.value)
        .order_by(OutboxMessage.id.desc()).limit(1))
    if last is not None and (last.payload or {}).get("new_eta_at") == rounded.isoformat():
        return []
    tz = company_tz(session)
    extra = {"old_eta": time_text(tz, old_eta), "new_eta": time_text(tz, rounded),
             "eta": time_text(tz, rounded), "eta_at": rounded.isoformat(),
             "new_eta_at": rounded.isoformat(),
             "old_eta_at": old_eta.isoformat() if old_eta else None, "reason": reason}
    return queue_customer_message(session, job, Kind.delay, extra=extra,
                                  dedupe=f"delay:{job.id}:{rounded.isoformat()}")


def send_reminders(session: Session, day: date, *, now: datetime | None = None) -> int:
    """Queue the reminder for every open job on the company-local ``day``; returns how many
    jobs got one (a job is reminded once per day, however often this runs)."""
    from crewboard.jobs.queries import on_day

    tz = company_tz(session)
    jobs = session.scalars(select(Job).where(on_day(tz, day), Job.archived.is_(False),
                                             Job.status.not_in(list(TERMINAL)))
                           .order_by(Job.id)).unique()
    count = 0
    for job in jobs:
        if queue_customer_message(session, job, Kind.reminder, now=now,
                                  dedupe=f"reminder:{job.id}:{day.isoformat()}"):
            count += 1
    return count


def _future(job: Job, now: datetime) -> bool:
    ends = [w.ends_at for w in job.windows]
    if job.planned_start is not None:
        ends.append(job.planned_end or job.planned_start)
    return not ends or max(ends) >= now


def customer_messages_for(session: Session, message: dict[str, Any]) -> None:
    """The rule table: one job event to the customer message it calls for, if any."""
    kind, job_id = message.get("type"), message.get("job_id")
    if not job_id or not isinstance(kind, str) or not kind.startswith("job."):
        return
    if kind not in ("job.created", "job.scheduled", "job.en_route", "job.rescheduled",
                    "job.cancelled", "job.completed"):
        return
    job = session.get(Job, job_id)
    if job is None:
        return
    event_id = message.get("event_id")
    now = utcnow()
    if kind in ("job.created", "job.scheduled"):
        if job.windows and _future(job, now):
            queue_customer_message(session, job, Kind.booking_confirmation, event_id=event_id,
                                   dedupe=f"booking_confirmation:{job.id}")
    elif kind == "job.en_route":
        queue_on_my_way(session, job, event_id=event_id)
    elif kind == "job.rescheduled":
        row = session.get(Event, event_id) if event_id else None
        data = (row.data if row else {}) or {}
        windows = data.get("windows")
        moved = bool(windows) and windows[0] != windows[1]
        start = data.get("planned_start")
        if not moved and not job.windows and start and start[0] and start[1]:
            before, after = (datetime.fromisoformat(s) for s in start)
            moved = abs(after - before) >= timedelta(minutes=delay_threshold_min(session))
        if moved and _future(job, now):
            queue_customer_message(session, job, Kind.rescheduled, event_id=event_id,
                                   dedupe=f"rescheduled:{job.id}:{event_id}",
                                   extra={"reason": row.reason if row else None})
    elif kind == "job.cancelled":
        row = session.get(Event, event_id) if event_id else None
        queue_customer_message(session, job, Kind.cancelled, event_id=event_id,
                               dedupe=f"cancelled:{job.id}:{event_id}",
                               extra={"reason": row.reason if row else None})
    elif kind == "job.completed":
        queue_customer_message(session, job, Kind.completed, event_id=event_id,
                               dedupe=f"completed:{job.id}")


# ---------------------------------------------------------------- the commit hook

PLANNERS.append(customer_messages_for)


@sa_event.listens_for(Session, "before_commit")
def _outbox_before_commit(session: Session) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    done = session.info.get(_DONE, 0)
    while done < len(pending):
        message = pending[done]
        done += 1
        session.info[_DONE] = done
        for planner in PLANNERS:
            planner(session, message)


@sa_event.listens_for(Session, "after_commit")
def _outbox_after_commit(session: Session) -> None:
    _forget(session)
    wake_after_commit(session)


@sa_event.listens_for(Session, "after_soft_rollback")
def _outbox_after_rollback(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        _forget(session)
        session.info.pop("crewboard_outbox_wrote", None)


def _forget(session: Session) -> None:
    """Per-transaction caches end with the transaction."""
    for key in (_DONE, _CFG, "crewboard_templates", "crewboard_webhook_subscriptions"):
        session.info.pop(key, None)


from crewboard.webhooks import delivery as _delivery  # noqa: E402,F401  (registers the channel)
from crewboard.webhooks import planner as _planner  # noqa: E402,F401  (registers the planner)
