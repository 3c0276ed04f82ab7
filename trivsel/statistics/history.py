"""Spreadsheet history in and out: inquiries, courses and conversations as three tables.

Import is all or nothing: every row is checked first, and the first problem refuses the whole
import, naming the file, the row and the problem; nothing is written. Importing the same files
again changes nothing: an inquiry whose ref is already in the database is skipped with its
course and conversations. Imported records carry no personal data.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import gettext as _

from trivsel.core.db import database, now
from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course, CourseEvent

TABLES = ("inquiries", "courses", "conversations")
COLUMNS = {
    "inquiries": ("ref", "received_on", "branch", "source", "outcome", "birth_year"),
    "courses": ("ref", "started_on", "ended_on", "follow_on"),
    "conversations": ("ref", "held_on", "mode"),
}
REQUIRED = {
    "inquiries": ("ref", "received_on", "branch", "source", "outcome"),
    "courses": ("ref", "started_on"),
    "conversations": ("ref", "held_on"),
}
# The history's words for who initiated, and ours.
SOURCES = {
    "self": "citizen",
    "professional": "professional",
    "relative": "relative",
    "other": "other",
}
OUTCOMES = ("course", "referred_elsewhere", "declined", "withdrawn", "pending")
MODES = ("home", "phone", "outside")
MAX_REF = 64


class ImportRefused(Exception):
    """One problem in the files; the import was refused and nothing changed."""

    def __init__(self, table, row, problem):
        super().__init__(table, row, problem)
        self.table, self.row, self.problem = table, row, problem

    def __str__(self):
        where = _("%(file)s, række %(row)s", file=self.table, row=self.row)
        return f"{where}: {self.problem}"


@dataclass
class Row:
    source: str  # the file or sheet it came from, as the user knows it
    number: int  # the spreadsheet's row number: the header is row 1
    values: dict


@dataclass
class ImportResult:
    inquiries: int = 0
    courses: int = 0
    conversations: int = 0
    skipped: list = field(default_factory=list)  # refs already in the database


# --- Reading ------------------------------------------------------------------------------


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(table, header, records, label=None):
    """Rows of one table; `label` names the file or sheet in messages."""
    label = label or table
    header = [_clean(h).lower() for h in header]
    missing = [c for c in REQUIRED[table] if c not in header]
    if missing:
        raise ImportRefused(
            label, 1, _("kolonnen “%(column)s” mangler i overskriften.", column=missing[0])
        )
    rows = []
    for number, record in enumerate(records, start=2):
        values = {name: _clean(value) for name, value in zip(header, record, strict=False)}
        if any(values.values()):
            rows.append(Row(label, number, values))
    return rows


def read_csv_text(table, text, label=None):
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(label or table, 1, _("filen er tom.")) from None
    return _rows(table, header, list(reader), label)


def read_folder(path):
    """The three CSV files of a folder."""
    tables = {}
    for table in TABLES:
        file = Path(path) / f"{table}.csv"
        if not file.is_file():
            raise ImportRefused(f"{table}.csv", 1, _("filen findes ikke."))
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(f"{table}.csv", 1, _("filen er ikke UTF-8.")) from None
        tables[table] = read_csv_text(table, text, f"{table}.csv")
    return tables


def read_workbook(source):
    """The three sheets of an .xlsx workbook (a path or a file object)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:
        raise ImportRefused("xlsx", 1, _("filen kan ikke læses som et Excel-regneark.")) from None
    tables = {}
    for table in TABLES:
        if table not in workbook.sheetnames:
            raise ImportRefused(table, 1, _("arket findes ikke i regnearket."))
        records = list(workbook[table].iter_rows(values_only=True))
        if not records:
            raise ImportRefused(table, 1, _("arket er tomt."))
        tables[table] = _rows(table, records[0], records[1:])
    workbook.close()
    return tables


def read_path(path):
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if path.suffix.lower() == ".xlsx":
        return read_workbook(path)
    raise ImportRefused(path.name, 1, _("angiv en mappe med CSV-filer eller en .xlsx-fil."))


# --- Checking -----------------------------------------------------------------------------


def _date(row, name, required=True):
    text = row.values.get(name, "")
    if not text:
        if required:
            raise ImportRefused(row.source, row.number, _("“%(column)s” mangler.", column=name))
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ImportRefused(
            row.source,
            row.number,
            _(
                "“%(value)s” i “%(column)s” er ikke en gyldig dato (ÅÅÅÅ-MM-DD).",
                value=text,
                column=name,
            ),
        ) from None
    if len(text) != 10:
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


