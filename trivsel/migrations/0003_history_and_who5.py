"""History import and WHO-5: an external reference per inquiry, channel and conversation form
may be unknown in imported history, working days to first contact kept as a fact, and the
WHO-5 wellbeing scores at intake and at the follow-up call."""

from peewee import CharField, IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("course", "ref", CharField(max_length=64, null=True)),
        migrator.add_index("course", ("ref",), unique=True),
        migrator.drop_not_null("course", "channel"),
        migrator.drop_not_null("conversation", "mode"),
        migrator.add_column("course", "first_contact_working_days", IntegerField(null=True)),
        migrator.add_column("course", "who5_intake", IntegerField(null=True)),
        migrator.add_column("course", "who5_follow_up", IntegerField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("course", "who5_follow_up"),
        migrator.drop_column("course", "who5_intake"),
        migrator.drop_column("course", "first_contact_working_days"),
        migrator.drop_index("course", "course_ref"),
        migrator.drop_column("course", "ref"),
    )
