"""Importing the spreadsheet history: every row checked first, then all written, or nothing.

The tables are read row by row (history_read) into a compact plan: an object per inquiry
with its course and conversations, dates shared between rows. The database is asked and
written in batches, each statement with at most MAX_VARIABLES values, so a history of
IMPORT_MAX_ROWS rows works on SQLite and PostgreSQL alike."""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from trivsel.core.db import analyze, database, now
from trivsel.core.numbers import parse_int
from trivsel.core.spreadsheets import starts_like_a_formula
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


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Dates:
    """Dates read from text, each text parsed once and its date shared by the rows."""

    def __init__(self):
        self.today = date.today()
        self._seen = {}

    def parse(self, row, name, required=True):
        text = row.values.get(name, "")
        if not text:
            if required:
                raise ImportRefused(row.source, row.number, _("“%(column)s” mangler.", column=name))
            return None
        value = self._seen.get(text)
        if value is None:
            value = self._parse(row, name, text)
            self._seen[text] = value
        return value

    def _parse(self, row, name, text):
        try:
            value = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
        except ValueError:
            value = None
        if value is None:
            raise ImportRefused(
                row.source,
                row.number,
                _(
                    "“%(value)s” i “%(column)s” er ikke en gyldig dato (ÅÅÅÅ-MM-DD).",
                    value=text[:40],
                    column=name,
                ),
            )
        if value > self.today:
            raise ImportRefused(
                row.source, row.number, _("datoen %(value)s ligger i fremtiden.", value=text)
            )
        return value


def _choice(row, name, allowed, required=True):
    value = row.values.get(name, "")
    if not value and not required:
        return None
    for known in allowed:
        if value == known:
            return known  # the constant, shared by every row
    raise ImportRefused(
        row.source,
        row.number,
        _(
            "“%(value)s” i “%(column)s” er ikke en af: %(allowed)s.",
            value=value[:40],
            column=name,
            allowed=", ".join(allowed),
        ),
    )


def _ref(row):
    ref = row.values.get("ref", "")
    if not ref:
        raise ImportRefused(row.source, row.number, _("“ref” mangler."))
    if len(ref) > MAX_REF:
        raise ImportRefused(
            row.source, row.number, _("“ref” er længere end %(n)s tegn.", n=MAX_REF)
        )
    if starts_like_a_formula(ref):
        # A spreadsheet would take it for a formula when the history is exported again.
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "ref “%(ref)s” begynder med et tegn, som et regneark læser som en formel; en "
                "ref må ikke begynde med =, +, -, @, tabulator eller linjeskift.",
                ref=ref[:MAX_REF],
            ),
        )
    return ref


def _birth_year(row, this_year):
    text = row.values.get("birth_year")
    if not text:
        return None
    try:
        return parse_int(text, 1900, this_year)
    except ValueError:
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "fødselsåret “%(value)s” er ikke et år mellem 1900 og %(year)s.",
                value=text[:40],
                year=this_year,
            ),
        ) from None


# --- Checking the tables ------------------------------------------------------------------

# The most values one statement sends: SQLite's historic limit, well within PostgreSQL's.
MAX_VARIABLES = 999
# Refs looked up with one `IN` list.
IN_CHUNK = 500


class Inquiry:
    """One inquiry of the history as planned: its row, its values, its course (a tuple of
    started, ended, follow_on) and its conversations (held, mode), all checked."""

    __slots__ = (
        "number",
        "received_on",
        "branch",
        "initiated_by",
        "outcome",
        "birth_year",
        "course",
        "conversations",
    )

    def __init__(self, number, received_on, branch, initiated_by, outcome, birth_year):
        self.number = number
        self.received_on = received_on
        self.branch = branch
        self.initiated_by = initiated_by
        self.outcome = outcome
        self.birth_year = birth_year
        self.course = None
        self.conversations = None


def plan_import(tables, branch_keys):
    """Check every row; returns the inquiries to create, keyed by ref ({ref: Inquiry}), and
    the refs already imported. Raises ImportRefused."""
    dates = _Dates()
    inquiries, label = _plan_inquiries(tables["inquiries"], sorted(branch_keys), dates)
    skipped = _already_imported(inquiries, label)
    _plan_courses(tables["courses"], inquiries, dates)
    _plan_conversations(tables["conversations"], inquiries, dates)
    return inquiries, skipped


