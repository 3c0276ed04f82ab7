"""Confidentiality kept: the day a course's personal data was erased, the access log, and a
record of each run of the retention job."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Course(Model):
        class Meta:
            database = db
            table_name = "course"

    class AccessLog(Model):
        at = DateTimeField(index=True)
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        course = ForeignKeyField(Course, on_delete="CASCADE")
        action = CharField(max_length=20)
        endpoint = CharField(max_length=80)

        class Meta:
            database = db
            table_name = "access_log"

    class RetentionRun(Model):
        ran_at = DateTimeField()
        as_of = DateField()
        dry_run = BooleanField(default=False)
        erased = IntegerField(default=0)
        log_purged = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "retention_run"

    migrator.migrate(
        migrator.add_column("course", "erased_on", DateField(null=True)),
        migrator.add_index("course", ("erased_on",)),
    )
    db.create_tables([AccessLog, RetentionRun])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("retention_run"),
        migrator.drop_table("access_log"),
        migrator.drop_index("course", "course_erased_on"),
        migrator.drop_column("course", "erased_on"),
    )
