"""A change counter for the annual report's cache: the table statistics_generation (one row)
and triggers that count every transaction writing a table the report reads.

SQLite: a row trigger per table and kind of write (SQLite has no statement triggers; writers
take turns, so the counter row never deadlocks). PostgreSQL: a deferred constraint trigger,
so the counter row is locked only at commit, after every other row the transaction locked
(two transactions cannot wait on each other through it), and a transaction-local setting, so
a transaction adds one however many rows it writes."""

import secrets

from peewee import CharField, IntegerField, Model, SqliteDatabase

# The tables the annual report reads (trivsel.statistics.cache.WATCHED, as of this migration).
TABLES = (
    "course",
    "conversation",
    "offer",
    "offer_link",
    "volunteer_status_change",
    "supervision_meeting",
    "supervision_attendance",
)
WRITES = ("INSERT", "UPDATE", "DELETE")
FUNCTION = "trivsel_statistics_changed"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('trivsel.statistics_changed', true) IS DISTINCT FROM
            txid_current()::text THEN
        PERFORM set_config('trivsel.statistics_changed', txid_current()::text, true);
        UPDATE statistics_generation SET value = value + 1;
    END IF;
    RETURN NULL;
END
$$"""


def trigger_name(table, write=None):
    return f"{table}_statistics_changed" + (f"_{write.lower()}" if write else "")


def up(migrator, db):
    class StatisticsGeneration(Model):
        value = IntegerField(default=0)
        epoch = CharField(max_length=32)

        class Meta:
            database = db
            table_name = "statistics_generation"

    db.create_tables([StatisticsGeneration])
    StatisticsGeneration.create(value=0, epoch=secrets.token_hex(16))
    if isinstance(db, SqliteDatabase):
        for table in TABLES:
            for write in WRITES:
                db.execute_sql(
                    f"CREATE TRIGGER {trigger_name(table, write)} AFTER {write} ON {table} "
                    "BEGIN UPDATE statistics_generation SET value = value + 1; END"
                )
        return
    db.execute_sql(POSTGRES_FUNCTION)
    writes = " OR ".join(WRITES)
    for table in TABLES:
        db.execute_sql(
            f"CREATE CONSTRAINT TRIGGER {trigger_name(table)} AFTER {writes} ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        for table in TABLES:
            for write in WRITES:
                db.execute_sql(f"DROP TRIGGER IF EXISTS {trigger_name(table, write)}")
    else:
        for table in TABLES:
            db.execute_sql(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table}")
        db.execute_sql(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    migrator.migrate(migrator.drop_table("statistics_generation"))