def chunks(items, size):
    """The list `items` in slices of at most `size`."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def select_in(model, columns, key, values):
    """The rows (tuples of `columns`) of `model` whose `key` is one of `values`, asked
    IN_CHUNK values at a time: a short `IN` list each, whatever the number of values. Plain
    SQL: peewee builds an expression for every value of an `IN` list, which at 200,000 refs
    costs more than the import's checks."""
    meta = model._meta
    opening, closing = database.quote
    names = ", ".join(f"{opening}{meta.fields[c].column_name}{closing}" for c in columns)
    head = (
        f"SELECT {names} FROM {opening}{meta.table_name}{closing} "
        f"WHERE {opening}{meta.fields[key].column_name}{closing} IN "
    )
    for part in chunks(values, IN_CHUNK):
        marks = ", ".join([database.param] * len(part))
        yield from database.execute_sql(f"{head}({marks})", list(part)).fetchall()


def _already_imported(inquiries, label):
    """The refs of `inquiries` that are in the database already, in the files' order. One
    there with other details refuses (at its row; the first such row)."""
    found = {
        ref: (received, branch, initiated)
        for ref, received, branch, initiated in select_in(
            Course, ("ref", "received_on", "branch", "initiated_by"), "ref", list(inquiries)
        )
    }
    skipped = []
    for ref, inquiry in inquiries.items():
        if ref not in found:
            continue
        if _as_imported(found[ref]) != (
            inquiry.received_on.isoformat(),
            inquiry.branch,
            inquiry.initiated_by,
        ):
            raise ImportRefused(
                label,
                inquiry.number,
                _("ref “%(ref)s” findes allerede med andre oplysninger.", ref=ref),
            )
        skipped.append(ref)
    return skipped


def _plan_inquiries(rows, branch_keys, dates):
    """The inquiries checked, {ref: Inquiry}, and the label of their file or sheet."""
    inquiries = {}
    this_year = dates.today.year
    label = getattr(rows, "label", "inquiries")
    for row in rows:
        label = row.source
        ref = _ref(row)
        if ref in inquiries:
            raise ImportRefused(row.source, row.number, _("ref “%(ref)s” står to gange.", ref=ref))
        received = dates.parse(row, "received_on")
        branch = _choice(row, "branch", branch_keys)
        source = _choice(row, "source", list(SOURCES))
        outcome = _choice(row, "outcome", OUTCOMES)
        birth_year = _birth_year(row, this_year)
        inquiries[ref] = Inquiry(row.number, received, branch, SOURCES[source], outcome, birth_year)
    return inquiries, label


def _as_imported(existing):
    """An existing inquiry's (received, branch, initiated by), the date as ÅÅÅÅ-MM-DD."""
    received, branch, initiated = existing
    return str(received)[:10], branch, initiated


def _plan_courses(rows, inquiries, dates):
    """Check the courses and add each to its inquiry."""
    for row in rows:
        ref = _ref(row)
        inquiry = inquiries.get(ref)
        if inquiry is None:
            raise ImportRefused(
                row.source, row.number, _("ref “%(ref)s” findes ikke i inquiries.", ref=ref)
            )
        if inquiry.course is not None:
            raise ImportRefused(row.source, row.number, _("ref “%(ref)s” står to gange.", ref=ref))
        if inquiry.outcome != "course":
            raise ImportRefused(
                row.source,
                row.number,
                _("henvendelsen “%(ref)s” har ikke udfaldet “course”.", ref=ref),
            )
        started = dates.parse(row, "started_on")
        ended = dates.parse(row, "ended_on", required=False)
        follow_on = _choice(row, "follow_on", FOLLOW_ON, required=False)
        if started < inquiry.received_on:
            raise ImportRefused(
                row.source, row.number, _("forløbet starter før henvendelsen blev modtaget.")
            )
        if ended and ended < started:
            raise ImportRefused(row.source, row.number, _("forløbet slutter før det starter."))
        if follow_on and not ended:
            raise ImportRefused(
                row.source, row.number, _("et svar om videre kontakt kræver en slutdato.")
            )
        inquiry.course = (started, ended, follow_on)


def _plan_conversations(rows, inquiries, dates):
    """Check the conversations and add each to its inquiry."""
    for row in rows:
        ref = row.values.get("ref", "")
        inquiry = inquiries.get(ref)
        if not ref or inquiry is None or inquiry.course is None:
            raise ImportRefused(
                row.source,
                row.number,
                _("ref “%(ref)s” findes ikke i courses.", ref=ref[:MAX_REF]),
            )
        held = dates.parse(row, "held_on")
        mode = _choice(row, "mode", MODES, required=False)
        started, ended, _follow_on = inquiry.course
        if held < started or (ended and held > ended):
            raise ImportRefused(
                row.source,
                row.number,
                _("samtalen den %(day)s ligger uden for forløbet.", day=held.isoformat()),
            )
        if inquiry.conversations is None:
            inquiry.conversations = []
        inquiry.conversations.append((held, mode))


