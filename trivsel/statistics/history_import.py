"""Importing the spreadsheet history: every row checked first, then all written, or nothing."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from trivsel.core.db import database, now
from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course, CourseEvent
from trivsel.statistics.history_format import (
    FOLLOW_ON,
    MAX_REF,
    MODES,
    OUTCOMES,
    SOURCES,
    ImportRefused,
)


@dataclass
class ImportResult:
    inquiries: int = 0
    courses: int = 0
    conversations: int = 0
    skipped: list = field(default_factory=list)  # refs already in the database


# --- Checking one value -------------------------------------------------------------------


def _date(row, name, required=True):
    text = row.values.get(name, "")
    if not text:
        if required:
            raise ImportRefused(row.source, row.number, _("“%(column)s” mangler.", column=name))
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or len(text) != 10:
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "“%(value)s” i “%(column)s” er ikke en gyldig dato (ÅÅÅÅ-MM-DD).",
                value=text,
                column=name,
            ),
        )
    if value > date.today():
        raise ImportRefused(
            row.source, row.number, _("datoen %(value)s ligger i fremtiden.", value=text)
        )
    return value


def _choice(row, name, allowed, required=True):
    value = row.values.get(name, "")
    if not value and not required:
        return None
    if value not in allowed:
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "“%(value)s” i “%(column)s” er ikke en af: %(allowed)s.",
                value=value,
                column=name,
                allowed=", ".join(allowed),
            ),
        )
    return value


def _ref(row, seen):
    ref = row.values.get("ref", "")
    if not ref:
        raise ImportRefused(row.source, row.number, _("“ref” mangler."))
    if len(ref) > MAX_REF:
        raise ImportRefused(
            row.source, row.number, _("“ref” er længere end %(n)s tegn.", n=MAX_REF)
        )
    if ref in seen:
        raise ImportRefused(row.source, row.number, _("ref “%(ref)s” står to gange.", ref=ref))
    seen.add(ref)
    return ref


def _birth_year(row):
    text = row.values.get("birth_year")
    if not text:
        return None
    this_year = date.today().year
    if not text.isdigit() or not 1900 <= int(text) <= this_year:
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "fødselsåret “%(value)s” er ikke et år mellem 1900 og %(year)s.",
                value=text,
                year=this_year,
            ),
        )
    return int(text)


# --- Checking the tables ------------------------------------------------------------------


def plan_import(tables, branch_keys):
    """Check every row; returns the records to create, keyed by ref, and the refs already
    imported. Raises ImportRefused."""
    existing = _existing_inquiries()
    inquiries = _plan_inquiries(tables["inquiries"], branch_keys, existing)
    _plan_courses(tables["courses"], inquiries)
    _plan_conversations(tables["conversations"], inquiries)
    return inquiries, [ref for ref in inquiries if ref in existing]


def _existing_inquiries():
    """{ref: (received, branch, initiated by)} of the inquiries imported before."""
    return {
        ref: (received, branch, initiated)
        for ref, received, branch, initiated in Course.select(
            Course.ref, Course.received_on, Course.branch, Course.initiated_by
        )
        .where(Course.ref.is_null(False))
        .tuples()
    }


def _plan_inquiries(rows, branch_keys, existing):
    inquiries, seen = {}, set()
    for row in rows:
        ref = _ref(row, seen)
        received = _date(row, "received_on")
        branch = _choice(row, "branch", sorted(branch_keys))
        source = _choice(row, "source", list(SOURCES))
        outcome = _choice(row, "outcome", OUTCOMES)
        birth_year = _birth_year(row)
        if ref in existing and _as_imported(existing[ref]) != (
            received.isoformat(),
            branch,
            SOURCES[source],
        ):
            raise ImportRefused(
                row.source,
                row.number,
                _("ref “%(ref)s” findes allerede med andre oplysninger.", ref=ref),
            )
        inquiries[ref] = {
            "received_on": received,
            "branch": branch,
            "initiated_by": SOURCES[source],
            "outcome": outcome,
            "birth_year": birth_year,
            "course": None,
            "conversations": [],
        }
    return inquiries


def _as_imported(existing):
    """An existing inquiry's (received, branch, initiated by), the date as ÅÅÅÅ-MM-DD."""
    received, branch, initiated = existing
    return str(received)[:10], branch, initiated


