"""`flask --app trivsel outbox send|worker|test`: deliver the outbox, from cron or as a
service, and try the e-mail set-up."""

import logging
import signal
import threading

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup

from trivsel.core import db
from trivsel.notifications import mail, outbox, sender
from trivsel.notifications.reminder_commands import remind_command

outbox_group = AppGroup("outbox", help="Deliver the messages in the outbox.")
outbox_group.add_command(remind_command)  # `outbox remind`: queue the time-based reminders
log = logging.getLogger(__name__)


def send_round():
    """One round of the sender on a connection of its own. Returns a sender.Round."""
    with db.database.connection_context():
        return sender.send_due()


@outbox_group.command("send")
def send_command():
    """Send what is due once, and exit. Safe from cron every minute, and twice at once: each
    message is claimed before it is sent."""
    result = send_round()
    click.echo(result.summary())


def run_worker(interval, max_loops=None, stop=None, report=None):
    """Rounds of the sender every `interval` seconds until `stop` is set (SIGTERM or SIGINT,
    in the main thread) or after `max_loops` rounds. A round that fails (the database is away)
    is logged and the next one tries again. Returns the number of rounds run."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    loops = 0
    try:
        while not stop.is_set():
            try:
                result = send_round()
            except Exception:
                log.exception("outbox worker: the round failed; trying again")
            else:
                if report and (result.sent or result.retrying or result.failed):
                    report(result)
            loops += 1
            if max_loops is not None and loops >= max_loops:
                break
            stop.wait(interval)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return loops


@outbox_group.command("worker")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between rounds (default TRIVSEL_OUTBOX_POLL_SECONDS).",
)
@click.option("--max-loops", type=int, default=None, help="Stop after this many rounds.")
@click.option("--once", is_flag=True, help="One round, then stop (as `outbox send`).")
def worker_command(interval, max_loops, once):
    """Send what is due, again and again, until stopped (SIGTERM or Ctrl-C): for a systemd
    service. The round under way finishes first."""
    interval = interval if interval is not None else current_app.config["OUTBOX_POLL_SECONDS"]
    click.echo(f"outbox worker: a round every {interval:g} s; stop with SIGTERM or Ctrl-C")
    loops = run_worker(
        interval,
        max_loops=1 if once else max_loops,
        report=lambda result: click.echo(result.summary()),
    )
    click.echo(f"outbox worker stopped after {loops} rounds")


@outbox_group.command("test")
@click.option("--to", "address", required=True, help="The e-mail address to send it to.")
def test_command(address):
    """Queue a test e-mail to ADDRESS (`outbox send` then sends it)."""
    try:
        address = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(f"not a valid e-mail address ({exc})", param_hint="--to") from None
    with db.database.connection_context():
        message = outbox.queue_to_address("test", address)
    click.echo(f"test message {message.id} queued to {address}")
    if not mail.configured():
        click.echo("TRIVSEL_SMTP_URL is not set: it stays in the outbox (see the admin's Udbakke)")


COMMANDS = (outbox_group,)
