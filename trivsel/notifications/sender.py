"""Delivering the outbox: claim each due message, send it by its channel, and record the
outcome; a failure waits and is tried again, a bounded number of times.

Two senders at once (cron every minute and a slow run before it, or a worker and a manual
`flask outbox send`) never send one message twice: a message is claimed with one atomic
``UPDATE ... SET status='sending' WHERE id=? AND status='queued' AND due_at<=now``, and only
the sender whose update changed the row sends it (the row lock makes the second UPDATE wait
and find the status changed, on PostgreSQL as on SQLite). The claim is committed before
sending. A sender that dies while sending leaves a claim behind; after OUTBOX_CLAIM_MINUTES it
is taken back and the message tried again, so a message may, after such a crash, arrive twice:
it never arrives zero times.

Logs name message ids, kinds and channels, never an address or a text.
"""

import logging
import os
import secrets
import socket
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from trivsel.core.db import now as clock
from trivsel.core.hookspecs import ChannelUnavailable, OutgoingMessage, Recipient
from trivsel.core.users import User
from trivsel.notifications import channels as registry
from trivsel.notifications import digest, mail, outbox
from trivsel.notifications.models import OutboxMessage

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
# Why a message failed (OutboxMessage.failure).
NO_ADDRESS = "no_address"
NO_CHANNEL = "no_channel"
GAVE_UP = "gave_up"
UNREACHABLE = (NO_ADDRESS, NO_CHANNEL)
MAX_ERROR = 500
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """How hard the sender tries (from the settings)."""

    max_attempts: int
    retry_minutes: tuple
    claim_minutes: int

    @classmethod
    def from_config(cls, config):
        return cls(
            int(config["OUTBOX_MAX_ATTEMPTS"]),
            tuple(config["OUTBOX_RETRY_MINUTES"]),
            int(config["OUTBOX_CLAIM_MINUTES"]),
        )

    def wait_after(self, attempts):
        """The wait after the `attempts`-th failed try (the schedule's last wait repeats)."""
        return timedelta(minutes=self.retry_minutes[min(attempts, len(self.retry_minutes)) - 1])


@dataclass
class Round:
    """What one round of the sender did."""

    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # given up, or no address or channel
    reclaimed: int = 0  # claims of a sender that stopped, taken back
    digests: int = 0  # morning digests gathered
    waiting: int = 0  # e-mails due while no SMTP URL is set
    paused: set = field(default_factory=set)  # channels that were unavailable

    def summary(self):
        text = (
            f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}, "
            f"digests {self.digests}, taken back {self.reclaimed}"
        )
        if self.waiting:
            text += f"; {self.waiting} e-mails wait: TRIVSEL_SMTP_URL is not set"
        if self.paused:
            text += f"; unavailable: {', '.join(sorted(self.paused))}"
        return text


def sender_id():
    """Who claims: host, process and a random part (threads of one process differ too)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(4)}"


def send_due(now=None, limit=500):
    """One round: take back stale claims, gather the morning digests, fail what no channel
    carries, then claim and send each message that is due (oldest first, at most `limit`).
    Needs an app context and a database connection. `now` is for tests (a later time plays a
    wait). Returns a Round."""
    now = now or clock()
    policy = Policy.from_config(current_app.config)
    result = Round()
    result.reclaimed = reclaim_stale(now, policy)
    result.digests = digest.gather(now)
    channels = registry.all_channels()
    result.failed += fail_without_channel(now, set(channels))
    if not mail.configured():
        del channels[mail.EMAIL]
        result.waiting = (
            OutboxMessage.select().where(_due(now) & (OutboxMessage.channel == mail.EMAIL)).count()
        )
    me = sender_id()
    due = (
        OutboxMessage.select(OutboxMessage.id, OutboxMessage.channel)
        .where(_due(now) & OutboxMessage.channel.in_(list(channels)))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    for row in list(due):
        # Claimed at the moment of claiming, not when the round began: a round that runs long
        # must not leave claims that look stale to the next sender while it is still sending.
        if row.channel in result.paused or not claim(row.id, me, now, max(now, clock())):
            continue
        outcome = deliver(row.id, channels[row.channel], me, now, policy, result.paused)
        if outcome == SENT:
            result.sent += 1
        elif outcome == QUEUED:
            result.retrying += 1
        elif outcome == FAILED:
            result.failed += 1
    return result


def _due(now):
    return (OutboxMessage.status == QUEUED) & (OutboxMessage.due_at <= now)


def claim(message_id, me, now, at=None):
    """Claim one message due by `now` for sender `me`, stamped `at` (default `now`): True when
    this sender's update changed it."""
    changed = (
        OutboxMessage.update(status=SENDING, claimed_by=me, claimed_at=at or now)
        .where((OutboxMessage.id == message_id) & _due(now))
        .execute()
    )
    return changed == 1


