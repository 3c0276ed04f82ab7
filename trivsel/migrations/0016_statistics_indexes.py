"""Indexes for the statistics: every figure picks a project year's rows by a date (a course's
start, end and follow-up call, an offer link's day), so those dates are indexed; received_on
and conversation.held_on already are. A course's conversations in a year (the goal of 1-10 a
year) by (course, held_on)."""

INDEXES = (
    ("course", ("started_on",)),
    ("course", ("ended_on",)),
    ("course", ("followed_up_on",)),
    ("offer_link", ("linked_on",)),
    ("conversation", ("course_id", "held_on")),
)


def up(migrator, db):
    migrator.migrate(*(migrator.add_index(table, columns) for table, columns in INDEXES))


def down(migrator, db):
    migrator.migrate(
        *(migrator.drop_index(table, "_".join((table, *columns))) for table, columns in INDEXES)
    )
