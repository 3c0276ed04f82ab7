"""Consent recorded item by item, with date and source; a withdrawal is dated."""

from peewee import BooleanField, CharField, DateField, ForeignKeyField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Course(Model):
        class Meta:
            database = db
            table_name = "course"

    class Consent(Model):
        course = ForeignKeyField(Course, on_delete="CASCADE")
        item = CharField(max_length=40)
        given = BooleanField(default=True)
        recorded_on = DateField()
        source = CharField(max_length=60)
        recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        withdrawn_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "consent"
            indexes = ((("course", "item"), False),)

    db.create_tables([Consent])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("consent"))
