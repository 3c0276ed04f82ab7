"""Each user's calendar feed: a secret URL a calendar app subscribes to (it cannot log in).

The secret is 32 random bytes; only its SHA-256 is stored and compared (in constant time), so
neither the database nor a backup gives the URL away. Renewing replaces it: the old URL stops
working at once. What a feed holds follows the user's role now: coordinators share the queues,
so they see every intake, match meeting and group meeting; a volunteer sees the match meetings
they were invited to and the group meetings; anyone else gets an empty, valid calendar.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from trivsel.calendar import appointments, ics
from trivsel.calendar.models import SUPERVISION, Appointment, AppointmentAttendee, CalendarFeed
from trivsel.core.db import database
from trivsel.core.users import User

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
HISTORY = timedelta(days=90)  # how far back a feed reaches
LIMIT = 1000
FEED_NAME = _l("Trivsel")


def _digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def renew(user_id):
    """A new secret for the user's feed (the old URL stops working). Returns the token: it is
    shown once, since only its hash is kept."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with database.atomic():
        CalendarFeed.delete().where(CalendarFeed.user == user_id).execute()
        CalendarFeed.create(user=user_id, token_hash=_digest(token))
    return token


def feed_of(user_id):
    """The user's feed row (when it was made), or None."""
    return CalendarFeed.get_or_none(CalendarFeed.user == user_id)


def user_for(token):
    """The active user whose feed `token` opens, or None."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    digest = _digest(token)
    row = (
        CalendarFeed.select(CalendarFeed, User)
        .join(User)
        .where(CalendarFeed.token_hash == digest)
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest) or not row.user.active:
        return None
    return row.user


def appointments_for(user, since=None, limit=LIMIT):
    """The standing appointments the user sees, from `since` (default: 90 days back)."""
    if user.role not in ("coordinator", "volunteer"):
        return []
    since = since or appointments.local_now() - HISTORY
    query = Appointment.select().where(
        (Appointment.cancelled == False) & (Appointment.ends_at >= since)  # noqa: E712
    )
    if user.role == "volunteer":
        query = query.join(
            AppointmentAttendee,
            JOIN.LEFT_OUTER,
            on=(
                (AppointmentAttendee.appointment == Appointment.id)
                & (AppointmentAttendee.user == user.id)
            ),
        ).where((Appointment.kind == SUPERVISION) | AppointmentAttendee.id.is_null(False))
    return list(query.order_by(Appointment.starts_at, Appointment.id).limit(limit))


def feed_text(user):
    """The user's feed as iCalendar text."""
    entries = [appointments.entry(a, user.role) for a in appointments_for(user)]
    return ics.feed(entries, str(FEED_NAME))