def deliver(message_id, channel, me, now, policy, paused):
    """Send one claimed message by `channel`; returns its new status."""
    row = OutboxMessage.get_by_id(message_id)
    user = User.get_or_none(User.id == row.user_id) if row.user_id else None
    recipient = Recipient(user.id, user.name, user.email, user.role) if user else None
    try:
        address = row.address or (channel.address(recipient) if recipient else None)
    except Exception as exc:
        return _failed_try(row, me, now, policy, _error_text(exc, None))
    if not address:
        error = f"no address on the channel {row.channel!r}"
        return _give_up(row, me, now, NO_ADDRESS, error)
    message = OutgoingMessage(
        id=row.id,
        kind=row.kind,
        address=address,
        subject=row.subject,
        body=row.body,
        attachment=row.attachment,
        method=row.attachment_method,
    )
    try:
        channel.send(message)
    except ChannelUnavailable as exc:
        paused.add(row.channel)
        return _failed_try(row, me, now, policy, _error_text(exc, address))
    except Exception as exc:
        return _failed_try(row, me, now, policy, _error_text(exc, address))
    sent = {"status": SENT, "sent_at": max(now, clock()), **outbox.masked_after_sending(row)}
    if not _record(row, me, **sent):
        return None
    log.info("outbox message %s (%s) sent by %s", row.id, row.kind, row.channel)
    return SENT


def _failed_try(row, me, now, policy, error):
    attempts = row.attempts + 1
    if attempts >= policy.max_attempts:
        return _give_up(row, me, now, GAVE_UP, error, attempts=attempts)
    due_at = now + policy.wait_after(attempts)
    if not _record(row, me, status=QUEUED, attempts=attempts, due_at=due_at, last_error=error):
        return None
    log.warning(
        "outbox message %s (%s) not sent by %s, try %d, again at %s: %s",
        row.id,
        row.kind,
        row.channel,
        attempts,
        due_at,
        error,
    )
    return QUEUED


def _give_up(row, me, now, failure, error, attempts=None):
    values = {"status": FAILED, "failure": failure, "last_error": error}
    if attempts is not None:
        values["attempts"] = attempts
    if not _record(row, me, **values):
        return None
    log.error("outbox message %s (%s) failed on %s: %s", row.id, row.kind, row.channel, error)
    return FAILED


def _record(row, me, **values):
    """Record an outcome, if the claim is still this sender's (it may have been taken back
    after OUTBOX_CLAIM_MINUTES)."""
    changed = (
        OutboxMessage.update(claimed_by=None, claimed_at=None, **values)
        .where(
            (OutboxMessage.id == row.id)
            & (OutboxMessage.status == SENDING)
            & (OutboxMessage.claimed_by == me)
        )
        .execute()
    )
    if changed != 1:
        log.warning("outbox message %s (%s): claim lost while sending", row.id, row.kind)
    return changed == 1


def reclaim_stale(now, policy):
    """Take back the claims of senders that stopped (claimed longer ago than the bound): the
    message counts a try and waits no longer, or fails when it was its last."""
    stale = (OutboxMessage.status == SENDING) & (
        OutboxMessage.claimed_at < now - timedelta(minutes=policy.claim_minutes)
    )
    error = "the sender stopped while sending; tried again"
    out_of_tries = OutboxMessage.attempts + 1 >= policy.max_attempts
    gave_up = (
        OutboxMessage.update(
            status=FAILED,
            failure=GAVE_UP,
            attempts=OutboxMessage.attempts + 1,
            last_error=error,
            claimed_by=None,
            claimed_at=None,
        )
        .where(stale & out_of_tries)
        .execute()
    )
    again = (
        OutboxMessage.update(
            status=QUEUED,
            attempts=OutboxMessage.attempts + 1,
            due_at=now,
            last_error=error,
            claimed_by=None,
            claimed_at=None,
        )
        .where(stale)
        .execute()
    )
    if gave_up or again:
        log.warning("outbox: took back %d stale claims (%d failed)", gave_up + again, gave_up)
    return gave_up + again


def fail_without_channel(now, known):
    """Messages due on a channel no plugin provides (any more) fail at once: nothing waits
    for a channel that will not come, and the admin sees who cannot be reached."""
    rows = OutboxMessage.select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.channel).where(
        _due(now) & OutboxMessage.channel.not_in(list(known))
    )
    failed = 0
    for row in list(rows):
        error = f"no plugin provides the channel {row.channel!r}"
        changed = (
            OutboxMessage.update(status=FAILED, failure=NO_CHANNEL, last_error=error)
            .where((OutboxMessage.id == row.id) & (OutboxMessage.status == QUEUED))
            .execute()
        )
        if changed:
            failed += 1
            log.error("outbox message %s (%s) failed: %s", row.id, row.kind, error)
    return failed


def _error_text(exc, address):
    """The error for last_error and the log: the server's or channel's text, the recipient's
    address taken out, one line, bounded."""
    known = isinstance(exc, ChannelUnavailable | mail.SendError)
    text = str(exc) if known else f"{type(exc).__name__}: {exc}"
    text = text.strip() or type(exc).__name__
    if address:
        text = _without(text, address)
    return " ".join(text.split())[:MAX_ERROR]


def _without(text, address):
    lowered, needle = text.lower(), address.lower()
    while needle in lowered:
        start = lowered.index(needle)
        text = text[:start] + "<recipient>" + text[start + len(address) :]
        lowered = text.lower()
    return text
