"""A key sent with the new-inquiry form, so a double submit registers one inquiry, not two."""

from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("course", "submission_key", CharField(max_length=64, null=True)),
        migrator.add_index("course", ("submission_key",), unique=True),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("course", "course_submission_key"),
        migrator.drop_column("course", "submission_key"),
    )
