"""A real SMTP server for the tests (aiosmtpd), on a free port of 127.0.0.1.

The `smtp_server` fixture gives a `SmtpServer`: `.url` for TRIVSEL_SMTP_URL, `.received`
(what arrived, parsed), `.stop()` and `.start()` to play an outage, and knobs on its handler:
`refuse` (addresses refused at RCPT), `delay` (seconds DATA waits before it answers "451", to
play a server slower than the sender's timeout) and `password` (AUTH is then required and only
that password accepted).

Import the fixture into a test module: `from smtp_server import smtp_server  # noqa: F401`.
"""

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list
    message: EmailMessage

    @property
    def subject(self):
        return str(self.message["Subject"])


class Handler:
    def __init__(self):
        self.received = []
        self.refuse = set()
        self.delay = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            # Real servers often name the address in their reply; the sender must drop it.
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
            return "451 4.3.0 Too slow, try again later"
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    email.message_from_bytes(envelope.content, policy=email.policy.default),
                )
            )
        return "250 OK"


class SmtpServer:
    def __init__(self, password=None):
        self.port = free_port()
        self.handler = Handler()
        self.password = password
        self.controller = None

    @property
    def url(self):
        user = f"trivsel:{self.password}@" if self.password else ""
        return f"smtp://{user}127.0.0.1:{self.port}"

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"right"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    def start(self):
        options = {}
        if self.password is not None:
            # Plain AUTH without TLS is for this test server only.
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=5, **options
        )
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count, timeout=5):
        """Wait (briefly, polling) until `count` messages arrived; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.received


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server_with_login():
    """A server that wants AUTH and accepts only the password "right"."""
    server = SmtpServer(password="wrong")
    server.start()
    yield server
    server.stop()
