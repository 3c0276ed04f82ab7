"""The annual report, computed once for each state of its data.

The report is some forty grouped queries over every course and conversation; at ten times
the national vision that is seconds of database work, for figures that change only when the
data does. So each process keeps the reports it built, keyed by the database's change
counter (`StatisticsGeneration`, counted by triggers on every table in WATCHED, in the
writing transaction itself), the day (a project year that has not ended counts to today),
the language, the project year's first day, the branches and the goals' settings. A write
to any of the watched tables changes the counter, so the next request builds the report
afresh: the page never shows figures older than the data. Nothing personal is kept: the
report holds counts only. After a backup is restored, restart the app: the restored counter
starts again from a value the processes may have kept a report for."""

import threading
from collections import OrderedDict
from datetime import date

from flask import current_app
from flask_babel import get_locale

from trivsel.statistics.models import StatisticsGeneration

# The tables the report reads; the migration that made the counter put a trigger on each
# (tests/test_statistics_cache.py checks that this list and the triggers agree).
WATCHED = (
    "course",
    "conversation",
    "offer",
    "offer_link",
    "volunteer_status_change",
    "supervision_meeting",
    "supervision_attendance",
)
# The settings the report's goals read: part of the key, so a changed setting is never hidden.
GOAL_SETTINGS = ("GOAL_CONVERSATIONS_PER_CITIZEN", "GOAL_CITIZENS", "GOAL_FOLLOW_ON_PERCENT")
KEEP = 8  # reports per process: a few project-year starts, a few days
EXTENSION = "trivsel.statistics_reports"


def generation():
    """(epoch, value) of the change counter, or None when the row is missing (then nothing
    is cached)."""
    row = (
        StatisticsGeneration.select(StatisticsGeneration.epoch, StatisticsGeneration.value)
        .order_by(StatisticsGeneration.id)
        .tuples()
        .first()
    )
    return tuple(row) if row else None


def report(month_day, branches, build):
    """build(month_day, branches), or the copy built at the same counter, day, year start
    and branches."""
    counter = generation()
    if counter is None:
        return build(month_day, branches)
    goals = tuple(current_app.config[name] for name in GOAL_SETTINGS)
    # The language too: a few of the report's texts are made when it is built (the goals'
    # mean as a number, the directory's category names).
    key = (counter, date.today(), str(get_locale()), tuple(month_day), tuple(branches), repr(goals))
    reports, lock = _store()
    with lock:
        if key in reports:
            reports.move_to_end(key)
            return reports[key].report
    built = build(month_day, branches)
    with lock:
        reports[key] = Kept(built)
        while len(reports) > KEEP:
            reports.popitem(last=False)
    return built


def rendered(report, variant, render):
    """render(), or the text it gave before for this kept report and `variant` (what else
    the text depends on: the language, the bridging year shown). A report not kept (no
    counter) is rendered each time."""
    reports, lock = _store()
    with lock:
        kept = next((k for k in reports.values() if k.report is report), None)
        if kept is not None and variant in kept.texts:
            return kept.texts[variant]
    text = render()
    if kept is not None:
        with lock:
            kept.texts[variant] = text
    return text


class Kept:
    """A report, and its renderings (the page's HTML of the report, by variant)."""

    __slots__ = ("report", "texts")

    def __init__(self, report):
        self.report = report
        self.texts = {}


def _store():
    """This app's reports and their lock (an app of its own in each test)."""
    store = current_app.extensions.get(EXTENSION)
    if store is None:
        store = current_app.extensions.setdefault(EXTENSION, (OrderedDict(), threading.Lock()))
    return store
