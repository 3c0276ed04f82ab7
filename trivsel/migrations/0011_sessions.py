"""Server-side sessions (a row per login) and the failed logins the throttle counts."""

from peewee import CharField, DateTimeField, ForeignKeyField, Model


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class UserSession(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        key_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        last_seen_at = DateTimeField(index=True)
        device = CharField(max_length=60, default="")

        class Meta:
            database = db
            table_name = "user_session"

    class LoginFailure(Model):
        account_key = CharField(max_length=64, index=True)
        address_key = CharField(max_length=64, index=True)
        at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "login_failure"

    db.create_tables([UserSession, LoginFailure])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("login_failure"), migrator.drop_table("user_session"))
