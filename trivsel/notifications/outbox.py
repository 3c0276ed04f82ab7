"""Queueing messages: a row in the outbox in the caller's transaction, so a change that rolls
back sends nothing and a change that commits cannot lose its message."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from trivsel.core.db import database, now
from trivsel.core.users import User
from trivsel.notifications.kinds import KINDS
from trivsel.notifications.models import NotificationPreference, OutboxMessage

EMAIL = "email"
OFF = "off"
LOG_IN = _l("Log ind for at se det: %(link)s")
# The preference row (kind "digest") of a coordinator who wants the morning digest: its
# channel is the digest's. Kinds with digest=True are then held for it (see digest.py).
DIGEST = "digest"
DIGEST_ROLES = ("coordinator",)
QUEUED = "queued"
HELD = "held"


def queue(
    kind,
    user_ids,
    course_id=None,
    context=None,
    attachment=None,
    method=None,
    dedupe_key=None,
    due_at=None,
):
    """Queue one message of `kind` to each active user in `user_ids` who wants it, by the
    channel they chose (e-mail unless they chose otherwise or turned it off). Returns the
    messages queued.

    :param context: values for the kind's texts (never a citizen's personal data).
    :param attachment: an iCalendar text to attach (`method` "REQUEST" or "CANCEL").
    :param dedupe_key: a message with this key is queued once only, ever (per recipient: the
        user id is appended).
    :param due_at: when it may be sent (default now).

    The texts are written in the default language (Danish), whoever's request queues them.
    A coordinator who chose the morning digest gets a kind with `digest=True` "held" for it.
    """
    spec = KINDS[kind]
    values = {"course": course_id, **(context or {})}
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        link = _link(spec, course_id)
        subject = (str(spec.subject) % values)[:200]
        body = _body(spec, values, link)
    active = User.id.in_(list(user_ids)) & (User.active == True)  # noqa: E712
    users = list(User.select().where(active))
    chosen = _channels(kind, [u.id for u in users])
    digest = _digest_users([u.id for u in users]) if spec.digest else set()
    queued = []
    for user in users:
        channel = chosen.get(user.id, EMAIL)
        if channel == OFF or user.role not in spec.roles:
            continue
        key = f"{dedupe_key}:{user.id}" if dedupe_key else None
        held = user.id in digest and user.role in DIGEST_ROLES
        row = dict(
            kind=kind,
            channel=channel,
            user=user.id,
            address=user.email if channel == EMAIL else None,
            subject=subject,
            body=body,
            status=HELD if held else QUEUED,
            attachment=attachment,
            attachment_method=method,
            course_id=course_id,
            dedupe_key=key,
            due_at=due_at or now(),
        )
        try:
            with database.atomic():
                queued.append(OutboxMessage.create(**row))
        except IntegrityError:
            if key is None:
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


def _digest_users(user_ids):
    """The users among `user_ids` who chose the morning digest."""
    rows = NotificationPreference.select(NotificationPreference.user).where(
        (NotificationPreference.kind == DIGEST)
        & (NotificationPreference.channel != OFF)
        & NotificationPreference.user.in_(user_ids)
    )
    return {row.user_id for row in rows}


def _channels(kind, user_ids):
    rows = NotificationPreference.select().where(
        (NotificationPreference.kind == kind) & NotificationPreference.user.in_(user_ids)
    )
    return {row.user_id: row.channel for row in rows}


def _link(spec, course_id):
    """The page the message points to, absolute (TRIVSEL_BASE_URL), built without a request
    so a command (the sender, the reminders) can queue messages too."""
    if spec.link is None:
        return None
    rule = next(current_app.url_map.iter_rules(spec.link))
    values = {"course_id": course_id} if "course_id" in rule.arguments else {}
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
