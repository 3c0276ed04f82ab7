"""The outbox's delivery: why a message failed (so the admin sees who cannot be reached) and
which morning digest carried a held message."""

from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("outbox_message", "failure", CharField(max_length=20, null=True)),
        migrator.add_column("outbox_message", "digest_id", IntegerField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("outbox_message", "digest_id"),
        migrator.drop_column("outbox_message", "failure"),
    )
