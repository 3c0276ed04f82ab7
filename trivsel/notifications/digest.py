"""The morning digest: a coordinator who chose it gets the kinds with `digest=True` held, and
the first round of the sender after DIGEST_HOUR gathers them into one message."""

import logging

from flask import current_app

from trivsel.core.db import database, is_sqlite
from trivsel.notifications import outbox
from trivsel.notifications.kinds import DIGEST
from trivsel.notifications.models import OutboxMessage

DIGESTED = "digested"
log = logging.getLogger(__name__)


class _Raced(Exception):
    """Another sender gathered these messages first."""


def gather(now):
    """Gather each user's held messages that are due into one digest message, once a day,
    from DIGEST_HOUR on. Returns how many digests were made. Safe with two senders at once:
    a digest has a dedupe key per user and day, and its messages are moved from "held" in the
    same transaction (a sender that finds them moved rolls back)."""
    if now.hour < int(current_app.config["DIGEST_HOUR"]):
        return 0
    users = (
        OutboxMessage.select(OutboxMessage.user)
        .where(_held(now) & OutboxMessage.user.is_null(False))
        .distinct()
    )
    made = 0
    for row in list(users):
        try:
            made += _gather_one(row.user_id, now)
        except _Raced:
            log.info("outbox: digest for user %s gathered by another sender", row.user_id)
    return made


def _held(now):
    return (OutboxMessage.status == outbox.HELD) & (OutboxMessage.due_at <= now)


def _write_transaction():
    # SQLite: take the write lock at BEGIN, so a second sender waits (busy_timeout) instead
    # of failing on a snapshot another one changed. PostgreSQL's row locks do the same.
    return database.atomic("IMMEDIATE") if is_sqlite() else database.atomic()


def _gather_one(user_id, now):
    key = f"{DIGEST.key}:{now.date().isoformat()}"
    with _write_transaction():
        if _made_today(key, user_id):
            return 0  # today's digest is out; these wait for tomorrow's
        held = list(
            OutboxMessage.select()
            .where(_held(now) & (OutboxMessage.user == user_id))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
        if not held:
            return 0
        ids = [message.id for message in held]
        made = outbox.queue(
            DIGEST.key,
            [user_id],
            context={"count": len(held), "items": _items(held)},
            dedupe_key=key,
        )
        if not made:
            if _made_today(key, user_id):
                raise _Raced
            # No digest for this user any more (not a coordinator, or it is turned off):
            # the held messages go one by one rather than not at all.
            release(ids)
            return 0
        moved = (
            OutboxMessage.update(status=DIGESTED, digest_id=made[0].id)
            .where(OutboxMessage.id.in_(ids) & (OutboxMessage.status == outbox.HELD))
            .execute()
        )
        if moved != len(ids):
            raise _Raced  # rolls the digest back
    log.info("outbox message %s (digest) gathers %s", made[0].id, ids)
    return 1


def _made_today(key, user_id):
    return OutboxMessage.select().where(OutboxMessage.dedupe_key == f"{key}:{user_id}").exists()


def release(ids):
    """Held messages go out one by one (now)."""
    return (
        OutboxMessage.update(status=outbox.QUEUED)
        .where(OutboxMessage.id.in_(list(ids)) & (OutboxMessage.status == outbox.HELD))
        .execute()
    )


def _items(messages):
    return "\n\n".join(
        f"{number}. {message.subject}\n{message.body}" for number, message in enumerate(messages, 1)
    )