def _plan_courses(rows, inquiries):
    """Check the courses and add each to its inquiry."""
    seen = set()
    for row in rows:
        ref = _ref(row, seen)
        inquiry = inquiries.get(ref)
        if inquiry is None:
            raise ImportRefused(
                row.source, row.number, _("ref “%(ref)s” findes ikke i inquiries.", ref=ref)
            )
        if inquiry["outcome"] != "course":
            raise ImportRefused(
                row.source,
                row.number,
                _("henvendelsen “%(ref)s” har ikke udfaldet “course”.", ref=ref),
            )
        started = _date(row, "started_on")
        ended = _date(row, "ended_on", required=False)
        follow_on = _choice(row, "follow_on", FOLLOW_ON, required=False)
        if started < inquiry["received_on"]:
            raise ImportRefused(
                row.source, row.number, _("forløbet starter før henvendelsen blev modtaget.")
            )
        if ended and ended < started:
            raise ImportRefused(row.source, row.number, _("forløbet slutter før det starter."))
        if follow_on and not ended:
            raise ImportRefused(
                row.source, row.number, _("et svar om videre kontakt kræver en slutdato.")
            )
        inquiry["course"] = {"started_on": started, "ended_on": ended, "follow_on": follow_on}


def _plan_conversations(rows, inquiries):
    """Check the conversations and add each to its inquiry."""
    for row in rows:
        ref = row.values.get("ref", "")
        inquiry = inquiries.get(ref)
        if not ref or inquiry is None or inquiry["course"] is None:
            raise ImportRefused(
                row.source, row.number, _("ref “%(ref)s” findes ikke i courses.", ref=ref)
            )
        held = _date(row, "held_on")
        mode = _choice(row, "mode", MODES, required=False)
        course = inquiry["course"]
        if held < course["started_on"] or (course["ended_on"] and held > course["ended_on"]):
            raise ImportRefused(
                row.source,
                row.number,
                _("samtalen den %(day)s ligger uden for forløbet.", day=held.isoformat()),
            )
        inquiry["conversations"].append({"held_on": held, "mode": mode})


# --- Writing ------------------------------------------------------------------------------


def import_history(tables, branch_keys):
    """Check, then write everything in one transaction. Returns an ImportResult.

    The first problem refuses the whole import (ImportRefused names the file, the row and the
    problem). Importing the same files again changes nothing: an inquiry whose ref is already
    in the database is skipped with its course and conversations. Imported records carry no
    personal data."""
    inquiries, skipped = plan_import(tables, branch_keys)
    new = {ref: inquiry for ref, inquiry in inquiries.items() if ref not in skipped}
    result = ImportResult(skipped=skipped)
    if not new:
        return result
    stamp = now()
    with database.atomic():
        _insert(Course, [_course_record(ref, inquiry, stamp) for ref, inquiry in new.items()])
        ids = dict(Course.select(Course.ref, Course.id).where(Course.ref.in_(list(new))).tuples())
        events = [
            {"course": ids[ref], "action": "imported", "stage": _stage(inq), "at": stamp}
            for ref, inq in new.items()
        ]
        _insert(CourseEvent, events)
        conversations = [
            {"course": ids[ref], "held_on": c["held_on"], "mode": c["mode"], "logged_at": stamp}
            for ref, inq in new.items()
            for c in inq["conversations"]
        ]
        _insert(Conversation, conversations)
    result.inquiries = len(new)
    result.courses = sum(1 for inq in new.values() if inq["course"])
    result.conversations = len(conversations)
    return result


def _stage(inquiry):
    outcome, course = inquiry["outcome"], inquiry["course"]
    if outcome == "pending":
        return flow.NEW
    if outcome != "course":
        return flow.INTAKE_OUTCOMES[outcome]
    if course is None:
        return flow.MATCHING
    if course["ended_on"] is None:
        return flow.ACTIVE
    return flow.FOLLOWED_UP if course["follow_on"] else flow.CLOSED


def _course_record(ref, inquiry, stamp):
    """The Course row of one imported inquiry, with its course if it had one."""
    course = inquiry["course"] or {}
    outcome = inquiry["outcome"]
    return {
        "ref": ref,
        "stage": _stage(inquiry),
        "branch": inquiry["branch"],
        "received_on": inquiry["received_on"],
        "channel": None,
        "initiated_by": inquiry["initiated_by"],
        "birth_year": inquiry["birth_year"],
        "intake_outcome": None
        if outcome == "pending"
        else ("matching" if outcome == "course" else outcome),
        "started_on": course.get("started_on"),
        "ended_on": course.get("ended_on"),
        "follow_on_contact": None if not course.get("follow_on") else course["follow_on"] == "yes",
        "created_at": stamp,
        "updated_at": stamp,
    }


def _insert(model, rows, size=500):
    """Insert the rows in batches of `size`."""
    for i in range(0, len(rows), size):
        model.insert_many(rows[i : i + size]).execute()
