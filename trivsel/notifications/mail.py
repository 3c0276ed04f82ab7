"""The built-in e-mail channel: the standard library's smtplib and EmailMessage.

No extra dependency: SMTP is a small protocol the standard library speaks completely (plain,
STARTTLS, implicit TLS, login), and the tests run it against a real SMTP server (aiosmtpd). One
connection per message: a volunteer centre sends a few dozen a day, and a fresh connection
cannot inherit a broken one.
"""

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from trivsel.core.hookspecs import ChannelUnavailable, NotificationChannel

EMAIL = "email"
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
ACCEPTED = (
    "smtp://host:25, smtp+starttls://user:password@host:587 or smtps://user:password@host:465"
)


class SettingsError(ValueError):
    """A notification setting that cannot work; start-up stops with this message."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    def __repr__(self):  # never the password
        user = f"{self.username}:***@" if self.username else ""
        return f"SmtpSettings({self.scheme}://{user}{self.host}:{self.port})"


def parse_smtp_url(url):
    """SmtpSettings for TRIVSEL_SMTP_URL, None when it is not set. The user and password may
    be percent-encoded (a "@" in a password as %40). A URL that cannot work raises
    SettingsError naming the problem (and never the password)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise SettingsError(f"TRIVSEL_SMTP_URL: not a valid URL ({exc}); use {ACCEPTED}") from exc
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise SettingsError(f"TRIVSEL_SMTP_URL: unknown scheme {parts.scheme!r}; use {ACCEPTED}")
    if not parts.hostname:
        raise SettingsError(f"TRIVSEL_SMTP_URL: no host; use {ACCEPTED}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError(f"TRIVSEL_SMTP_URL: a path or query is not understood; use {ACCEPTED}")
    if parts.password is not None and not parts.username:
        raise SettingsError("TRIVSEL_SMTP_URL: a password needs a user name")
    return SmtpSettings(
        scheme=scheme,
        host=parts.hostname,
        port=port or SCHEMES[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def check_settings(config):
    """Refuse settings that cannot work, at start-up: the SMTP URL, the sender address, the
    base URL of links, the numbers."""
    parse_smtp_url(config.get("SMTP_URL"))
    if "@" not in parseaddr(config.get("MAIL_FROM") or "")[1]:
        raise SettingsError(
            "TRIVSEL_MAIL_FROM: not an e-mail address (e.g. trivsel@example.org or "
            '"Trivsel <trivsel@example.org>")'
        )
    base = urlsplit(config.get("BASE_URL") or "")
    if base.scheme not in ("http", "https") or not base.netloc:
        raise SettingsError(
            "TRIVSEL_BASE_URL: give the address Trivsel is served on, e.g. "
            "https://trivsel.example.org"
        )
    if not config.get("SMTP_TIMEOUT") or float(config["SMTP_TIMEOUT"]) <= 0:
        raise SettingsError("TRIVSEL_SMTP_TIMEOUT: a number of seconds above 0")
    if int(config.get("OUTBOX_MAX_ATTEMPTS") or 0) < 1:
        raise SettingsError("TRIVSEL_OUTBOX_MAX_ATTEMPTS: at least 1")
    if not config.get("OUTBOX_RETRY_MINUTES"):
        raise SettingsError("OUTBOX_RETRY_MINUTES: give at least one wait")
    if not 0 <= int(config.get("DIGEST_HOUR", 0)) <= 23:
        raise SettingsError("TRIVSEL_DIGEST_HOUR: an hour from 0 to 23")


def configured():
    """Whether e-mail can be sent: an SMTP URL is set."""
    return bool(current_app.config.get("SMTP_URL"))


def build_message(message, mail_from):
    """The e-mail for an OutgoingMessage: plain text in UTF-8, the .ics attached when there
    is one (text/calendar with its METHOD, as calendar programs expect an invitation)."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = mail_from
    email["To"] = message.address
    email["Date"] = formatdate(localtime=True)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    email.set_content(message.body)
    if message.attachment:
        email.add_attachment(
            message.attachment.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="invitation.ics",
            params={"method": message.method or "REQUEST", "charset": "utf-8"},
        )
    return email


def send(message):
    """Send one OutgoingMessage by SMTP. Raises ChannelUnavailable when the server cannot be
    reached or refuses the login (the channel is paused for the round), SendError when it
    refuses this message (a recipient refused). Their texts are the server's replies."""
    config = current_app.config
    settings = parse_smtp_url(config["SMTP_URL"])
    email = build_message(message, config["MAIL_FROM"])
    envelope_from = parseaddr(config["MAIL_FROM"])[1]
    try:
        smtp = _connect(settings, float(config["SMTP_TIMEOUT"]))
        try:
            smtp.send_message(email, from_addr=envelope_from, to_addrs=[message.address])
        except BaseException:
            smtp.close()  # after a timeout, no QUIT: its answer would take as long again
            raise
        _quit(smtp)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = "; ".join(_reply(code, text) for code, text in exc.recipients.values())
        raise SendError(f"recipient refused: {codes}") from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise SendError(_reply(exc.smtp_code, exc.smtp_error)) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise ChannelUnavailable(
            f"login refused: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise ChannelUnavailable(_reply(exc.smtp_code, exc.smtp_error)) from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib's wrapping of a read timeout
            raise ChannelUnavailable(
                f"no answer from the SMTP server within {config['SMTP_TIMEOUT']} s"
            ) from None
        raise ChannelUnavailable(f"{type(exc).__name__}: {exc}") from None
    except TimeoutError:
        raise ChannelUnavailable(
            f"no answer from the SMTP server within {config['SMTP_TIMEOUT']} s"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, disconnected, TLS
        raise ChannelUnavailable(f"{type(exc).__name__}: {exc}") from None


class SendError(Exception):
    """The server refused this message (not the channel): it is tried again later."""


def _connect(settings, timeout):
    # EHLO with the host name, not socket.getfqdn(): a reverse lookup can hang on bad DNS.
    hostname = socket.gethostname() or "localhost"
    if settings.scheme == "smtps":
        context = ssl.create_default_context()
        smtp = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            local_hostname=hostname,
            timeout=timeout,
            context=context,
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=hostname, timeout=timeout)
    try:
        if settings.scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _quit(smtp):
    """Say goodbye; a message already accepted stays sent whatever the server answers now."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _reply(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def channel():
    """The built-in e-mail channel, in the shape plugin channels have."""
    return NotificationChannel(
        EMAIL, _l("E-mail"), send=send, address=lambda recipient: recipient.email
    )
