"""Routes: notification settings, templates and previews, the outbox, a job's messages,
and the public endpoints customers reach (SMS replies, unsubscribe links)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from crewboard.api.deps import DB, Admin, Dispatcher, Office
from crewboard.api.errors import register_reader
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.auth.actor import Actor, Role
from crewboard.company.queries import company_tz, get_company
from crewboard.errors import DomainError, NotFound
from crewboard.events.actions import record_event
from crewboard.jobs.queries import access_job
from crewboard.notifications import actions, runtime
from crewboard.notifications.context import sample_context
from crewboard.notifications.kinds import CUSTOMER_CHANNELS, Channel, Kind
from crewboard.notifications.models import (
    DeliveryAttempt,
    NotificationSettings,
    OutboxMessage,
    Recipient,
)
from crewboard.notifications.outbox import notification_settings
from crewboard.notifications.recipients import (
    START_WORDS,
    STOP_WORDS,
    do_opt_in,
    do_opt_out,
    find_phone,
)
from crewboard.notifications.templates import render

router = APIRouter(tags=["notifications"])
public = APIRouter(tags=["notifications"])


# ---------------------------------------------------------------- shapes

class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sms: bool | None = None
    email: bool | None = None


class SettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rules: dict[str, dict[str, bool]]
    """Effective company rules: every kind with both channels."""
    job_type_rules: dict[str, dict[str, dict[str, bool]]]
    quiet_start: str | None
    quiet_end: str | None
    quiet_exempt: list[str]
    reminder_time: str
    delay_threshold_min: int
    """The company's delay threshold (PATCH /company), used for delay alerts."""
    version: int


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    rules: dict[str, RuleIn] | None = None
    job_type_rules: dict[int, dict[str, RuleIn]] | None = None
    quiet_start: str | None = None
    quiet_end: str | None = None
    quiet_exempt: list[str] | None = None
    reminder_time: str | None = None


class AttemptRead(BaseModel):
    number: int
    started_at: datetime
    finished_at: datetime
    ok: bool
    response_status: int | None
    response_body: str | None
    error: str | None


class MessageRead(BaseModel):
    id: int
    created_at: datetime
    kind: str
    channel: str
    status: str
    status_reason: str | None
    job_id: int | None
    customer_id: int | None
    subscription_id: int | None
    event_id: int | None
    to: str
    subject: str | None
    text: str
    html: str | None
    payload: dict[str, Any] | None
    held: bool
    not_before: datetime
    attempts: int
    last_error: str | None
    provider_ref: str | None
    sent_at: datetime | None
    failed_at: datetime | None
    redelivery_of: int | None
    attempt_log: list[AttemptRead] | None = None


def read_message(session: Any, row: OutboxMessage, *, attempts: bool = False) -> MessageRead:
    log = None
    if attempts:
        log = [AttemptRead.model_validate(a, from_attributes=True) for a in session.scalars(
            select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == row.id)
            .order_by(DeliveryAttempt.id))]
    webhook = row.channel == Channel.webhook.value
    return MessageRead(
        id=row.id, created_at=row.created_at, kind=row.kind, channel=row.channel,
        status=row.status, status_reason=row.status_reason, job_id=row.job_id,
        customer_id=row.customer_id, subscription_id=row.subscription_id,
        event_id=row.event_id, to=row.to_address, subject=row.subject, text=row.body_text,
        html=row.body_html, payload=row.payload if webhook else None, held=row.held,
        not_before=row.not_before, attempts=row.attempts, last_error=row.last_error,
        provider_ref=row.provider_ref, sent_at=row.sent_at, failed_at=row.failed_at,
        redelivery_of=row.redelivery_of, attempt_log=log)


def read_settings(cfg: NotificationSettings, threshold: int = 15) -> SettingsRead:
    rules = {k.value: {c.value: bool(((cfg.rules or {}).get(k.value) or {}).get(c.value, True))
                       for c in CUSTOMER_CHANNELS} for k in Kind}
    return SettingsRead(rules=rules, job_type_rules=cfg.job_type_rules or {},
                        quiet_start=cfg.quiet_start, quiet_end=cfg.quiet_end,
                        quiet_exempt=list(cfg.quiet_exempt or []),
                        reminder_time=cfg.reminder_time, delay_threshold_min=threshold,
                        version=cfg.version)


register_reader(NotificationSettings, read_settings)


class TemplateChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=1000)
    text: str | None = Field(default=None, max_length=20000)
    html: str | None = Field(default=None, max_length=100000)


