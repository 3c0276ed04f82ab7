"""Corrections with a trace: a step's date, a conversation's date or form, a conversation
removed. Each is saved under the course's optimistic lock (a stale `version` raises
`steps.Conflict` having changed nothing) and leaves an event on the course's timeline saying
who changed what from what. The statistics are computed from the rows, so they follow at once.

Who may do what is `flow.may_change_conversation` (a volunteer their own conversation for 14
days after logging it; a coordinator any, any time); the coordinator alone corrects dates.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trivsel.core import labels
from trivsel.core.db import database, now
from trivsel.core.templating import danish_date
from trivsel.core.workdays import working_days_between
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Conversation, Course, CourseEvent, Proposal
from trivsel.courses.steps import save_course

# What each correctable date is called on the timeline and in the form.
DATE_LABELS = {
    "received_on": _l("Dato for henvendelse"),
    "first_contact_on": _l("Dato for første kontakt"),
    "intake_held_on": _l("Dato for startsamtale"),
    "started_on": _l("Dato for opstart"),
    "ended_on": _l("Dato for afslutning"),
    "followed_up_on": _l("Dato for opfølgning"),
}
# An undo right after logging reads "fortrudt" on the timeline (later it is "fjernet").
UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class CorrectionRefused(Exception):
    """The correction does not fit the course (`field`, `reason`); nothing was changed.

    Reasons: "future", "before", "after" (`flow.date_order_problem`), "conversations" (a
    start after conversations already held), "not_started" (a conversation before the start).
    """

    field: str
    reason: str


class NotAllowed(Exception):
    """The user may not change this conversation (not theirs, or logged too long ago)."""


def correctable_dates(course):
    """The course's dates a coordinator may correct: those the steps have recorded, except an
    end set by the intake (it follows the intake's date)."""
    names = [name for name in flow.CORRECTABLE_DATES if getattr(course, name) is not None]
    if _ended_at_intake(course) and "ended_on" in names:
        names.remove("ended_on")
    return names


def _ended_at_intake(course):
    return (
        course.intake_outcome not in (None, "matching")
        and course.started_on is None
        and course.ended_on is not None
        and course.ended_on == course.intake_held_on
    )


def date_problem(course, name, value, values, today=None):
    """Why `value` cannot be the date `name`, with the other new `values` ({name: date}):
    a `CorrectionRefused` reason, or None."""
    reason = flow.date_order_problem(name, value, values, today or date.today())
    if reason is None and name == "started_on":
        first = _first_conversation_on(course.id)
        if first is not None and value > first:
            reason = "conversations"
    return reason


def _first_conversation_on(course_id):
    first = (
        Conversation.select(Conversation.held_on)
        .where(Conversation.course == course_id)
        .order_by(Conversation.held_on)
        .first()
    )
    return first.held_on if first else None


def correct_dates(course, actor, version, new_dates, today=None):
    """Correct the course's dates `new_dates` ({name: date}); those unchanged are left alone.
    One timeline event per date changed. Returns the updated course.

    :raises CorrectionRefused: a date out of the flow's order; nothing changed.
    :raises steps.Conflict: the course changed since `version`; nothing changed.
    """
    allowed = set(correctable_dates(course))
    changed = {
        name: value
        for name, value in new_dates.items()
        if name in allowed and value is not None and value != getattr(course, name)
    }
    if not changed:
        return course
    values = {name: getattr(course, name) for name in flow.CORRECTABLE_DATES}
    values.update(changed)
    if _ended_at_intake(course) and "intake_held_on" in changed:
        values["ended_on"] = changed["intake_held_on"]
    for name, value in changed.items():
        reason = date_problem(course, name, value, values, today)
        if reason:
            raise CorrectionRefused(name, reason)
    columns = dict(changed)
    moved = "received_on" in changed or "first_contact_on" in changed
    if moved and values["first_contact_on"] is not None:
        columns["first_contact_working_days"] = working_days_between(
            values["received_on"], values["first_contact_on"]
        )
    if _ended_at_intake(course) and "intake_held_on" in changed:
        columns["ended_on"] = changed["intake_held_on"]
    with database.atomic():
        updated = save_course(course, version, **columns)
        if "started_on" in changed:
            # The start is the day of the match meeting that matched: the proposal says so too.
            (
                Proposal.update(meeting_on=changed["started_on"])
                .where(
                    (Proposal.course == course.id)
                    & (Proposal.status == ProposalStatus.MATCHED)
                    & (Proposal.meeting_on == course.started_on)
                )
                .execute()
            )
        for name in flow.CORRECTABLE_DATES:
            if name in changed:
                _event(
                    updated,
                    actor,
                    flow.CORRECT_DATE,
                    field=name,
                    was=getattr(course, name).isoformat(),
                    now=changed[name].isoformat(),
                )
    return updated


def check_may_change(conversation, user, at=None):
    """Raise NotAllowed unless `user` may correct or remove `conversation`."""
    if not flow.may_change_conversation(
        user.role, user.id, conversation.logged_by_id, conversation.logged_at, at or now()
    ):
        raise NotAllowed()


def conversation_problem(course, held_on, today=None):
    """Why a conversation cannot be held on `held_on`: a `CorrectionRefused` reason, or None."""
    if held_on > (today or date.today()):
        return "future"
    if course.started_on and held_on < course.started_on:
        return "not_started"
    return None


def correct_conversation(conversation, course, user, version, held_on, mode, today=None):
    """Correct a conversation's date and form. Returns the course (updated when anything
    changed; the same conversation again changes nothing and leaves no event).

    :raises NotAllowed, CorrectionRefused, steps.Conflict: nothing changed.
    """
    check_may_change(conversation, user)
    reason = conversation_problem(course, held_on, today)
    if reason:
        raise CorrectionRefused("held_on", reason)
    if (held_on, mode) == (conversation.held_on, conversation.mode):
        return course
    with database.atomic():
        updated = save_course(course, version)
        Conversation.update(held_on=held_on, mode=mode).where(
            Conversation.id == conversation.id
        ).execute()
        _event(
            updated,
            user.id,
            flow.CORRECT_CONVERSATION,
            was={"held_on": conversation.held_on.isoformat(), "mode": conversation.mode},
            now={"held_on": held_on.isoformat(), "mode": mode},
        )
    return updated


def remove_conversation(conversation, course, user, version, undo=False):
    """Remove a conversation logged by mistake (`undo`: the undo right after logging it).
    Returns the updated course.

    :raises NotAllowed, steps.Conflict: nothing changed.
    """
    check_may_change(conversation, user)
    undo = bool(undo) and now() - conversation.logged_at <= UNDO_WINDOW
    with database.atomic():
        updated = save_course(course, version)
        Conversation.delete().where(Conversation.id == conversation.id).execute()
        _event(
            updated,
            user.id,
            flow.REMOVE_CONVERSATION,
            held_on=conversation.held_on.isoformat(),
            mode=conversation.mode,
            undo=undo,
        )
    return updated


def _event(course, actor, action, **detail):
    CourseEvent.create(
        course=course.id, actor=actor, action=action, stage=course.stage, detail=json.dumps(detail)
    )


# --- The timeline's words ---------------------------------------------------------------------


def _day(iso):
    return danish_date(date.fromisoformat(iso)) if iso else "—"


def _moment(iso):
    return danish_date(datetime.fromisoformat(iso)) if iso else "—"


def _mode(code):
    return str(labels.MODES.get(code, code)) if code else _("ukendt form")


def describe(event):
    """What a correction, a moved or a cancelled meeting changed, in the reader's language
    (plain text: Jinja escapes it); None for an event that has no detail."""
    if not event.detail:
        return None
    try:
        detail = json.loads(event.detail)
    except ValueError:
        return None
    action = event.action
    if action == flow.CORRECT_DATE:
        name = detail.get("field")
        return _(
            "%(what)s rettet: %(was)s → %(now)s",
            what=DATE_LABELS.get(name, name),
            was=_day(detail.get("was")),
            now=_day(detail.get("now")),
        )
    if action == flow.CORRECT_CONVERSATION:
        was, new = detail.get("was") or {}, detail.get("now") or {}
        parts_was, parts_now = [], []
        if was.get("held_on") != new.get("held_on"):
            parts_was.append(_day(was.get("held_on")))
            parts_now.append(_day(new.get("held_on")))
        if was.get("mode") != new.get("mode"):
            parts_was.append(_mode(was.get("mode")))
            parts_now.append(_mode(new.get("mode")))
        return _(
            "Samtale %(day)s rettet: %(was)s → %(now)s",
            day=_day(was.get("held_on")),
            was=", ".join(parts_was),
            now=", ".join(parts_now),
        )
    if action == flow.REMOVE_CONVERSATION:
        values = {"day": _day(detail.get("held_on")), "mode": _mode(detail.get("mode"))}
        if detail.get("undo"):
            return _("Samtale %(day)s (%(mode)s) fortrudt", **values)
        return _("Samtale %(day)s (%(mode)s) fjernet", **values)
    meeting = {
        flow.SCHEDULE_INTAKE: _("Startsamtale"),
        flow.CANCEL_INTAKE: _("Startsamtale"),
        flow.SCHEDULE_MATCH_MEETING: _("Matchmøde"),
        flow.CANCEL_MATCH_MEETING: _("Matchmøde"),
    }.get(action)
    if meeting and detail.get("now"):
        return _(
            "%(meeting)s flyttet: %(was)s → %(now)s",
            meeting=meeting,
            was=_moment(detail.get("was")),
            now=_moment(detail.get("now")),
        )
    if meeting and detail.get("was"):
        return _("%(meeting)s aflyst (var %(was)s)", meeting=meeting, was=_moment(detail["was"]))
    return None


def correction_message(refused):
    """A Danish message for a refused correction, for the field it concerns."""
    if refused.reason == "future":
        return _("Datoen kan ikke ligge i fremtiden.")
    if refused.reason == "before":
        return _("Datoen kan ikke ligge før et tidligere trin i forløbet.")
    if refused.reason == "after":
        return _("Datoen kan ikke ligge efter et senere trin i forløbet.")
    if refused.reason == "conversations":
        return _("Der er registreret samtaler før den dato. Ret eller fjern dem først.")
    if refused.reason == "not_started":
        return _("Datoen kan ikke ligge før forløbet startede.")
    return _("Datoen passer ikke med forløbet. Intet er ændret.")


def course_of(conversation_id):
    """(conversation, course) or (None, None)."""
    conversation = Conversation.get_or_none(Conversation.id == conversation_id)
    if conversation is None:
        return None, None
    return conversation, Course.get_by_id(conversation.course_id)
