"""Real local servers the notification tests talk to.

An SMTP server (aiosmtpd), a webhook receiver (http.server) and a stand-in for
Twilio's Messages API speaking its request and response format (the one
third party we cannot run here). Each binds a free loopback port in a thread.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- SMTP

class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = _Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def parts(message: EmailMessage) -> tuple[str, str | None]:
    """(plain text, html) of a received e-mail."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else "", html.get_content() if html else None)


# ---------------------------------------------------------------- HTTP servers

class _Server:
    """A ThreadingHTTPServer that can go down and come back on the same port."""

    handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self.port = free_port()
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        owner = self

        class Handler(self.handler):  # type: ignore[misc,name-defined]
            server_owner = owner

        ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def down(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None
        if self.thread is not None:
            self.thread.join(5)
            self.thread = None

    def __enter__(self):  # type: ignore[no-untyped-def]
        self.up()
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _ReceiverHandler(BaseHTTPRequestHandler):
    server_owner: Receiver

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        owner = self.server_owner
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = owner.status
        with owner.lock:
            owner.requests.append(Delivery(self.path, dict(self.headers.items()), body))
            if 200 <= status < 300:
                owner.received.append(Delivery(self.path, dict(self.headers.items()), body))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status < 300 else b"nope")


class Receiver(_Server):
    """A webhook receiver: records every request; answers ``status`` (200 unless told)."""

    handler = _ReceiverHandler

    def __init__(self) -> None:
        super().__init__()
        self.status = 200
        self.lock = threading.Lock()
        self.requests: list[Delivery] = []
        self.received: list[Delivery] = []


@dataclass
class Sms:
    to: str
    sender: str
    body: str
    sid: str
    idempotency_key: str | None
    extra: dict[str, str] = field(default_factory=dict)


class _TwilioHandler(BaseHTTPRequestHandler):
    server_owner: FakeTwilio

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        owner = self.server_owner
        expected_path = f"/2010-04-01/Accounts/{owner.account_sid}/Messages.json"
        if self.path != expected_path:
            self._reply(404, {"code": 20404, "message": "The requested resource was not found",
                              "status": 404})
            return
        auth = self.headers.get("Authorization", "")
        want = base64.b64encode(f"{owner.account_sid}:{owner.auth_token}".encode()).decode()
        if auth != f"Basic {want}":
            self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        if self.headers.get("Content-Type", "").split(";")[0] != \
                "application/x-www-form-urlencoded":
            self._reply(400, {"code": 21603, "message": "form body expected", "status": 400})
            return
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        form = {k: v[0] for k, v in parse_qs(raw).items()}
        if owner.error is not None:
            status, code, message = owner.error
            self._reply(status, {"code": code, "message": message,
                                 "more_info": f"https://www.twilio.com/docs/errors/{code}",
                                 "status": status})
            return
        if not form.get("To") or not form.get("Body") or not (
                form.get("From") or form.get("MessagingServiceSid")):
            self._reply(400, {"code": 21604, "message": "A 'To' phone number is required.",
                              "status": 400})
            return
        sid = "SM" + uuid.uuid4().hex
        with owner.lock:
            owner.messages.append(Sms(form["To"], form.get("From", ""), form["Body"], sid,
                                      self.headers.get("Idempotency-Key"), form))
        self._reply(201, {"sid": sid, "account_sid": owner.account_sid, "to": form["To"],
                          "from": form.get("From"), "body": form["Body"], "status": "queued",
                          "num_segments": "1", "direction": "outbound-api",
                          "error_code": None, "error_message": None,
                          "uri": f"{expected_path[:-5]}/{sid}.json"})


class FakeTwilio(_Server):
    """Twilio's Messages resource: POST form To/From/Body with basic auth, JSON reply."""

    handler = _TwilioHandler
    account_sid = "AC" + "0" * 32
    auth_token = "twilio-auth-token"

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.messages: list[Sms] = []
        self.error: tuple[int, int, str] | None = None

    def to(self, number: str) -> list[Sms]:
        with self.lock:
            return [m for m in self.messages if m.to == number]