# --- Writing ------------------------------------------------------------------------------


def import_history(tables, branch_keys):
    """Check, then write everything in one transaction. Returns an ImportResult.

    The first problem refuses the whole import (ImportRefused names the file, the row and the
    problem). Importing the same files again changes nothing: an inquiry whose ref is already
    in the database is skipped with its course and conversations. Imported records carry no
    personal data. Written in batches of whole inquiries (each statement with at most
    MAX_VARIABLES values), all in one transaction."""
    inquiries, skipped = plan_import(tables, branch_keys)
    skipped_refs = set(skipped)
    new = [ref for ref in inquiries if ref not in skipped_refs]
    result = ImportResult(skipped=skipped)
    if not new:
        return result
    stamp = now()
    courses = _Inserter(Course, COURSE_COLUMNS)
    events = _Inserter(CourseEvent, ("course", "action", "stage", "at"))
    conversations = _Inserter(Conversation, ("course", "held_on", "mode", "logged_at"))
    with database.atomic():
        for refs in chunks(new, courses.batch):
            courses.insert([_course_record(ref, inquiries[ref], stamp) for ref in refs])
            ids = dict(select_in(Course, ("ref", "id"), "ref", refs))
            events.insert([(ids[ref], "imported", _stage(inquiries[ref]), stamp) for ref in refs])
            held = [
                (ids[ref], day, mode, stamp)
                for ref in refs
                for day, mode in inquiries[ref].conversations or ()
            ]
            conversations.insert(held)
            result.courses += sum(1 for ref in refs if inquiries[ref].course)
            result.conversations += len(held)
    analyze()  # thousands of rows at once: the planner's statistics are out of date
    result.inquiries = len(new)
    return result


def _stage(inquiry):
    outcome, course = inquiry.outcome, inquiry.course
    if outcome == "pending":
        return flow.NEW
    if outcome != "course":
        return flow.INTAKE_OUTCOMES[outcome]
    if course is None:
        return flow.MATCHING
    _started, ended, follow_on = course
    if ended is None:
        return flow.ACTIVE
    return flow.FOLLOWED_UP if follow_on else flow.CLOSED


COURSE_COLUMNS = (
    "ref",
    "stage",
    "branch",
    "received_on",
    "channel",
    "initiated_by",
    "birth_year",
    "intake_outcome",
    "started_on",
    "ended_on",
    "follow_on_contact",
    "created_at",
    "updated_at",
)


def _course_record(ref, inquiry, stamp):
    """The Course row of one imported inquiry, with its course if it had one: the values of
    COURSE_COLUMNS."""
    started, ended, follow_on = inquiry.course or (None, None, None)
    outcome = inquiry.outcome
    intake = None if outcome == "pending" else ("matching" if outcome == "course" else outcome)
    return (
        ref,
        _stage(inquiry),
        inquiry.branch,
        inquiry.received_on,
        None,
        inquiry.initiated_by,
        inquiry.birth_year,
        intake,
        started,
        ended,
        None if not follow_on else follow_on == "yes",
        stamp,
        stamp,
    )


class _Inserter:
    """Inserts rows of a model (tuples of the `columns`' values) as multi-row INSERTs of at
    most MAX_VARIABLES values. The SQL is written once: building it through peewee for every
    row costs more than the rest of an import together. Values are converted as peewee
    converts them (each field's db_value); the fields left out get their defaults."""

    def __init__(self, model, columns):
        meta = model._meta
        self.fields = [meta.fields[name] for name in columns]
        self.defaults = [f for f in meta.defaults if f.name not in columns]
        every = self.fields + self.defaults
        opening, closing = database.quote
        names = ", ".join(f"{opening}{f.column_name}{closing}" for f in every)
        self.head = f"INSERT INTO {opening}{meta.table_name}{closing} ({names}) VALUES "
        self.group = "(" + ", ".join([database.param] * len(every)) + ")"
        self.batch = max(1, MAX_VARIABLES // len(every))

    def insert(self, rows):
        # The defaults once for the rows of one call (they are constants and timestamps).
        defaults = [
            f.db_value(f.default() if callable(f.default) else f.default) for f in self.defaults
        ]
        fields = self.fields
        for part in chunks(rows, self.batch):
            params = []
            for row in part:
                params.extend(
                    [v if v is None else f.db_value(v) for f, v in zip(fields, row, strict=True)]
                )
                params.extend(defaults)
            database.execute_sql(self.head + ", ".join([self.group] * len(part)), params)
