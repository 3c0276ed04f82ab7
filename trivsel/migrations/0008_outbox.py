"""Notifications: the outbox, and each user's choice of messages and channels."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class OutboxMessage(Model):
        kind = CharField(max_length=40, index=True)
        channel = CharField(max_length=40, default="email")
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        address = CharField(max_length=254, null=True)
        subject = CharField(max_length=200)
        body = TextField()
        attachment = TextField(null=True)
        attachment_method = CharField(max_length=10, null=True)
        course_id = IntegerField(null=True, index=True)
        dedupe_key = CharField(max_length=120, null=True, unique=True)
        status = CharField(max_length=12, default="queued", index=True)
        due_at = DateTimeField(index=True)
        attempts = IntegerField(default=0)
        last_error = CharField(max_length=500, null=True)
        claimed_by = CharField(max_length=64, null=True)
        claimed_at = DateTimeField(null=True)
        sent_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "outbox_message"

    class NotificationPreference(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        kind = CharField(max_length=40)
        channel = CharField(max_length=40)

        class Meta:
            database = db
            table_name = "notification_preference"
            indexes = ((("user", "kind"), True),)

    db.create_tables([OutboxMessage, NotificationPreference])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("notification_preference"),
        migrator.drop_table("outbox_message"),
    )
