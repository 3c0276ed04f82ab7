"""Confidentiality kept: the retention policy, erasure, consent and the access log.

Plain functions over the models, used by the views and the `retention run` command. Erasure
removes what is personal (the citizen row, and free text that may speak of the person) and
keeps every statistical fact, so the annual report reads the same before and after.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import JOIN

from trivsel.core.db import checkpoint, database, now
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.models import AccessLog, Consent, RetentionRun
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

# What a withdrawn consent takes with it.
WHO5 = "who5"
FOLLOW_UP_CALL = "follow_up_call"
SHARE_CONTACT = "share_contact"

ACCESS_ACTIONS = ("view", "edit", "export", "erase", "consent")

# How far ahead the dashboard and the policy page look for what falls due.
DUE_SOON_DAYS = 30


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


def erase_course(course_id, today=None, actor=None, endpoint=None, wipe=True):
    """Erase a course's personal data and keep its facts. Returns False when already erased.

    Deletes the citizen row; clears the volunteers' decline reasons (free text that may speak
    of the citizen or the family); dates the erasure on the course and its timeline.
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
    return (
        RetentionRun.select()
        .where(RetentionRun.dry_run == False)  # noqa: E712
        .order_by(RetentionRun.ran_at.desc(), RetentionRun.id.desc())
        .first()
    )


# --- The access log ----------------------------------------------------------------------


def log_access(action, course_ids, user_id=None, endpoint=None):
    """Record that the current user (or `user_id`) did `action` to the personal data of the
    courses `course_ids` from `endpoint` (default: the current request's). One insert."""
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    if isinstance(course_ids, int):
        course_ids = [course_ids]
    if not course_ids:
        return 0
    if user_id is None or endpoint is None:
        from flask import request
        from flask_login import current_user

        user_id = user_id if user_id is not None else current_user.id
        endpoint = endpoint or request.endpoint
    at = now()
    rows = [
        {"at": at, "user": user_id, "course": cid, "action": action, "endpoint": endpoint}
        for cid in course_ids
    ]
    AccessLog.insert_many(rows).execute()
    return len(rows)


def logs_access(action):
    """Decorator for a view with a `course_id` argument: log `action` when it answers < 400."""
    from functools import wraps

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = view(*args, **kwargs)
            status = getattr(response, "status_code", 200)
            if status < 400:
                log_access(action, kwargs["course_id"])
            return response

        return wrapper

    return decorate


def access_log_for(course_id):
    user = User.alias("log_user")
    return list(
        AccessLog.select(AccessLog, user)
        .join(user, JOIN.LEFT_OUTER, on=(AccessLog.user == user.id), attr="user")
        .where(AccessLog.course == course_id)
        .order_by(AccessLog.at.desc(), AccessLog.id.desc())
    )


# --- Consent -----------------------------------------------------------------------------


def consents_for(course_id):
    return list(
        Consent.select()
        .where(Consent.course == course_id)
        .order_by(Consent.recorded_on, Consent.id)
    )


def _withdrawn(consent):
    return consent.withdrawn_on is not None or not consent.given


def withdrawn_items(course_id):
    """Consent items the citizen has withdrawn and not given again since."""
    latest = {}
    for consent in consents_for(course_id):
        latest[consent.item] = consent
    return {item for item, consent in latest.items() if _withdrawn(consent)}


def courses_withdrawn(item, course_ids):
    """Of these courses, those whose citizen has withdrawn `item` (one query for them all)."""
    latest = {}
    for consent in (
        Consent.select()
        .where(Consent.course.in_(list(course_ids)) & (Consent.item == item))
        .order_by(Consent.recorded_on, Consent.id)
    ):
        latest[consent.course_id] = consent
    return {course_id for course_id, consent in latest.items() if _withdrawn(consent)}


def record_consent(course_id, item, recorded_on, source, actor=None):
    with database.atomic():
        consent = Consent.create(
            course=course_id,
            item=item,
            given=True,
            recorded_on=recorded_on,
            source=source,
            recorded_by=actor,
        )
        if actor is not None:
            log_access("consent", course_id, user_id=actor, endpoint=_endpoint())
    return consent


def withdraw_consent(consent, on, actor=None):
    """Date the withdrawal and erase what rested on the consent:

    - who5: the WHO-5 scores at intake and follow-up;
    - share_contact: the phone number and e-mail the referrer passed on;
    - share_considerations: the special considerations the referrer passed on;
    - follow_up_call: nothing stored; the follow-up call is no longer offered.
    Returns False when the consent was already withdrawn.
    """
    if consent.withdrawn_on is not None:
        return False
    with database.atomic():
        Consent.update(withdrawn_on=on).where(Consent.id == consent.id).execute()
        if consent.item == WHO5:
            Course.update(who5_intake=None, who5_follow_up=None).where(
                Course.id == consent.course_id
            ).execute()
        elif consent.item == SHARE_CONTACT:
            citizen = Course.select(Course.citizen).where(Course.id == consent.course_id)
            Citizen.update(phone=None, email=None).where(Citizen.id.in_(citizen)).execute()
        elif consent.item == "share_considerations":
            citizen = Course.select(Course.citizen).where(Course.id == consent.course_id)
            Citizen.update(considerations=None).where(Citizen.id.in_(citizen)).execute()
        if actor is not None:
            log_access("consent", consent.course_id, user_id=actor, endpoint=_endpoint())
    checkpoint()
    return True


