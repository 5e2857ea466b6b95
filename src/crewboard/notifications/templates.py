"""Message templates: built-in defaults, company edits (Jinja2, sandboxed), rendering.

A template sees plain values only (strings, numbers, small dicts), never ORM
rows; times are already in the company timezone, and the ``local`` filter
formats any datetime in it (``{{ eta_at | local('%H:%M') }}``). Reasons the
office typed (``reason``: why a visit moved, was cancelled or is late) are
available but not shown by the defaults: they are often internal ("J-1041 ran
long").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from crewboard.errors import ValidationFailed
from crewboard.notifications.kinds import Channel, Kind

SMS_FOOTER = ""
LINK = "{% if tracking_url %} Track: {{ tracking_url }}{% endif %}"
TEXT_LINK = "{% if tracking_url %}\n\nFollow your visit: {{ tracking_url }}{% endif %}"
TEXT_FOOT = ("\n\n{{ company.name }}{% if unsubscribe_url %}\n"
             "Unsubscribe: {{ unsubscribe_url }}{% endif %}\n")
HTML_LINK = ('{% if tracking_url %}<p><a href="{{ tracking_url }}">Follow your visit</a>'
             '</p>{% endif %}')
HTML_FOOT = ('<p style="color:#666;font-size:12px">{{ company.name }}'
             '{% if unsubscribe_url %} &middot; <a href="{{ unsubscribe_url }}">Unsubscribe'
             '</a>{% endif %}</p>')


def _html(*paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return ('<!doctype html><html><body style="font-family:sans-serif">'
            f"<p>Hello {{{{ customer.first_name }}}},</p>{body}{HTML_LINK}{HTML_FOOT}"
            "</body></html>")


def _text(*paragraphs: str) -> str:
    return "Hello {{ customer.first_name }},\n\n" + "\n\n".join(paragraphs) + TEXT_LINK + TEXT_FOOT


DEFAULTS: dict[Kind, dict[Channel, dict[str, str]]] = {
    Kind.booking_confirmation: {
        Channel.sms: {"text": "{{ company.name }}: your visit {{ job.ref }} is booked for "
                              "{{ appointment }}." + LINK + " Reply STOP to opt out."},
        Channel.email: {
            "subject": "Your visit is booked: {{ appointment }}",
            "text": _text("your visit {{ job.ref }} at {{ job.address }} is booked for "
                          "{{ appointment }}."),
            "html": _html("your visit {{ job.ref }} at {{ job.address }} is booked for "
                          "<strong>{{ appointment }}</strong>.")},
    },
    Kind.reminder: {
        Channel.sms: {"text": "{{ company.name }}: reminder, we visit you tomorrow, "
                              "{{ appointment }}." + LINK},
        Channel.email: {
            "subject": "Reminder: your visit tomorrow, {{ appointment }}",
            "text": _text("a reminder that we visit you tomorrow, {{ appointment }}, at "
                          "{{ job.address }}."),
            "html": _html("a reminder that we visit you tomorrow, <strong>{{ appointment }}"
                          "</strong>, at {{ job.address }}.")},
    },
    Kind.on_my_way: {
        Channel.sms: {"text": "{{ company.name }}: {{ technician.first_name }} is on the way"
                              "{% if eta %}, arriving about {{ eta }}{% endif %}."
                              "{% if technician.photo_url %} Photo: {{ technician.photo_url }}"
                              "{% endif %}" + LINK},
        Channel.email: {
            "subject": "{{ technician.first_name }} is on the way"
                       "{% if eta %} (about {{ eta }}){% endif %}",
            "text": _text("{{ technician.first_name }} is on the way to {{ job.address }}"
                          "{% if eta %} and should arrive about {{ eta }}{% endif %}."
                          "{% if technician.photo_url %}\n\nPhoto: {{ technician.photo_url }}"
                          "{% endif %}"),
            "html": _html("{% if technician.photo_url %}<img src=\"{{ technician.photo_url }}\" "
                          "alt=\"{{ technician.first_name }}\" width=\"96\"><br>{% endif %}"
                          "{{ technician.first_name }} is on the way to {{ job.address }}"
                          "{% if eta %} and should arrive about <strong>{{ eta }}</strong>"
                          "{% endif %}.")},
    },
    Kind.delay: {
        Channel.sms: {"text": "{{ company.name }}: sorry, we are running late. New arrival "
                              "time about {{ new_eta }}{% if old_eta %} (was {{ old_eta }})"
                              "{% endif %}." + LINK},
        Channel.email: {
            "subject": "We are running late: new arrival about {{ new_eta }}",
            "text": _text("sorry, we are running late for your visit {{ job.ref }}. The new "
                          "arrival time is about {{ new_eta }}{% if old_eta %} (was "
                          "{{ old_eta }}){% endif %}."),
            "html": _html("sorry, we are running late for your visit {{ job.ref }}. The new "
                          "arrival time is about <strong>{{ new_eta }}</strong>"
                          "{% if old_eta %} (was {{ old_eta }}){% endif %}.")},
    },
    Kind.rescheduled: {
        Channel.sms: {"text": "{{ company.name }}: your visit {{ job.ref }} has moved to "
                              "{{ appointment }}." + LINK},
        Channel.email: {
            "subject": "Your visit has moved: {{ appointment }}",
            "text": _text("your visit {{ job.ref }} at {{ job.address }} has moved to "
                          "{{ appointment }}."),
            "html": _html("your visit {{ job.ref }} at {{ job.address }} has moved to "
                          "<strong>{{ appointment }}</strong>.")},
    },
    Kind.cancelled: {
        Channel.sms: {"text": "{{ company.name }}: your visit {{ job.ref }} on "
                              "{{ appointment }} is cancelled. Call us to book again."},
        Channel.email: {
            "subject": "Your visit {{ job.ref }} is cancelled",
            "text": _text("your visit {{ job.ref }} on {{ appointment }} is cancelled.\n\n"
                          "Call us to book again."),
            "html": _html("your visit {{ job.ref }} on {{ appointment }} is cancelled.",
                          "Call us to book again.")},
    },
    Kind.completed: {
        Channel.sms: {"text": "{{ company.name }}: your visit {{ job.ref }} is complete"
                              "{% if proof.completed %} ({{ proof.completed }}){% endif %}. "
                              "Thank you!" + LINK},
        Channel.email: {
            "subject": "Visit {{ job.ref }} complete",
            "text": _text("your visit {{ job.ref }} is complete.\n\n"
                          "Arrived: {{ proof.arrived or '-' }}\n"
                          "Finished: {{ proof.completed or '-' }}\n"
                          "{% if proof.minutes_on_site is not none %}Time on site: "
                          "{{ proof.minutes_on_site }} min\n{% endif %}"
                          "{% if proof.notes %}Work done: {{ proof.notes }}\n{% endif %}"
                          "{% if proof.signed_by %}Signed by: {{ proof.signed_by }}\n{% endif %}"
                          "{% if proof.photos %}Photos taken: {{ proof.photos }}\n{% endif %}"),
            "html": _html("your visit {{ job.ref }} is complete.",
                          "Arrived: {{ proof.arrived or '-' }}<br>"
                          "Finished: {{ proof.completed or '-' }}<br>"
                          "{% if proof.minutes_on_site is not none %}Time on site: "
                          "{{ proof.minutes_on_site }} min<br>{% endif %}"
                          "{% if proof.notes %}Work done: {{ proof.notes }}<br>{% endif %}"
                          "{% if proof.signed_by %}Signed by: {{ proof.signed_by }}<br>"
                          "{% endif %}{% if proof.photos %}Photos taken: {{ proof.photos }}"
                          "{% endif %}")},
    },
}
FIELDS = {Channel.sms: ("text",), Channel.email: ("subject", "text", "html")}


def _local(tz: ZoneInfo):  # type: ignore[no-untyped-def]
    def local(value: Any, fmt: str = "%H:%M") -> str:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
        if isinstance(value, datetime):
            return value.astimezone(tz).strftime(fmt)
        return "" if value is None else str(value)

    return local


@lru_cache(maxsize=8)
def _env(html: bool, tz: str) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=html,
                               keep_trailing_newline=True)
    env.filters["local"] = _local(ZoneInfo(tz))
    return env


@lru_cache(maxsize=512)
def _compile(html: bool, source: str, tz: str = "UTC"):  # type: ignore[no-untyped-def]
    return _env(html, tz).from_string(source)


def check_template(source: str, field: str) -> str:
    """Refuse a template that does not parse, naming the field."""
    try:
        _compile(field.endswith("html"), source)
    except TemplateError as exc:
        raise ValidationFailed("bad_template", f"{field}: {exc}", field=field) from None
    return source


@dataclass
class Rendered:
    subject: str | None
    text: str
    html: str | None
    note: str | None = None
    """Set when the company's template failed and the default was used instead."""


