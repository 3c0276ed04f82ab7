"""The retention policy: what falls due for erasure when, erasing a course's personal data
while keeping its facts, and the retention job (`flask retention run`)."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from peewee import SQL, fn

from trivsel.calendar.models import Appointment
from trivsel.core.db import checkpoint, database, is_sqlite, kept_first, now, run_prepared
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course, CourseEvent, Proposal
from trivsel.notifications.models import OutboxMessage
from trivsel.privacy.models import AccessLog, RetentionRun
from trivsel.referrals.models import Referral

# Which rule of the policy a course falls under.
AFTER_FOLLOW_UP = "after_follow_up"

AFTER_CLOSE = "after_close"

INQUIRY = "inquiry"

# Stages before a course started (or never would): an inquiry, in the policy's words.
INQUIRY_STAGES = (
    flow.NEW,
    flow.CONTACTED,
    flow.INTAKE_SCHEDULED,
    flow.REFERRED_ELSEWHERE,
    flow.DECLINED,
    flow.WITHDRAWN,
)

RETENTION_STAGES = (flow.FOLLOWED_UP, flow.CLOSED) + INQUIRY_STAGES

# How far ahead the dashboard and the policy page look for what falls due.
DUE_SOON_DAYS = 30

# Outbox statuses of a message not yet sent.
UNSENT = ("queued", "held")


@dataclass(frozen=True)
class RetentionPolicy:
    after_follow_up_months: int
    after_close_months: int
    inquiry_months: int
    access_log_months: int

    @classmethod
    def from_config(cls, config):
        return cls(
            after_follow_up_months=config["RETENTION_AFTER_FOLLOW_UP_MONTHS"],
            after_close_months=config["RETENTION_AFTER_CLOSE_MONTHS"],
            inquiry_months=config["RETENTION_INQUIRY_MONTHS"],
            access_log_months=config["ACCESS_LOG_MONTHS"],
        )


def add_months(day, months):
    """`day` moved by whole months; the 31st becomes the month's last day where it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(course, policy):
    """(the day the course's personal data falls due for erasure, the rule), or None while the
    course is running or once it is erased (unless personal data was recorded again since,
    when the citizen came back to the same course)."""
    if course.erased_on is not None and course.citizen_id is None:
        return None
    if course.stage == flow.FOLLOWED_UP:
        anchor = course.followed_up_on or course.ended_on
        return add_months(anchor, policy.after_follow_up_months), AFTER_FOLLOW_UP
    if course.stage == flow.CLOSED:
        return add_months(course.ended_on, policy.after_close_months), AFTER_CLOSE
    if course.stage in INQUIRY_STAGES:
        anchor = course.ended_on or course.received_on
        return add_months(anchor, policy.inquiry_months), INQUIRY
    return None


@dataclass(frozen=True)
class Due:
    course: Course
    due_on: date
    rule: str


def due_courses(as_of, policy, within_days=0):
    """Courses whose personal data is due for erasure on `as_of` (or within `within_days`
    after it), soonest first. One query; the month arithmetic is done here, not in SQL."""
    until = as_of + timedelta(days=within_days)
    candidates = Course.select(
        Course.id,
        Course.stage,
        Course.received_on,
        Course.ended_on,
        Course.followed_up_on,
        Course.erased_on,
        Course.citizen,
    ).where(
        (Course.erased_on.is_null() | Course.citizen.is_null(False))
        & Course.stage.in_(RETENTION_STAGES)
    )
    due = []
    for course in candidates:
        when = due_date(course, policy)
        if when and when[0] <= until:
            due.append(Due(course, when[0], when[1]))
    return sorted(due, key=lambda d: (d.due_on, d.course.id))


def _latest_anchor(until, months):
    """The latest day whose `months` later falls on or before `until` (a month's end takes in
    the days after it that a shorter month folds onto it)."""
    day = add_months(until, -months)
    while add_months(day + timedelta(days=1), months) <= until:
        day += timedelta(days=1)
    while add_months(day, months) > until:
        day -= timedelta(days=1)
    return day


def due_count(as_of, policy, within_days=0):
    """How many courses `due_courses` would give, counted in SQL (one COUNT, no rows): the
    month arithmetic is turned into a latest anchor day for each rule here."""
    until = as_of + timedelta(days=within_days)
    anchors = (
        _latest_anchor(until, policy.after_follow_up_months),
        _latest_anchor(until, policy.after_close_months),
        _latest_anchor(until, policy.inquiry_months),
    )
    sql, params = _due_count_statement(*anchors, is_sqlite())
    return run_prepared(sql, params, fixed=True).fetchone()[0]