def _endpoint():
    from flask import has_request_context, request

    return request.endpoint if has_request_context() else "cli"


# --- Subject access ----------------------------------------------------------------------

FACT_FIELDS = (
    "branch",
    "stage",
    "received_on",
    "channel",
    "initiated_by",
    "birth_year",
    "target_group",
    "first_contact_on",
    "first_contact_working_days",
    "intake_scheduled_at",
    "intake_held_on",
    "intake_outcome",
    "who5_intake",
    "started_on",
    "frequency",
    "expected_end_on",
    "ended_on",
    "goals_met",
    "needs_more_support",
    "follow_on_offers",
    "followed_up_on",
    "felt_heard",
    "quality_of_life",
    "follow_on_contact",
    "who5_follow_up",
    "needs",
    "available_days",
    "available_times",
    "by_phone",
    "language",
    "ready_to_close_on",
    "erased_on",
)
# Every personal field the citizen table holds, so a field added there is never left out.
PERSONAL_FIELDS = tuple(name for name in Citizen._meta.sorted_field_names if name != "id")


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def subject_access(course_id):
    """Everything stored about the citizen of one course, as plain data (for the page and the
    JSON download), or None when there is no such course. A handful of queries, none a row."""
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        return None
    citizen = Citizen.get_or_none(Citizen.id == course.citizen_id) if course.citizen_id else None
    volunteer = User.get_or_none(User.id == course.volunteer_id) if course.volunteer_id else None
    actor = User.alias("actor_user")
    timeline = (
        CourseEvent.select(CourseEvent, actor)
        .join(actor, JOIN.LEFT_OUTER, on=(CourseEvent.actor == actor.id), attr="actor")
        .where(CourseEvent.course == course_id)
        .order_by(CourseEvent.at, CourseEvent.id)
    )
    proposed = User.alias("proposed_user")
    proposals = (
        Proposal.select(Proposal, proposed)
        .join(proposed, on=(Proposal.volunteer == proposed.id), attr="volunteer")
        .where(Proposal.course == course_id)
        .order_by(Proposal.proposed_at, Proposal.id)
    )
    referral = Referral.get_or_none(Referral.course == course_id)
    offer_links = (
        OfferLink.select(OfferLink, Offer)
        .join(Offer)
        .where(OfferLink.course == course_id)
        .order_by(OfferLink.linked_on, OfferLink.id)
    )
    conversations = (
        Conversation.select(Conversation.held_on, Conversation.mode)
        .where(Conversation.course == course_id)
        .order_by(Conversation.held_on, Conversation.id)
    )
    return {
        "course": course.id,
        "generated_at": _plain(now()),
        "personal": (
            {name: getattr(citizen, name) for name in PERSONAL_FIELDS} if citizen else None
        ),
        "facts": {name: _plain(getattr(course, name)) for name in FACT_FIELDS}
        | {"volunteer": volunteer.name if volunteer else None},
        "consents": [
            {
                "item": c.item,
                "given": c.given,
                "recorded_on": _plain(c.recorded_on),
                "source": c.source,
                "withdrawn_on": _plain(c.withdrawn_on),
            }
            for c in consents_for(course_id)
        ],
        "timeline": [
            {
                "at": _plain(e.at),
                "action": e.action,
                "stage": e.stage,
                "by": e.actor.name if e.actor else None,
            }
            for e in timeline
        ],
        "proposals": [
            {
                "volunteer": p.volunteer.name,
                "status": p.status,
                "proposed_at": _plain(p.proposed_at),
                "answered_at": _plain(p.answered_at),
                "decline_reason": p.decline_reason,
                "meeting_on": _plain(p.meeting_on),
                "citizen_yes": p.citizen_yes,
                "volunteer_yes": p.volunteer_yes,
            }
            for p in proposals
        ],
        "conversations": [{"held_on": _plain(c.held_on), "mode": c.mode} for c in conversations],
        "referral": (
            {
                "form": referral.form,
                "organisation": referral.organisation,
                "referrer_name": referral.referrer_name,
                "referrer_department": referral.referrer_department,
                "referrer_phone": referral.referrer_phone,
                "first_call": referral.first_call,
                "extra": referral.extra,
                "created_at": _plain(referral.created_at),
            }
            if referral
            else None
        ),
        "offers": [
            {
                "organisation": link.offer.organisation_name,
                "offer": link.offer.name,
                "linked_on": _plain(link.linked_on),
                "went": link.went,
            }
            for link in offer_links
        ],
        "access_log": [
            {
                "at": _plain(entry.at),
                "by": entry.user.name if entry.user else None,
                "action": entry.action,
                "endpoint": entry.endpoint,
            }
            for entry in access_log_for(course_id)
        ],
    }
