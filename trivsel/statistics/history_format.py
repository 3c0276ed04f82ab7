"""The spreadsheet history's format: its three tables, their columns and codes, and its errors."""

from dataclasses import dataclass

from flask_babel import gettext as _

from trivsel.statistics.codes import OUTCOME_KEYS

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
OUTCOMES = OUTCOME_KEYS
FOLLOW_ON = ("yes", "no")
MODES = ("home", "phone", "outside")
MAX_REF = 64


def column_choices(branch_keys):
    """{column: the values it takes} of the coded columns, for the upload page's help."""
    return {
        "branch": list(branch_keys),
        "source": list(SOURCES),
        "outcome": OUTCOMES,
        "follow_on": FOLLOW_ON,
        "mode": MODES,
    }


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
