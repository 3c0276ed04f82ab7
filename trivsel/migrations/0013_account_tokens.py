"""Invitations and password resets: the rows behind the single-use links of the account mails
(the SHA-256 of each link's random key, its expiry and whether it was used)."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Invitation(Model):
        user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
        invited_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        key_hash = CharField(max_length=64, unique=True)
        account_fingerprint = CharField(max_length=64)
        created_at = DateTimeField()
        sent_at = DateTimeField()
        expires_at = DateTimeField(index=True)
        accepted_at = DateTimeField(null=True, index=True)
        revoked_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "invitation"

    class PasswordReset(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        key_hash = CharField(max_length=64, unique=True)
        account_fingerprint = CharField(max_length=64)
        created_at = DateTimeField(index=True)
        expires_at = DateTimeField(index=True)
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "password_reset"

    db.create_tables([Invitation, PasswordReset])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("password_reset"), migrator.drop_table("invitation"))
