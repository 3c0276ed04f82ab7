"""The course's writes outside the steps: a new inquiry, the citizen's contact data, what the
match needs, the volunteer's conversations and the ready-to-close flag."""

from datetime import date

from peewee import IntegrityError

from trivsel.core.db import database
from trivsel.core.plugins import get_plugins
from trivsel.courses import flow, notices
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent
from trivsel.courses.steps import save_course, snapshot


class NotActive(Exception):
    """The course is not running: a conversation or flag cannot be recorded on it."""


def register_inquiry(actor, citizen_fields, submission_key=None, after=None, **facts):
    """Save a new inquiry (a course in stage NEW), with a citizen row only when the citizen
    gave something to reach them by: an anonymous inquiry stores no personal data.

    `after` is called with the new course inside the same transaction (to save rows that
    belong to the inquiry, such as a referral and its consents). The coordinators on duty are
    told in the same transaction (`notices.inquiry_registered`).

    Returns (course, created). The same `submission_key` twice (a double submit) returns the
    course the first one registered, with created False.
    """
    if submission_key:
        existing = Course.get_or_none(Course.submission_key == submission_key)
        if existing is not None:
            return existing, False
    try:
        with database.atomic():
            citizen = None
            if any(citizen_fields.values()):
                citizen = Citizen.create(**citizen_fields)
            course = Course.create(
                citizen=citizen, stage=flow.NEW, submission_key=submission_key, **facts
            )
            CourseEvent.create(course=course, actor=actor, action="inquiry", stage=flow.NEW)
            if after is not None:
                after(course)
            notices.inquiry_registered(course, actor)
    except IntegrityError:
        if not submission_key:
            raise
        # The twin request committed first.
        return Course.get(Course.submission_key == submission_key), False
    get_plugins().notify("trivsel_inquiry_received", course=snapshot(course))
    return course, True


def save_citizen(course, version, fields):
    """Save a citizen's personal fields (creating the row for a so far anonymous inquiry)."""
    with database.atomic():
        if course.citizen_id is None:
            if not any(fields.values()):
                return save_course(course, version)
            return save_course(course, version, citizen=Citizen.create(**fields))
        updated = save_course(course, version)
        Citizen.update(**fields).where(Citizen.id == course.citizen_id).execute()
    return updated


def citizen_postcode(course):
    return course.citizen.postcode if course.citizen_id else None


def save_match_facts(course, version, match_facts, postcode):
    """What the match needs (a fact on the course) and the citizen's postcode (personal: on
    the citizen row, erased with the person), under the course's lock."""
    with database.atomic():
        updated = save_course(course, version, **match_facts)
        if postcode != citizen_postcode(course):
            if course.citizen_id:
                Citizen.update(postcode=postcode).where(Citizen.id == course.citizen_id).execute()
            elif postcode:
                citizen = Citizen.create(postcode=postcode)
                Course.update(citizen=citizen).where(Course.id == course.id).execute()
    return updated


def log_conversation(course, volunteer_id, held_on, mode, submission_key=None):
    """One conversation on a running course. The same `submission_key` twice (a double tap)
    logs it once. Returns the conversation when this call logged it, else False."""
    if course.stage != flow.ACTIVE:
        raise NotActive()
    try:
        with database.atomic():
            conversation = Conversation.create(
                course=course.id,
                held_on=held_on,
                mode=mode,
                logged_by=volunteer_id,
                submission_key=submission_key,
            )
    except IntegrityError:
        if not submission_key:
            raise
        return False
    return conversation


def flag_ready_to_close(course, flag, today=None):
    """Put a running course on the group supervision's agenda to judge whether it is ready to
    close (or take it off again)."""
    if course.stage != flow.ACTIVE:
        raise NotActive()
    day = (today or date.today()) if flag else None
    Course.update(ready_to_close_on=day).where(Course.id == course.id).execute()
