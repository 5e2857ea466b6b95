"""Delivery channels (e-mail over SMTP, SMS through a gateway, webhooks) and SMS providers.

Both are registries, Datasette-style: a channel or provider is a small class
registered under a name. Adding an SMS gateway means one class with ``send``::

    @register_sms_provider
    class MyGateway(SmsProvider):
        name = "mygateway"

        def send(self, to, body, idempotency_key): ...

and setting ``CREWBOARD_SMS_PROVIDER=mygateway``.
"""

from __future__ import annotations

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, ClassVar

from crewboard.config import Settings


class SendError(Exception):
    """A failed attempt; ``permanent`` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None,
                 body: str | None = None, opted_out: bool = False) -> None:
        super().__init__(message)
        self.permanent, self.status, self.body, self.opted_out = permanent, status, body, opted_out


@dataclass
class Outgoing:
    """A snapshot of one outbox row for a send (no ORM object leaves the session)."""

    id: int
    kind: str
    channel: str
    to: str
    subject: str | None
    text: str
    html: str | None
    payload: dict[str, Any]
    idempotency_key: str
    attempt: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SendResult:
    provider_ref: str | None = None
    status: int | None = None
    body: str | None = None


class Channel:
    name: ClassVar[str]
    idempotent: ClassVar[bool] = True
    """Whether resending after an interrupted attempt is safe (the receiver dedupes)."""

    def unavailable(self, settings: Settings) -> str | None:
        """Why this channel cannot send with these settings, or None."""
        return None

    def send(self, message: Outgoing, settings: Settings) -> SendResult:
        raise NotImplementedError


CHANNELS: dict[str, Channel] = {}


def register_channel(cls: type[Channel]) -> type[Channel]:
    CHANNELS[cls.name] = cls()
    return cls


# ---------------------------------------------------------------- e-mail

@register_channel
class EmailChannel(Channel):
    """SMTP with plain-text and HTML parts; Message-ID is the idempotency key."""

    name = "email"

    def unavailable(self, settings: Settings) -> str | None:
        return None if settings.smtp_host else "e-mail is not configured (CREWBOARD_SMTP_HOST)"

    def build(self, message: Outgoing, settings: Settings) -> EmailMessage:
        mail = EmailMessage()
        mail["Subject"] = message.subject or ""
        mail["From"] = settings.smtp_from
        mail["To"] = message.to
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{message.idempotency_key}@crewboard>"
        mail["X-Crewboard-Message"] = str(message.id)
        unsubscribe = message.payload.get("unsubscribe_url")
        if unsubscribe:
            mail["List-Unsubscribe"] = f"<{unsubscribe}>"
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, message: Outgoing, settings: Settings) -> SendResult:
        mail = self.build(message, settings)
        host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.send_timeout_s
        security = settings.smtp_security.lower()
        try:
            if security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            with smtp:
                if security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, settings.smtp_password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"recipient refused: {exc.recipients}", permanent=True) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            raise SendError(f"SMTP {exc.smtp_code}: {text}", status=exc.smtp_code,
                            permanent=500 <= exc.smtp_code < 600
                            and exc.smtp_code not in (530, 535)) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"SMTP unreachable: {exc}") from None
        return SendResult(provider_ref=mail["Message-ID"], status=250)


# ---------------------------------------------------------------- SMS

class SmsProvider:
    """An SMS gateway adapter: ``send`` returns the provider's message id."""

    name: ClassVar[str]

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def unavailable(self) -> str | None:
        return None

    def send(self, to: str, body: str, idempotency_key: str) -> SendResult:
        raise NotImplementedError


SMS_PROVIDERS: dict[str, type[SmsProvider]] = {}


def register_sms_provider(cls: type[SmsProvider]) -> type[SmsProvider]:
    SMS_PROVIDERS[cls.name] = cls
    return cls


def http_post(url: str, data: bytes, headers: dict[str, str],
              timeout: float) -> tuple[int, str]:
    """POST and return (status, body); HTTP errors come back as their status, network
    failures raise SendError (retried)."""
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            return reply.status, reply.read(65536).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        body = exc.read(65536).decode(errors="replace") if exc.fp else ""
        return exc.code, body
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"unreachable: {reason}") from None


TWILIO_OPTED_OUT = 21610
"""Twilio: "Attempt to send to unsubscribed recipient" (the number replied STOP)."""


@register_sms_provider
class TwilioProvider(SmsProvider):
    """Twilio's Messages REST API: form-encoded To/From/Body, basic auth, JSON reply."""

    name = "twilio"

    def unavailable(self) -> str | None:
        s = self.settings
        if not (s.twilio_account_sid and s.twilio_auth_token and s.sms_from):
            return ("SMS via Twilio needs CREWBOARD_TWILIO_ACCOUNT_SID, "
                    "CREWBOARD_TWILIO_AUTH_TOKEN and CREWBOARD_SMS_FROM")
        return None

    def send(self, to: str, body: str, idempotency_key: str) -> SendResult:
        s = self.settings
        sid = s.twilio_account_sid or ""
        url = f"{s.twilio_base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
        sender = s.sms_from or ""
        form = {"To": to, "Body": body}
        form["MessagingServiceSid" if sender.startswith("MG") else "From"] = sender
        auth = base64.b64encode(f"{sid}:{s.twilio_auth_token}".encode()).decode()
        status, text = http_post(url, urllib.parse.urlencode(form).encode(), {
            "Authorization": f"Basic {auth}", "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Idempotency-Key": idempotency_key}, s.send_timeout_s)
        try:
            reply = json.loads(text) if text else {}
        except ValueError:
            reply = {}
        if 200 <= status < 300:
            if reply.get("status") in ("failed", "undelivered"):
                raise SendError(f"Twilio: {reply.get('error_message') or reply['status']}",
                                permanent=True, status=status, body=text[:2000])
            return SendResult(provider_ref=reply.get("sid"), status=status, body=text[:2000])
        code = reply.get("code")
        message = f"Twilio {status}" + (f" ({code}): {reply.get('message')}" if code else "")
        permanent = status in (400, 404, 410) and code != 20429
        raise SendError(message, permanent=permanent, status=status, body=text[:2000],
                        opted_out=code == TWILIO_OPTED_OUT)


@register_channel
class SmsChannel(Channel):
    name = "sms"
    idempotent = False  # an interrupted text is not resent: a duplicate is worse than a gap

    def provider(self, settings: Settings) -> SmsProvider | None:
        cls = SMS_PROVIDERS.get((settings.sms_provider or "").lower())
        return cls(settings) if cls else None

    def unavailable(self, settings: Settings) -> str | None:
        if not settings.sms_provider:
            return "SMS is not configured (CREWBOARD_SMS_PROVIDER)"
        provider = self.provider(settings)
        if provider is None:
            return (f"unknown SMS provider '{settings.sms_provider}' "
                    f"(known: {', '.join(sorted(SMS_PROVIDERS))})")
        return provider.unavailable()

    def send(self, message: Outgoing, settings: Settings) -> SendResult:
        provider = self.provider(settings)
        assert provider is not None
        return provider.send(message.to, message.text, message.idempotency_key)