class TemplateIn(BaseModel):
    """Fields per channel; a channel given as null goes back to the default."""

    model_config = ConfigDict(extra="forbid")

    sms: TemplateChannelIn | None = None
    email: TemplateChannelIn | None = None


# ---------------------------------------------------------------- settings and templates

def _threshold(session: Any) -> int:
    from crewboard.notifications.rules import delay_threshold_min

    return delay_threshold_min(session)


@router.get("/notifications/settings", response_model=SettingsRead)
def read_notification_settings(session: DB, actor: Office) -> SettingsRead:
    return read_settings(notification_settings(session), _threshold(session))


@router.patch("/notifications/settings", response_model=SettingsRead)
def update_notification_settings(body: SettingsUpdate, session: DB,
                                 actor: Admin) -> SettingsRead:
    """Rules per kind and channel (and per job type), quiet hours, reminder time."""
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    cfg = actions.do_update_settings(session, actor, version=version, values=values)
    return read_settings(cfg, _threshold(session))


@router.get("/notifications/templates/{kind}")
def read_template(kind: str, session: DB, actor: Office) -> dict[str, Any]:
    """The template in use per channel, and whether it is the built-in default."""
    return actions.effective_template(session, actions.check_kind(kind))


@router.put("/notifications/templates/{kind}")
def update_template(kind: str, body: TemplateIn, session: DB, actor: Admin) -> dict[str, Any]:
    """Save the company's wording (Jinja2, sandboxed); null fields keep the default."""
    k = actions.check_kind(kind)
    changes = {name: (value if value is None else {f: v for f, v in value.items()})
               for name, value in body.model_dump(exclude_unset=True).items()}
    actions.do_update_template(session, actor, k, changes)
    return actions.effective_template(session, k)


@router.post("/notifications/templates/{kind}/preview")
def preview_template(kind: str, session: DB, actor: Office,
                     body: TemplateIn | None = None) -> dict[str, Any]:
    """Render with sample data: the saved template, or the unsaved one in the body."""
    k = actions.check_kind(kind)
    tz = company_tz(session)
    context = sample_context(get_company(session).name, tz)
    given = body.model_dump(exclude_unset=True) if body else {}
    out: dict[str, Any] = {"kind": k.value, "context": context}
    current = actions.effective_template(session, k)
    for channel in CUSTOMER_CHANNELS:
        fields = {f: v for f, v in current[channel.value].items()
                  if f in ("subject", "text", "html")}
        if given.get(channel.value):
            fields.update({f: v for f, v in given[channel.value].items() if v is not None})
        actions.check_template_fields(channel, fields)
        rendered = render(k, channel, context, tz, fields, strict=True)
        out[channel.value] = {"subject": rendered.subject, "text": rendered.text,
                              "html": rendered.html}
    return out


# ---------------------------------------------------------------- outbox