def render(kind: Kind, channel: Channel, context: dict[str, Any], tz: ZoneInfo,
           override: dict[str, str | None] | None = None, *, strict: bool = False) -> Rendered:
    """Render ``kind`` for ``channel``; a broken company template falls back to the default
    (``strict`` raises instead, for previews)."""
    default = DEFAULTS[kind][channel]
    sources = {f: (override or {}).get(f) or default.get(f) for f in FIELDS[channel]}
    try:
        return _render_all(channel, sources, context, tz)
    except (TemplateError, ValueError, TypeError) as exc:
        if strict:
            raise ValidationFailed("bad_template", f"The template does not render: {exc}",
                                   field="template") from None
        if override:
            out = _render_all(channel, dict(default), context, tz)
            out.note = f"company template failed ({exc}); default used"
            return out
        raise


def _render_all(channel: Channel, sources: dict[str, str | None], context: dict[str, Any],
                tz: ZoneInfo) -> Rendered:
    def one(field: str) -> str | None:
        source = sources.get(field)
        if source is None:
            return None
        return str(_compile(field == "html", source, str(tz)).render(context))

    text = (one("text") or "").strip()
    if channel is Channel.sms:
        text = " ".join(text.split())
    subject = one("subject")
    return Rendered(subject=" ".join(subject.split()) if subject else None, text=text,
                    html=one("html"))
