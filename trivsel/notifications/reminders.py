"""The time-based messages: what nobody's click causes, so a scan finds it (`flask --app
trivsel outbox remind`, every hour). Safe to repeat: each reminder goes once.

- An inquiry waiting for first contact more than FIRST_CONTACT_FLAG_DAYS working days (as
  the dashboard flags it) → the coordinators on duty, once per course.
- An active course with no conversation logged for three weeks (the supervision agenda's
  "quiet") → its volunteer, once per quiet period (from the last conversation, or the start):
  again only when a later conversation is logged and the course falls quiet once more.

Each scan reads its candidates in one query, already leaving out what was sent, and queues
what is due all at once (`outbox.queue_many`): a fixed number of statements however many
courses are due.
"""

from datetime import date, timedelta

from flask import current_app
from peewee import DateField, fn

from trivsel.core.db import database
from trivsel.core.workdays import working_days_waited
from trivsel.courses import flow, notices
from trivsel.courses.models import Conversation, Course
from trivsel.notifications import outbox
from trivsel.notifications.models import OutboxMessage
from trivsel.notifications.recipients import coordinators_on_duty
from trivsel.supervision.service import QUIET_AFTER

_as_date = DateField().python_value


def remind(today=None, flag_after=None):
    """Queue every reminder that is due `today`. Returns {kind: messages queued}."""
    today = today or date.today()
    if flag_after is None:
        flag_after = current_app.config["FIRST_CONTACT_FLAG_DAYS"]
    with database.atomic():
        overdue = first_contact_overdue(today, flag_after)
    with database.atomic():
        quiet = quiet_courses(today)
    return {notices.FIRST_CONTACT_OVERDUE.key: overdue, notices.QUIET_COURSE.key: quiet}


def first_contact_overdue(today, flag_after):
    """Inquiries registered here (not imported history) still waiting for first contact more
    than `flag_after` working days, not yet reminded of: to the coordinators on duty."""
    key = notices.FIRST_CONTACT_OVERDUE.key
    reminded = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.kind == key) & (OutboxMessage.course_id == Course.id)
    )
    # Working days are never more than calendar days: a cheap bound in SQL, the holidays after.
    candidates = (
        Course.select(Course.id, Course.received_on)
        .where(
            (Course.stage == flow.NEW)
            & (Course.received_on < today - timedelta(days=flag_after))
            & Course.ref.is_null()
            & Course.erased_on.is_null()
            & ~fn.EXISTS(reminded)
        )
        .order_by(Course.received_on, Course.id)
    )
    due = [(c.id, working_days_waited(c.received_on, today)) for c in candidates]
    due = [(course_id, days) for course_id, days in due if days > flag_after]
    if not due:
        return 0
    recipients = tuple(coordinators_on_duty(today))
    messages = [
        notices.first_contact_overdue(course_id, recipients, days) for course_id, days in due
    ]
    return len(outbox.queue_many(messages))


def quiet_courses(today):
    """Active courses whose last conversation (or start, when none) is three weeks or more
    before `today` and whose volunteer was not reminded since: to the volunteer."""
    last = Conversation.select(fn.MAX(Conversation.held_on)).where(Conversation.course == Course.id)
    # The newest reminder's key names the quiet period it was for (ISO dates sort as text).
    reminded = OutboxMessage.select(fn.MAX(OutboxMessage.dedupe_key)).where(
        (OutboxMessage.kind == notices.QUIET_COURSE.key) & (OutboxMessage.course_id == Course.id)
    )
    rows = (
        Course.select(
            Course.id,
            Course.volunteer,
            Course.started_on,
            last.alias("last_on"),
            reminded.alias("reminded"),
        )
        .where((Course.stage == flow.ACTIVE) & Course.volunteer.is_null(False))
        .order_by(Course.id)
        .dicts()
    )
    quiet_since = today - QUIET_AFTER
    weeks = QUIET_AFTER.days // 7
    messages = []
    for row in rows:
        since = _as_date(row["last_on"]) or row["started_on"]
        if since is None or since > quiet_since:
            continue
        if row["reminded"] and notices.quiet_period(row["reminded"]) >= since:
            continue  # reminded in this quiet period already
        messages.append(notices.quiet(row["id"], row["volunteer"], since, weeks))
    return len(outbox.queue_many(messages))
