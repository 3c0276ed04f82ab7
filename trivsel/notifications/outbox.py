"""Queueing messages: a row in the outbox in the caller's transaction, so a change that rolls
back sends nothing and a change that commits cannot lose its message."""

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, SqliteDatabase, chunked

from trivsel.core.db import database, now
from trivsel.core.users import User
from trivsel.notifications.kinds import KINDS
from trivsel.notifications.models import NotificationPreference, OutboxMessage

EMAIL = "email"
OFF = "off"
LOG_IN = _l("Log ind for at se det: %(link)s")
# What stands for the secret link of an account mail on the admin's page and, once it is sent,
# in the stored body.
LINK_MASKED = _l("[linket er skjult]")
LINKS = re.compile(r"https?://\S+")
# The preference row (kind "digest") of a coordinator who wants the morning digest: its
# channel is the digest's. Kinds with digest=True are then held for it (see digest.py).
DIGEST = "digest"
DIGEST_ROLES = ("coordinator",)
QUEUED = "queued"
HELD = "held"
# Rows per INSERT: 13 values a row stays well below SQLite's (32,766) and PostgreSQL's
# (65,535) limits on the values of one statement.
BATCH = 1000


@dataclass(frozen=True)
class Message:
    """One message of `kind` to each of `user_ids`, for `queue_many` (the fields are
    `queue`'s arguments)."""

    kind: str
    user_ids: tuple
    course_id: int | None = None
    context: dict | None = None
    attachment: str | None = None
    method: str | None = None
    dedupe_key: str | None = None
    due_at: datetime | None = None
    attachments: dict | None = None


def queue(
    kind,
    user_ids,
    course_id=None,
    context=None,
    attachment=None,
    method=None,
    dedupe_key=None,
    due_at=None,
    attachments=None,
):
    """Queue one message of `kind` to each active user in `user_ids` who wants it, by the
    channel they chose (e-mail unless they chose otherwise or turned it off). Returns the
    messages queued.

    :param context: values for the kind's texts (never a citizen's personal data).
    :param attachment: an iCalendar text to attach (`method` "REQUEST" or "CANCEL").
    :param attachments: {user id: iCalendar text}, each recipient's own copy (a recipient
        not in it gets `attachment`).
    :param dedupe_key: a message with this key is queued once only, ever (per recipient: the
        user id is appended).
    :param due_at: when it may be sent (default now).

    The texts are written in the default language (Danish), whoever's request queues them.
    A coordinator who chose the morning digest gets a kind with `digest=True` "held" for it.
    However many recipients: one query for the users, one for their preferences and one
    INSERT (two when some rows have a dedupe key and some not; see `queue_many`).
    """
    message = Message(
        kind,
        tuple(user_ids),
        course_id=course_id,
        context=context,
        attachment=attachment,
        method=method,
        dedupe_key=dedupe_key,
        due_at=due_at,
        attachments=attachments,
    )
    return queue_many([message])


def queue_many(messages):
    """Queue each `Message` as `queue` does, all in a fixed number of statements: one query
    for the users, one for their preferences, one INSERT of the rows without a dedupe key and
    one (INSERT ... ON CONFLICT DO NOTHING) of those with one, so a message queued before is
    skipped. Returns the messages queued."""
    messages = list(messages)
    wanted = list(dict.fromkeys(uid for m in messages for uid in m.user_ids if uid is not None))
    if not wanted:
        return []
    active = User.id.in_(wanted) & (User.active == True)  # noqa: E712
    users = {user.id: user for user in User.select().where(active)}
    kinds = {m.kind for m in messages}
    if any(KINDS[k].digest for k in kinds):
        kinds.add(DIGEST)
    chosen = _preferences(kinds, list(users))
    digest = {uid for (uid, k), channel in chosen.items() if k == DIGEST and channel != OFF}
    rows = []
    for message in messages:
        rows.extend(_rows(message, users, chosen, digest))
    return _insert(rows)


def _rows(message, users, chosen, digest):
    """The outbox rows of one message: one per active recipient who wants it."""
    spec = KINDS[message.kind]
    if spec.account:
        raise ValueError(f"{spec.key} is an account mail: queue it with queue_account_mail")
    values = {"course": message.course_id, **(message.context or {})}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        link = _link(spec, message.course_id)
        subject = (str(spec.subject) % values)[:200]
        body = _body(spec, values, link)
    attachments = message.attachments or {}
    due_at = message.due_at or now()
    rows = []
    for user_id in sorted(set(message.user_ids) & users.keys()):
        user = users[user_id]
        channel = chosen.get((user.id, message.kind), EMAIL)
        if channel == OFF or user.role not in spec.roles:
            continue
        held = spec.digest and user.id in digest and user.role in DIGEST_ROLES
        rows.append(
            dict(
                kind=message.kind,
                channel=channel,
                user=user.id,
                address=user.email if channel == EMAIL else None,
                subject=subject,
                body=body,
                status=HELD if held else QUEUED,
                attachment=attachments.get(user.id, message.attachment),
                attachment_method=message.method,
                course_id=message.course_id,
                dedupe_key=f"{message.dedupe_key}:{user.id}" if message.dedupe_key else None,
                due_at=due_at,
                created_at=now(),
            )
        )
    return rows