@lru_cache(maxsize=32)
def _due_count_statement(follow_up, close, inquiry, sqlite):
    """The due count's SQL for these anchor days, written once (the dashboard asks for it on
    every view; the days change once a day). `sqlite` keys it by the database's dialect."""
    sql, params = (
        Course.select()
        .where(
            (Course.erased_on.is_null() | Course.citizen.is_null(False))
            & (
                (
                    (Course.stage == flow.FOLLOWED_UP)
                    & (fn.COALESCE(Course.followed_up_on, Course.ended_on) <= follow_up)
                )
                | ((Course.stage == flow.CLOSED) & (Course.ended_on <= close))
                | (
                    Course.stage.in_(INQUIRY_STAGES)
                    & (fn.COALESCE(Course.ended_on, Course.received_on) <= inquiry)
                )
            )
        )
        .select(fn.COUNT(SQL("1")))
        .sql()
    )
    return sql, tuple(params)


def erase_course(course_id, today=None, actor=None, endpoint=None, wipe=True):
    """Erase a course's personal data and keep its facts. Returns False when already erased.

    Deletes the citizen row; clears the volunteers' decline reasons (free text that may speak
    of the citizen or the family), the referrer's case reference, the typed places of its
    meetings and the texts of the messages about it (unsent ones are dropped); dates the
    erasure on the course and its timeline.
    `wipe=False` leaves the write-ahead-log checkpoint to the caller (a batch does one).
    """
    today = today or date.today()
    with database.atomic():
        course = Course.select(Course.id, Course.citizen, Course.stage, Course.erased_on).where(
            Course.id == course_id
        )
        course = course.first()
        if course is None or (course.erased_on is not None and course.citizen_id is None):
            return False
        citizen_id = course.citizen_id
        Course.update(
            citizen=None, erased_on=today, version=Course.version + 1, updated_at=now()
        ).where(Course.id == course_id).execute()
        if citizen_id is not None:
            Citizen.delete().where(Citizen.id == citizen_id).execute()
        Proposal.update(decline_reason=None).where(Proposal.course == course_id).execute()
        # The referrer's case reference points into their journal about the citizen.
        Referral.update(case_reference=None).where(Referral.course == course_id).execute()
        # The places of its meetings were typed by hand, so they may name the home.
        Appointment.update(place=None).where(Appointment.course == course_id).execute()
        # So may the messages about them (an invitation's text and calendar file): what is
        # not sent yet is not sent at all, and what was sent keeps only its record.
        about = OutboxMessage.course_id == course_id
        OutboxMessage.delete().where(about & OutboxMessage.status.in_(UNSENT)).execute()
        OutboxMessage.update(body="", attachment=None).where(about).execute()
        CourseEvent.create(course=course_id, actor=actor, action="erased", stage=course.stage)
        if actor is not None:
            AccessLog.create(
                user=actor, course=course_id, action="erase", endpoint=endpoint or "privacy"
            )
    if wipe:
        checkpoint()
    return True


@dataclass
class RetentionResult:
    as_of: date
    dry_run: bool
    due: list = field(default_factory=list)
    erased: int = 0
    log_purged: int = 0
    log_due: int = 0


def access_log_cutoff(as_of, policy):
    return add_months(as_of, -policy.access_log_months)


def run_retention(as_of, policy, dry_run=False):
    """Erase what is due on `as_of` and purge the access log older than its period; recorded
    as a RetentionRun. A dry run changes nothing but its own record. Idempotent: what is erased
    is never due again."""
    result = RetentionResult(as_of=as_of, dry_run=dry_run, due=due_courses(as_of, policy))
    cutoff = access_log_cutoff(as_of, policy)
    old_log = AccessLog.select().where(AccessLog.at < cutoff)
    if dry_run:
        result.log_due = old_log.count()
    else:
        for due in result.due:
            result.erased += erase_course(due.course.id, today=as_of, wipe=False)
        result.log_purged = AccessLog.delete().where(AccessLog.at < cutoff).execute()
    RetentionRun.create(
        as_of=as_of,
        dry_run=dry_run,
        erased=len(result.due) if dry_run else result.erased,
        log_purged=result.log_due if dry_run else result.log_purged,
    )
    if not dry_run:
        checkpoint()
    return result


def last_run():
    """The latest run that really erased (not a dry run), or None."""
    return kept_first(("retention.last_run",), _last_run)


def _last_run():
    return (
        RetentionRun.select()
        .where(RetentionRun.dry_run == False)  # noqa: E712
        .order_by(RetentionRun.ran_at.desc(), RetentionRun.id.desc())
        .limit(1)
    )
