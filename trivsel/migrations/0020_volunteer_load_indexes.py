"""Indexes for a volunteer's load, counted for every row of the corps list: their active
courses by (volunteer, stage), read from the index alone, and their open proposals by
(volunteer, status). By the volunteer alone, each row read every course and proposal of the
volunteer's history (some twenty of each at ten times the national vision)."""

INDEXES = {
    "course_volunteer_stage": ("course", ("volunteer_id", "stage")),
    "proposal_volunteer_status": ("proposal", ("volunteer_id", "status")),
}


def up(migrator, db):
    for name, (table, columns) in INDEXES.items():
        migrator.migrate(migrator.add_index(table, columns, name=name))


def down(migrator, db):
    for name, (table, _columns) in INDEXES.items():
        migrator.migrate(migrator.drop_index(table, name))
