"""Two-factor login: each user's confirmed TOTP factor and their hashed recovery codes."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class TwoFactor(Model):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        secret = CharField(max_length=64)
        confirmed_at = DateTimeField()
        last_used_step = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "two_factor"

    class RecoveryCode(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        code_hash = CharField(max_length=100)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "recovery_code"

    db.create_tables([TwoFactor, RecoveryCode])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("recovery_code"), migrator.drop_table("two_factor"))
