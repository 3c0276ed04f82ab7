"""Referrals that make sense to both sides: the referrer's own case reference on a referral,
and each referring partner user's last typed department and phone (to prefill the form)."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class ReferrerContact(Model):
        user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
        department = CharField(max_length=100, null=True)
        phone = CharField(max_length=30, null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "referrer_contact"

    migrator.migrate(
        migrator.add_column("referral", "case_reference", CharField(max_length=40, null=True))
    )
    db.create_tables([ReferrerContact])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("referrer_contact"),
        migrator.drop_column("referral", "case_reference"),
    )