@router.get("/outbox")
def list_outbox(session: DB, actor: Office,
                status: str | None = Query(default=None, description="e.g. failed"),
                channel: str | None = None, job_id: int | None = None,
                limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """Messages and webhook deliveries, newest first (``?status=failed`` for the board)."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if channel:
        stmt = stmt.where(OutboxMessage.channel == channel)
    if job_id is not None:
        stmt = stmt.where(OutboxMessage.job_id == job_id)
    return paginate(session, stmt, limit, offset, lambda r: read_message(session, r))


@router.get("/outbox/{message_id}", response_model=MessageRead)
def read_outbox_message(message_id: int, session: DB, actor: Office) -> MessageRead:
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound("Message", message_id)
    return read_message(session, row, attempts=True)


@router.post("/outbox/{message_id}/retry", response_model=MessageRead)
def retry_message(message_id: int, session: DB, actor: Dispatcher) -> MessageRead:
    """Give a failed (or skipped) message another round of attempts."""
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound("Message", message_id)
    return read_message(session, actions.do_retry_message(session, actor, row))


@router.get("/jobs/{job_id}/messages")
def job_messages(job_id: int, session: DB, actor: Office) -> dict[str, Any]:
    """Every customer message and webhook delivery about the job, oldest first."""
    job = access_job(session, actor, job_id)
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.job_id == job.id)
                           .order_by(OutboxMessage.id))
    return {"items": [read_message(session, r, attempts=True) for r in rows]}


# ---------------------------------------------------------------- public endpoints

TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL plus sorted params."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    mac = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def _inbound_actor(number: str) -> Actor:
    return Actor(user_id=None, role=Role.viewer, name=f"SMS from {number}")


@public.post("/notifications/sms/inbound")
async def sms_inbound(request: Request, session: DB) -> Response:
    """A reply to our texts, as Twilio posts it (form fields From, Body, ...).

    STOP (and Twilio's other opt-out words) stops texts to that number; START
    undoes it. With a Twilio auth token configured the request must carry a
    valid X-Twilio-Signature, computed over CREWBOARD_PUBLIC_URL + this path.
    """
    form = {k: str(v) for k, v in (await request.form()).items()}
    settings = request.app.state.settings
    if settings.twilio_auth_token:
        url = settings.public_url.rstrip("/") + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        expected = twilio_signature(settings.twilio_auth_token, url, form)
        if not hmac.compare_digest(expected, request.headers.get("x-twilio-signature", "")):
            raise DomainError("bad_signature", "The request is not signed by the SMS gateway.",
                              status=403)
    number, text = form.get("From", ""), (form.get("Body") or "").strip()
    word = text.upper().strip(" .!")
    if number:
        actor = _inbound_actor(number)
        if word in STOP_WORDS:
            do_opt_out(session, actor, Channel.sms, number, "sms_stop")
            action = "notification.opted_out"
        elif word in START_WORDS:
            do_opt_in(session, actor, Channel.sms, number, "sms_start")
            action = "notification.opted_in"
        else:
            action = "notification.sms_reply"
        known = find_phone(session, number)
        record_event(session, actor, action, "recipient", known[0].id if known else 0,
                     data={"from": number, "body": text[:1000], "channel": "sms"})
    return Response(TWIML_EMPTY, media_type="text/xml")


def _recipient(session: Any, token: str) -> Recipient:
    row = session.scalar(select(Recipient).where(Recipient.token == token)) if (
        token and len(token) <= 64) else None
    if row is None:
        raise DomainError("link_not_found", "This unsubscribe link is not valid.", status=404)
    return row


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width"><meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title></head><body style=\"font-family:sans-serif;"
        f'max-width:32em;margin:3em auto">{body}</body></html>',
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


@public.get("/notifications/unsubscribe/{token}")
def unsubscribe_page(token: str, session: DB) -> HTMLResponse:
    """A page with one button (a GET changes nothing: mail scanners follow links)."""
    row = _recipient(session, token)
    name = escape(get_company(session).name)
    if row.opted_out_at is not None:
        return _page("Unsubscribed", f"<p>{escape(row.address)} gets no more e-mail from "
                     f"{name}.</p>")
    return _page("Unsubscribe", f"<p>Stop e-mails from {name} to "
                 f"<strong>{escape(row.address)}</strong>?</p><form method=\"post\">"
                 '<button type="submit">Unsubscribe</button></form>')


@public.post("/notifications/unsubscribe/{token}")
def unsubscribe(token: str, session: DB) -> HTMLResponse:
    """Unsubscribe (the page's button, or a mail client's one-click RFC 8058 POST)."""
    row = _recipient(session, token)
    actor = Actor(user_id=None, role=Role.viewer, name=f"{row.address} (unsubscribe link)")
    do_opt_out(session, actor, Channel(row.channel), row.address, "unsubscribe_link")
    record_event(session, actor, "notification.opted_out", "recipient", row.id,
                 data={"channel": row.channel, "via": "unsubscribe_link"})
    return _page("Unsubscribed", f"<p>Done: {escape(row.address)} gets no more e-mail from "
                 f"{escape(get_company(session).name)}.</p>")


# ---------------------------------------------------------------- wiring

def install(app: FastAPI, prefix: str) -> None:
    """Routers (notifications and webhooks) and the delivery worker for the app's life."""
    from crewboard.notifications import rules as _rules  # noqa: F401  (commit hook)
    from crewboard.notifications.worker import OutboxWorker
    from crewboard.webhooks.api import router as webhooks_router

    settings = app.state.settings
    runtime.configure(settings)
    app.include_router(router, prefix=prefix)
    app.include_router(webhooks_router, prefix=prefix)
    app.include_router(public)
    if not (settings.outbox_worker and getattr(settings, "background", True)):
        return
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[Any]:
        worker = OutboxWorker(application.state.session_factory, settings)
        worker.start()
        application.state.outbox_worker = worker
        try:
            async with inner(application) as state:
                yield state
        finally:
            worker.stop()

    app.router.lifespan_context = lifespan
