"""Consent item by item: recorded with its date and source; a withdrawal is dated and
erases what rested on the consent."""

from peewee import fn

from trivsel.core.db import checkpoint, database, kept, slot
from trivsel.courses.models import Citizen, Course
from trivsel.privacy.access_log import current_endpoint, log_access
from trivsel.privacy.models import Consent

# What a withdrawn consent takes with it.
WHO5 = "who5"

FOLLOW_UP_CALL = "follow_up_call"

SHARE_CONTACT = "share_contact"


def consents_for(course_id):
    return list(kept(("consent.of_course",), _consents, course=course_id))


def _consents():
    return (
        Consent.select()
        .where(Consent.course == slot("course"))
        .order_by(Consent.recorded_on, Consent.id)
    )


def _withdrawn(consent):
    return consent.withdrawn_on is not None or not consent.given


def withdrawn_condition(item, course_column):
    """A condition, for a query of courses, that the citizen of the course `course_column`
    names has withdrawn `item` and not given it again since: its latest consent of the item
    (as `courses_withdrawn` reads it) is withdrawn or refused. For filtering in SQL."""
    later = Consent.alias("later_consent")
    latest = Consent.select(Consent.id).where(
        (Consent.course == course_column)
        & (Consent.item == item)
        & (Consent.withdrawn_on.is_null(False) | (Consent.given == False))  # noqa: E712
        & ~fn.EXISTS(
            later.select(later.id).where(
                (later.course == Consent.course)
                & (later.item == item)
                & (
                    (later.recorded_on > Consent.recorded_on)
                    | ((later.recorded_on == Consent.recorded_on) & (later.id > Consent.id))
                )
            )
        )
    )
    return fn.EXISTS(latest)


def withdrawn_items(course_id):
    """Consent items the citizen has withdrawn and not given again since."""
    return withdrawn_in(consents_for(course_id))


def withdrawn_in(consents):
    """The items withdrawn and not given again since, read from a course's `consents` as
    `consents_for` gives them (for a page that shows the consents too)."""
    latest = {}
    for consent in consents:
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
            log_access("consent", course_id, user_id=actor, endpoint=current_endpoint())
    return consent


def withdraw_consent(consent, on, actor=None):
    """Date the withdrawal and erase what rested on the consent:

    - who5: the WHO-5 scores at intake and follow-up;
    - share_contact: the phone number and e-mail the referrer passed on;
    - share_considerations: the special considerations the referrer passed on;
    - follow_up_call: nothing stored; the follow-up call is no longer offered.
    - contact_referrer: nothing stored; the coordinator no longer contacts the referrer
      about the citizen (the course page says so).
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
            log_access("consent", consent.course_id, user_id=actor, endpoint=current_endpoint())
    checkpoint()
    return True
