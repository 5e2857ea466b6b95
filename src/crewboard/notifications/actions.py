"""Editing notification settings and templates; retrying a message."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.company.clock import check_hhmm
from crewboard.db import utcnow
from crewboard.errors import Conflict, NotFound, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.notifications.kinds import CUSTOMER_CHANNELS, Channel, Kind, OutboxStatus
from crewboard.notifications.models import MessageTemplate, NotificationSettings, OutboxMessage
from crewboard.notifications.outbox import notification_settings, retry_now
from crewboard.notifications.templates import DEFAULTS, FIELDS, check_template


def check_kind(kind: str) -> Kind:
    try:
        return Kind(kind)
    except ValueError:
        raise NotFound("Notification kind", kind) from None


def _check_rules(rules: dict[str, Any], field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind, channels in rules.items():
        if kind not in Kind.__members__:
            raise ValidationFailed("unknown_kind", f"{field}: '{kind}' is not a notification "
                                   f"kind ({', '.join(Kind)}).", field=field)
        out[kind] = {c: bool(v) for c, v in (channels or {}).items() if v is not None}
    return out


def do_update_settings(session: Session, actor: Actor, *, version: int | None,
                       values: dict[str, Any]) -> NotificationSettings:
    cfg = notification_settings(session)
    check_version(cfg, version, "The notification settings")
    for field in ("quiet_start", "quiet_end", "reminder_time"):
        if values.get(field) is not None:
            values[field] = check_hhmm(values[field], field)
    if values.get("reminder_time", "") is None:
        raise ValidationFailed("value_required", "reminder_time cannot be null.",
                               field="reminder_time")
    if ("quiet_start" in values) != ("quiet_end" in values) and None in (
            values.get("quiet_start", 0), values.get("quiet_end", 0)):
        raise ValidationFailed("quiet_hours_pair", "Set quiet_start and quiet_end together "
                               "(both null turns quiet hours off).", field="quiet_start")
    if values.get("rules") is not None:
        values["rules"] = _check_rules(values["rules"], "rules")
    if values.get("job_type_rules") is not None:
        values["job_type_rules"] = {str(k): _check_rules(v, f"job_type_rules.{k}")
                                    for k, v in values["job_type_rules"].items()}
    if values.get("quiet_exempt") is not None:
        values["quiet_exempt"] = sorted({check_kind(k).value for k in values["quiet_exempt"]})
    changed = apply_changes(cfg, {k: v for k, v in values.items() if k != "version"})
    session.flush()
    record_event(session, actor, "notifications.settings_updated", "notification_settings",
                 cfg.id, data={"changed": changed})
    return cfg


def template_of(session: Session, kind: Kind, channel: Channel) -> MessageTemplate | None:
    return session.scalar(select(MessageTemplate).where(MessageTemplate.kind == kind.value,
                                                        MessageTemplate.channel == channel.value))


def effective_template(session: Session, kind: Kind) -> dict[str, Any]:
    """Per channel: the fields in use and whether they are the built-in default."""
    out: dict[str, Any] = {"kind": kind.value}
    for channel in CUSTOMER_CHANNELS:
        row = template_of(session, kind, channel)
        default = DEFAULTS[kind][channel]
        fields = {f: (getattr(row, f) if row is not None and getattr(row, f) else default.get(f))
                  for f in FIELDS[channel]}
        out[channel.value] = {**fields, "is_default": row is None,
                              "updated_at": row.updated_at if row else None}
    return out


def check_template_fields(channel: Channel, fields: dict[str, str | None]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, source in fields.items():
        if name not in FIELDS[channel]:
            raise ValidationFailed("unknown_field", f"{channel.value} templates have "
                                   f"{', '.join(FIELDS[channel])}, not '{name}'.",
                                   field=f"{channel.value}.{name}")
        if source is not None:
            check_template(source, f"{channel.value}.{name}")
        clean[name] = source
    return clean


def do_update_template(session: Session, actor: Actor, kind: Kind,
                       changes: dict[str, dict[str, str | None] | None]) -> None:
    """Save the company's template per channel; a channel set to null (or all its fields
    null) goes back to the built-in default."""
    for name, fields in changes.items():
        channel = Channel(name)
        row = template_of(session, kind, channel)
        clean = check_template_fields(channel, fields or {})
        if not fields or all(v is None for v in clean.values()):
            if row is not None:
                session.delete(row)
            continue
        default = DEFAULTS[kind][channel]
        merged = {f: clean.get(f, getattr(row, f) if row else None) or default.get(f)
                  for f in FIELDS[channel]}
        if row is None:
            row = MessageTemplate(kind=kind.value, channel=channel.value, text="")
            session.add(row)
        row.subject, row.text, row.html = merged.get("subject"), merged["text"] or "", \
            merged.get("html")
        row.updated_at, row.updated_by_user_id = utcnow(), actor.user_id
    session.flush()
    record_event(session, actor, "notifications.template_updated", "message_template", 0,
                 data={"kind": kind.value, "channels": sorted(changes)})


def do_retry_message(session: Session, actor: Actor, row: OutboxMessage) -> OutboxMessage:
    if row.status not in (OutboxStatus.failed.value, OutboxStatus.skipped.value):
        raise Conflict("not_failed", f"Message {row.id} is {row.status}; only failed or "
                       "skipped messages can be retried.")
    retry_now(session, row)
    record_event(session, actor, "notification.retried", "outbox", row.id, job_id=row.job_id)
    return row
