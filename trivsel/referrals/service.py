"""Referrals: who may use a referral form, saving a submission, and what a referrer sees."""

import json
from datetime import date
from types import MappingProxyType

from peewee import JOIN

from trivsel.core.hookspecs import ReferralSnapshot
from trivsel.courses.models import Course
from trivsel.courses.service import register_inquiry
from trivsel.privacy.models import Consent
from trivsel.referrals import notices
from trivsel.referrals.models import Referral
from trivsel.referrals.statuses import STATUS_OF_STAGE

CITIZEN_FIELDS = ("name", "phone", "email", "considerations")


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


def save(submission, plugin, form_key, user, organisation, submission_key=None):
    """Save a checked submission as an inquiry with its referral and consents, in one
    transaction. Returns (course, created)."""
    received = submission.received_on or date.today()
    citizen = {
        name: (submission.citizen.get(name) or "").strip() or None for name in CITIZEN_FIELDS
    }

    def record(course):
        referral = record_referral(course.id, submission, plugin, form_key, user.id, organisation)
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


def statuses_for(user):
    """The referrals `user` made, newest first: the referral's number and date, the form,
    and one of the four statuses (with the first contact's date). Nothing else."""
    rows = (
        Referral.select(
            Referral.id,
            Referral.form,
            Referral.created_at,
            Course.stage,
            Course.first_contact_on,
        )
        .join(Course, JOIN.INNER, on=(Referral.course == Course.id))
        .where(Referral.referred_by == user.id)
        .order_by(Referral.created_at.desc(), Referral.id.desc())
        .dicts()
    )
    return [
        {
            "number": row["id"],
            "form": row["form"],
            "sent_on": row["created_at"],
            "status": STATUS_OF_STAGE.get(row["stage"], "received"),
            "first_contact_on": row["first_contact_on"],
        }
        for row in rows
    ]


def referral_of(course_id):
    """A read-only view of how the course came in as a referral, or None."""
    referral = Referral.get_or_none(Referral.course == course_id)
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
    )
