"""What a list of courses repeats on every row, made once a page: a list shows up to some 150
rows, and a translation or an address built per row costs more than the rest of the row."""

from flask import url_for

from trivsel.core import labels
from trivsel.core.templating import day_formatter, worded


def row_context():
    """For a template of course rows: `stage_names` (stage code: its name in the reader's
    language), `course_path` (a course page's address but the course's number) and
    `row_day` (the `day` filter for the reader's language)."""
    return {
        "stage_names": worded(labels.STAGES),
        "course_path": url_for("courses.show", course_id=0).removesuffix("0"),
        "row_day": day_formatter(),
    }
