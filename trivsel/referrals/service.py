"""Referrals: who may use a referral form, saving a submission, and what a referrer sees."""

import json
from datetime import date
from types import MappingProxyType

from peewee import JOIN, Case, fn

from trivsel.core.db import kept, kept_first, now, slot
from trivsel.core.hookspecs import ReferralSnapshot
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course
from trivsel.courses.service import register_inquiry
from trivsel.privacy.models import Consent
from trivsel.referrals import notices
from trivsel.referrals.forms import looks_like_cpr
from trivsel.referrals.models import Referral, ReferrerContact
from trivsel.referrals.statuses import STATUS_OF_STAGE

CITIZEN_FIELDS = ("name", "phone", "email", "considerations")
PER_PAGE = 25


class SubmissionRefused(ValueError):
    """What a plugin's `submit` returned cannot be saved; nothing was saved."""


def may_use(form, user):
    """May `user` use the referral form? Its roles, and for partners its organisations."""
    if user.role not in form.roles:
        return False
    if user.role == "partner" and form.organisations is not None:
        return user.organisation in form.organisations
    return True


def usable_forms(plugins, user):
    return {
        key: (plugin, form)
        for key, (plugin, form) in plugins.referral_forms().items()
        if may_use(form, user)
    }


def check(submission, branches, consent_items):
    """Refuse a submission the core cannot save as given."""
    if submission.branch not in branches:
        raise SubmissionRefused(f"unknown branch {submission.branch!r}")
    unknown = set(submission.consents) - set(consent_items)
    if unknown:
        raise SubmissionRefused(f"unknown consent items {sorted(unknown)}")
    if submission.citizen.get("considerations") and not submission.consents.get(
        "share_considerations"
    ):
        raise SubmissionRefused("special considerations without the citizen's consent")
    unknown_fields = set(submission.citizen) - set(CITIZEN_FIELDS)
    if unknown_fields:
        raise SubmissionRefused(f"unknown citizen fields {sorted(unknown_fields)}")
    reference = submission.case_reference or ""
    if len(reference) > 40 or looks_like_cpr(reference):
        raise SubmissionRefused("a case reference longer than 40 characters or like a CPR number")


def save(submission, plugin, form_key, user, organisation, submission_key=None):
    """Save a checked submission as an inquiry with its referral and consents, in one
    transaction. Returns (course, created)."""
    received = submission.received_on or date.today()
    citizen = {
        name: (submission.citizen.get(name) or "").strip() or None for name in CITIZEN_FIELDS
    }

    def record(course):
        referral = record_referral(course.id, submission, plugin, form_key, user.id, organisation)
        if user.role == "partner":
            remember_contact(user.id, submission)
        notices.referral_received(referral)

    return register_inquiry(
        user.id,
        citizen,
        submission_key=submission_key,
        after=record,
        received_on=received,
        channel="referral",
        initiated_by="professional",
        branch=submission.branch,
        birth_year=submission.birth_year,
        target_group=submission.target_group,
    )


def record_referral(course_id, submission, plugin, form_key, user_id, organisation, at=None):
    """How the course came in (the referral row) and the consents the referral carried, item
    by item; inside the caller's transaction. Returns the referral."""
    received = submission.received_on or date.today()
    referral = Referral.create(
        course=course_id,
        form=form_key,
        plugin=plugin,
        organisation=organisation,
        referred_by=user_id,
        referrer_name=submission.referrer_name,
        referrer_department=submission.referrer_department,
        referrer_phone=submission.referrer_phone,
        first_call=submission.first_call,
        extra=json.dumps(submission.extra, default=str) if submission.extra else None,
        case_reference=(submission.case_reference or "").strip() or None,
        **({"created_at": at} if at else {}),
    )
    for item, given in submission.consents.items():
        Consent.create(
            course=course_id,
            item=item,
            given=bool(given),
            recorded_on=received,
            source=f"referral:{plugin}",
            recorded_by=user_id,
        )
    return referral


def remember_contact(user_id, submission):
    """Keep the department and phone the partner user typed, for their next form's prefill
    (inside the caller's transaction)."""
    values = {
        "department": (submission.referrer_department or "").strip()[:100] or None,
        "phone": (submission.referrer_phone or "").strip()[:30] or None,
        "updated_at": now(),
    }
    updated = ReferrerContact.update(**values).where(ReferrerContact.user == user_id).execute()
    if not updated:
        ReferrerContact.create(user=user_id, **values)


def prefill_for(user):
    """The referrer fields a partner user's form starts with: their name (on User) and the
    department and phone they typed last. Nothing for other roles (a coordinator registers a
    referral on behalf of whoever called)."""
    if user.role != "partner":
        return {}
    contact = ReferrerContact.get_or_none(ReferrerContact.user == user.id)
    values = {"referrer_name": user.name}
    if contact is not None:
        values["referrer_department"] = contact.department
        values["referrer_phone"] = contact.phone
    return {name: value for name, value in values.items() if value}


