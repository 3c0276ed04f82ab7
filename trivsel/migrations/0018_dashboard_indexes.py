"""An index for the dashboard's count of courses whose personal data falls due for erasure
soon: of the courses not yet erased (a small share of a ten-year history), by stage and the
days the retention rules count from. Partial, so it holds only those courses; without it the
count reads every course of the history on each dashboard."""

from peewee import SQL

INDEX = "course_not_erased"
COLUMNS = ("stage", "ended_on", "followed_up_on", "received_on")
# Word for word the condition trivsel.privacy.retention gives its queries: a planner uses a
# partial index only for a query whose WHERE holds the index's condition.
NOT_ERASED = SQL('("erased_on" IS NULL) OR ("citizen_id" IS NOT NULL)')


def up(migrator, db):
    migrator.migrate(migrator.add_index("course", COLUMNS, where=NOT_ERASED, name=INDEX))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("course", INDEX))