def _insert(rows):
    """Insert the rows, those with a dedupe key queued before skipped. Returns the rows
    inserted."""
    if not rows:
        return []
    if not _returning():
        return _insert_one_by_one(rows)
    queued = []
    plain = [row for row in rows if row["dedupe_key"] is None]
    keyed = [row for row in rows if row["dedupe_key"] is not None]
    for batch in chunked(plain, BATCH):
        queued.extend(OutboxMessage.insert_many(batch).returning(OutboxMessage).execute())
    for batch in chunked(keyed, BATCH):
        query = OutboxMessage.insert_many(batch).on_conflict_ignore().returning(OutboxMessage)
        queued.extend(query.execute())
    return queued


def _returning():
    """Whether the database returns the rows an INSERT made (PostgreSQL; SQLite 3.35+)."""
    db = database.obj
    if isinstance(db, SqliteDatabase):
        return sqlite3.sqlite_version_info >= (3, 35, 0)
    return bool(db.returning_clause)


def _insert_one_by_one(rows):
    """Without RETURNING: a row at a time, each in a savepoint so one queued before (its
    dedupe key) is skipped."""
    queued = []
    for row in rows:
        try:
            with database.atomic():
                queued.append(OutboxMessage.create(**row))
        except IntegrityError:
            if row["dedupe_key"] is None:
                raise
            # Queued once already (the dedupe key): nothing more to do.
    return queued


def queue_to_address(kind, address, context=None):
    """Queue one e-mail of `kind` to an address rather than a user (the admin's test
    message). Returns the message."""
    spec = KINDS[kind]
    values = {"course": None, **(context or {})}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = (str(spec.subject) % values)[:200]
        body = _body(spec, values, _link(spec, None))
    return OutboxMessage.create(
        kind=kind, channel=EMAIL, address=address, subject=subject, body=body
    )


def queue_account_mail(kind, user, link_values, context=None):
    """Queue an account mail of `kind` (an invitation, a password reset) by e-mail to the
    user's own address: whatever their preferences say and whether or not they can log in yet,
    since it is how they get in. Its link is the kind's endpoint built with `link_values` (the
    signed token), written where the body says %(link)s. Returns the message."""
    spec = KINDS[kind]
    if not spec.account:
        raise ValueError(f"{kind} is not an account mail")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        values = {"course": None, **(context or {})}
        values["link"] = _link(spec, None, link_values)
        subject = (str(spec.subject) % values)[:200]
        body = str(spec.body) % values
    return OutboxMessage.create(
        kind=kind, channel=EMAIL, user=user.id, address=user.email, subject=subject, body=body
    )


def is_account_mail(message):
    spec = KINDS.get(message.kind)
    return spec is not None and spec.account


def mask_links(text):
    """The text with every link replaced by LINK_MASKED (in the current language)."""
    return LINKS.sub(str(LINK_MASKED), text or "")


def masked_after_sending(message):
    """The fields to store with a message that was sent: an account mail's body keeps its
    words but not its secret link (in the default language, as the body was written), so no
    copy of the database holds a link that still works."""
    if not is_account_mail(message):
        return {}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {"body": mask_links(message.body)}


def _preferences(kinds, user_ids):
    """{(user id, kind): channel} of the users' choices for `kinds`."""
    if not user_ids:
        return {}
    rows = NotificationPreference.select().where(
        NotificationPreference.kind.in_(list(kinds)) & NotificationPreference.user.in_(user_ids)
    )
    return {(row.user_id, row.kind): row.channel for row in rows}


def _link(spec, course_id, values=None):
    """The page the message points to, absolute (TRIVSEL_BASE_URL), built without a request
    so a command (the sender, the reminders) can queue messages too. `values` are further
    arguments of the endpoint (an account mail's token)."""
    if spec.link is None:
        return None
    rule = next(current_app.url_map.iter_rules(spec.link))
    values = dict(values or {})
    if "course_id" in rule.arguments:
        values["course_id"] = course_id
    path = current_app.url_map.bind("localhost").build(spec.link, values)
    return (current_app.config.get("BASE_URL") or "").rstrip("/") + path


def _body(spec, values, link):
    text = str(spec.body) % values
    if link:
        text += "\n\n" + str(LOG_IN) % {"link": link}
    return text


def retry(message_id):
    """A failed message back in the queue, due now, with its tries counted from 0 (the
    admin's retry button). Returns whether it was failed (and is now queued)."""
    changed = (
        OutboxMessage.update(
            status=QUEUED,
            attempts=0,
            due_at=now(),
            failure=None,
            claimed_by=None,
            claimed_at=None,
        )
        .where((OutboxMessage.id == message_id) & (OutboxMessage.status == "failed"))
        .execute()
    )
    return changed == 1
