"""Taking a step on a course: the flow decides, one transaction saves, plugins hear of it."""

from dataclasses import fields

from peewee import IntegrityError

from trivsel.core.db import database, now
from trivsel.core.hookspecs import CourseSnapshot
from trivsel.core.plugins import get_plugins
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course, CourseEvent
from trivsel.directory.models import OfferLink


def snapshot(course):
    """The read-only view of a saved course that plugins get (no citizen field, no model)."""
    return CourseSnapshot(**{name: getattr(course, name) for name in SNAPSHOT_FIELDS})


SNAPSHOT_FIELDS = tuple(f.name for f in fields(CourseSnapshot))


class Conflict(Exception):
    """Someone else saved the course after the form was shown; nothing was changed."""


def take_step(course, action, actor, version, changes=None, after=None, **facts):
    """Move `course` by `action`, saving `changes` to its columns.

    :param version: the course version the user's form was shown with.
    :param after: called with the updated course inside the same transaction (to save rows
        that belong to the step, such as a proposal).
    :param facts: passed to `flow.next_stage` (outcome, citizen_yes, volunteer_yes).
    :raises flow.StepRefused: the step is not allowed from the course's stage.
    :raises Conflict: the course changed since `version`.
    """
    old_stage = course.stage
    new_stage = flow.next_stage(old_stage, action, **facts)
    with database.atomic():
        _save(course, version, stage=new_stage, **(changes or {}))
        CourseEvent.create(course=course.id, actor=actor, action=action, stage=new_stage)
        updated = Course.get_by_id(course.id)
        if after is not None:
            after(updated)
    plugins = get_plugins()
    view = snapshot(updated)
    plugins.notify("trivsel_course_stage_changed", course=view, action=action, old_stage=old_stage)
    if action == flow.CLOSE:
        offer_ids = [
            link.offer_id
            for link in OfferLink.select(OfferLink.offer).where(OfferLink.course == updated.id)
        ]
        plugins.notify("trivsel_course_closed", course=view, offer_ids=offer_ids)
    return updated


def save_course(course, version, **changes):
    """Save plain edits (no step) with the same optimistic lock."""
    with database.atomic():
        _save(course, version, **changes)
    return Course.get_by_id(course.id)


def _save(course, version, **changes):
    updated = (
        Course.update(version=Course.version + 1, updated_at=now(), **changes)
        .where((Course.id == course.id) & (Course.version == version))
        .execute()
    )
    if updated != 1:
        raise Conflict()


def register_inquiry(actor, citizen_fields, submission_key=None, after=None, **facts):
    """Save a new inquiry (a course in stage NEW), with a citizen row only when the citizen
    gave something to reach them by: an anonymous inquiry stores no personal data.

    `after` is called with the new course inside the same transaction (to save rows that
    belong to the inquiry, such as a referral and its consents).

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
                _save(course, version)
                return Course.get_by_id(course.id)
            citizen = Citizen.create(**fields)
            _save(course, version, citizen=citizen)
        else:
            _save(course, version)
            Citizen.update(**fields).where(Citizen.id == course.citizen_id).execute()
    return Course.get_by_id(course.id)
