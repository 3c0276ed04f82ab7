"""Exporting the database as the spreadsheet history: the three tables as CSV files."""

import csv
from pathlib import Path

from trivsel.core.spreadsheets import safe_row
from trivsel.courses.models import Conversation, Course
from trivsel.statistics.codes import outcome_of
from trivsel.statistics.history_format import COLUMNS, SOURCES, TABLES

_SOURCE_OF = {ours: theirs for theirs, ours in SOURCES.items()}


def export_rows():
    """The three tables from the database, as lists of dicts (header order in COLUMNS)."""
    inquiries, courses = [], []
    query = Course.select(
        Course.id,
        Course.ref,
        Course.received_on,
        Course.branch,
        Course.initiated_by,
        Course.stage,
        Course.birth_year,
        Course.started_on,
        Course.ended_on,
        Course.follow_on_contact,
    ).order_by(Course.received_on, Course.id)
    for course in query:
        ref = _ref_of(course.id, course.ref)
        inquiries.append(_inquiry_row(ref, course))
        if course.started_on:
            courses.append(_course_row(ref, course))
    return {"inquiries": inquiries, "courses": courses, "conversations": _conversation_rows()}


def _ref_of(course_id, ref):
    """The inquiry's ref in the history: its own, or one made of its id."""
    return ref or f"trivsel-{course_id}"


def _inquiry_row(ref, course):
    return {
        "ref": ref,
        "received_on": course.received_on.isoformat(),
        "branch": course.branch,
        "source": _SOURCE_OF.get(course.initiated_by, "other"),
        "outcome": outcome_of(course.stage),
        "birth_year": course.birth_year or "",
    }


def _course_row(ref, course):
    ended = course.ended_on
    return {
        "ref": ref,
        "started_on": course.started_on.isoformat(),
        "ended_on": ended.isoformat() if ended else "",
        "follow_on": ""
        if course.follow_on_contact is None or not ended
        else ("yes" if course.follow_on_contact else "no"),
    }


def _conversation_rows():
    """The conversations of every course that started, in the order they were held."""
    return [
        {"ref": _ref_of(course_id, ref), "held_on": held.isoformat(), "mode": mode or ""}
        for course_id, ref, held, mode in Conversation.select(
            Course.id, Course.ref, Conversation.held_on, Conversation.mode
        )
        .join(Course)
        .where(Course.started_on.is_null(False))
        .order_by(Conversation.held_on, Conversation.id)
        .tuples()
    ]


def export_folder(path):
    """Write inquiries.csv, courses.csv and conversations.csv into a folder; text that a
    spreadsheet would take for a formula is neutralised (core.spreadsheets)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = export_rows()
    for table in TABLES:
        with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS[table])
            writer.writeheader()
            writer.writerows(safe_row(row) for row in tables[table])
    return {table: len(rows) for table, rows in tables.items()}
