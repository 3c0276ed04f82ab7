"""Indexes for the directory as it opens: its page of active offers by organisation and
name (read in order, 25 at a time), their count and their areas (read from the index alone).
An offer row is wide (its description); with 10,000 offers each of the three read every
row, some 3 ms each on PostgreSQL."""

INDEXES = {
    "offer_listed": ("active", "organisation_name", "name", "id"),
    "offer_active_area": ("active", "area"),
}


def up(migrator, db):
    for name, columns in INDEXES.items():
        migrator.migrate(migrator.add_index("offer", columns, name=name))


def down(migrator, db):
    for name in INDEXES:
        migrator.migrate(migrator.drop_index("offer", name))