def _page(query, page, per_page):
    """One page of `query` and whether there is a next one: the database counts and limits
    (one row more than a page tells whether there is a next page)."""
    rows = list(query.limit(per_page + 1).offset((page - 1) * per_page))
    return rows[:per_page], len(rows) > per_page


def _reference_matches(q):
    return fn.LOWER(Referral.case_reference).contains(q.strip().lower())


def _statuses(of_organisation):
    """A referring user's referrals, newest first, a page (one row more than a page tells
    whether there is a next one)."""
    return (
        Referral.select(
            Referral.id,
            Referral.form,
            Referral.created_at,
            Referral.case_reference,
            Course.stage,
            Course.first_contact_on,
        )
        .join(Course, JOIN.INNER, on=(Referral.course == Course.id))
        .where(
            (Referral.referred_by == slot("user")) & (Referral.organisation == slot("organisation"))
            if of_organisation
            else (Referral.referred_by == slot("user")) & Referral.organisation.is_null()
        )
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .limit(slot("limit"))
        .offset(slot("offset"))
        .dicts()
    )


def statuses_for(user, q="", page=1, per_page=PER_PAGE):
    """The referrals `user` made for their organisation, newest first, one page: the
    referral's number, their own case reference, the date, the form and one of the four
    statuses (with the first contact's date). Nothing else. `q` searches their references.
    Returns (rows, has_more)."""
    values = {
        "user": user.id,
        "organisation": user.organisation,
        "limit": per_page + 1,
        "offset": (page - 1) * per_page,
    }
    shape = bool(user.organisation)
    if (q or "").strip():
        # A search of their references: written for it alone, not kept.
        query = _statuses(shape).where(_reference_matches(q))
        rows = list(kept(None, lambda: query, **values))
    else:
        rows = list(kept(("referrals.statuses", shape), lambda: _statuses(shape), **values))
    rows, has_more = rows[:per_page], len(rows) > per_page
    return [
        {
            "number": row["id"],
            "form": row["form"],
            "case_reference": row["case_reference"],
            "sent_on": row["created_at"],
            "status": STATUS_OF_STAGE.get(row["stage"], "received"),
            "first_contact_on": row["first_contact_on"],
        }
        for row in rows
    ], has_more


def incoming(q="", page=1, per_page=PER_PAGE):
    """The coordinator's list of referrals: those waiting for first contact first, then the
    rest, newest first in each; with the course and citizen's name, the organisation, the
    referrer, their case reference and who makes the first call. Returns (rows, has_more)."""
    waiting = Case(None, [(Course.stage == flow.NEW, 0)], 1)
    query = (
        Referral.select(Referral, Course, Citizen, User)
        .join(Course, JOIN.INNER, on=(Referral.course == Course.id), attr="course")
        .join(Citizen, JOIN.LEFT_OUTER, on=(Course.citizen == Citizen.id), attr="citizen")
        .switch(Referral)
        .join(User, JOIN.LEFT_OUTER, on=(Referral.referred_by == User.id), attr="referred_by")
        .order_by(waiting, Referral.created_at.desc(), Referral.id.desc())
    )
    if (q or "").strip():
        query = query.where(_reference_matches(q))
    return _page(query, page, per_page)


def referral_columns(course_column):
    """For a query of courses (the coordinator's queues, for their "Henvist" badge): how the
    course `course_column` names came in as a referral, as correlated subqueries by the
    referral's course index: {"referral_id", "referral_organisation", "referral_department"},
    each NULL for a course that did not."""

    def of_the_course(column):
        return Referral.select(column).where(Referral.course == course_column)

    return {
        "referral_id": of_the_course(Referral.id),
        "referral_organisation": of_the_course(Referral.organisation),
        "referral_department": of_the_course(Referral.referrer_department),
    }


def _referral_of():
    return Referral.select().where(Referral.course == slot("course")).limit(1)


def referral_of(course_id):
    """A read-only view of how the course came in as a referral, or None."""
    referral = kept_first(("referrals.of_course",), _referral_of, course=course_id)
    if referral is None:
        return None
    return ReferralSnapshot(
        id=referral.id,
        course_id=referral.course_id,
        form=referral.form,
        plugin=referral.plugin,
        organisation=referral.organisation,
        referred_by_id=referral.referred_by_id,
        referrer_name=referral.referrer_name,
        referrer_department=referral.referrer_department,
        referrer_phone=referral.referrer_phone,
        first_call=referral.first_call,
        extra=MappingProxyType(json.loads(referral.extra) if referral.extra else {}),
        created_at=referral.created_at,
        case_reference=referral.case_reference,
    )