def plan_import(tables, branch_keys):
    """Check every row; returns the records to create, keyed by ref. Raises ImportRefused."""
    existing = {
        ref: (received, branch, initiated)
        for ref, received, branch, initiated in Course.select(
            Course.ref, Course.received_on, Course.branch, Course.initiated_by
        )
        .where(Course.ref.is_null(False))
        .tuples()
    }
    inquiries, seen = {}, set()
    this_year = date.today().year
    for row in tables["inquiries"]:
        ref = _ref(row, seen)
        received = _date(row, "received_on")
        branch = _choice(row, "branch", sorted(branch_keys))
        source = _choice(row, "source", list(SOURCES))
        outcome = _choice(row, "outcome", OUTCOMES)
        birth_year = None
        if row.values.get("birth_year"):
            text = row.values["birth_year"]
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
            birth_year = int(text)
        if ref in existing:
            old_received, old_branch, old_initiated = existing[ref]
            if (str(old_received)[:10], old_branch, old_initiated) != (
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

    seen = set()
    for row in tables["courses"]:
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
        follow_on = _choice(row, "follow_on", ("yes", "no"), required=False)
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

    for row in tables["conversations"]:
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
    return inquiries, [ref for ref in inquiries if ref in existing]


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


def import_history(tables, branch_keys):
    """Check, then write everything in one transaction. Returns an ImportResult."""
    inquiries, skipped = plan_import(tables, branch_keys)
    new = {ref: inquiry for ref, inquiry in inquiries.items() if ref not in skipped}
    result = ImportResult(skipped=skipped)
    if not new:
        return result
    stamp = now()
    with database.atomic():
        rows = []
        for ref, inquiry in new.items():
            course = inquiry["course"] or {}
            outcome = inquiry["outcome"]
            rows.append(
                {
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
                    "follow_on_contact": None
                    if not course.get("follow_on")
                    else course["follow_on"] == "yes",
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        for batch in _batches(rows):
            Course.insert_many(batch).execute()
        ids = dict(Course.select(Course.ref, Course.id).where(Course.ref.in_(list(new))).tuples())
        events = [
            {"course": ids[ref], "action": "imported", "stage": _stage(inq), "at": stamp}
            for ref, inq in new.items()
        ]
        for batch in _batches(events):
            CourseEvent.insert_many(batch).execute()
        conversations = [
            {"course": ids[ref], "held_on": c["held_on"], "mode": c["mode"], "logged_at": stamp}
            for ref, inq in new.items()
            for c in inq["conversations"]
        ]
        for batch in _batches(conversations):
            Conversation.insert_many(batch).execute()
    result.inquiries = len(new)
    result.courses = sum(1 for inq in new.values() if inq["course"])
    result.conversations = len(conversations)
    return result


def _batches(rows, size=500):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


# --- Export -------------------------------------------------------------------------------

_SOURCE_OF = {ours: theirs for theirs, ours in SOURCES.items()}
_PENDING = (flow.NEW, flow.CONTACTED, flow.INTAKE_SCHEDULED)


def export_rows():
    """The three tables from the database, as lists of dicts (header order in COLUMNS)."""

    def ref_of(course_id, ref):
        return ref or f"trivsel-{course_id}"

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
    for c in query:
        ref = ref_of(c.id, c.ref)
        if c.stage in _PENDING:
            outcome = "pending"
        elif c.stage in (flow.REFERRED_ELSEWHERE, flow.DECLINED, flow.WITHDRAWN):
            outcome = c.stage
        else:
            outcome = "course"
        inquiries.append(
            {
                "ref": ref,
                "received_on": c.received_on.isoformat(),
                "branch": c.branch,
                "source": _SOURCE_OF.get(c.initiated_by, "other"),
                "outcome": outcome,
                "birth_year": c.birth_year or "",
            }
        )
        if c.started_on:
            courses.append(
                {
                    "ref": ref,
                    "started_on": c.started_on.isoformat(),
                    "ended_on": c.ended_on.isoformat() if c.ended_on else "",
                    "follow_on": ""
                    if c.follow_on_contact is None or not c.ended_on
                    else ("yes" if c.follow_on_contact else "no"),
                }
            )
    conversations = [
        {"ref": ref_of(course_id, ref), "held_on": held.isoformat(), "mode": mode or ""}
        for course_id, ref, held, mode in Conversation.select(
            Course.id, Course.ref, Conversation.held_on, Conversation.mode
        )
        .join(Course)
        .where(Course.started_on.is_null(False))
        .order_by(Conversation.held_on, Conversation.id)
        .tuples()
    ]
    return {"inquiries": inquiries, "courses": courses, "conversations": conversations}


def export_folder(path):
    """Write inquiries.csv, courses.csv and conversations.csv into a folder."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = export_rows()
    for table in TABLES:
        with open(folder / f"{table}.csv", "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS[table])
            writer.writeheader()
            writer.writerows(tables[table])
    return {table: len(rows) for table, rows in tables.items()}
