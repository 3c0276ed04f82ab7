"""An index for the dashboard's queues: each queue's page is one stage's courses, oldest
inquiry first, ten at a time. With the stage and received_on indexed apart, PostgreSQL walked
every course of the history by received_on (some 28,000 at ten times the national vision)
and kept those of the stage; by (stage, received_on, id) each page is read in order."""

INDEX = "course_queue"
COLUMNS = ("stage", "received_on", "id")


def up(migrator, db):
    migrator.migrate(migrator.add_index("course", COLUMNS, name=INDEX))


def down(migrator, db):
    migrator.migrate(migrator.drop_index("course", INDEX))
