"""The outbox and who wants which message by which channel."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class OutboxMessage(BaseModel):
    """One message to one person, written in the same transaction as the change that causes
    it. It names no citizen: what happened, the course number and a link that needs a login.

    `status`: "queued" (waiting, or waiting for a retry at `due_at`), "sending" (claimed by a
    sender: `claimed_by`, `claimed_at`), "sent", "failed" (gave up after the bounded number of
    tries; the admin sees `last_error`), "held" (kept for the recipient's morning digest),
    "digested" (went out in the digest message `digest_id`).

    `failure` says why a message is "failed": "no_address" (the recipient has no address on
    its channel), "no_channel" (no plugin provides its channel) or "gave_up" (every try
    failed). The first two are the people the admin's page lists as unreachable.
    """

    kind = CharField(max_length=40, index=True)
    channel = CharField(max_length=40, default="email")
    user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    address = CharField(max_length=254, null=True)  # where it goes, when it was queued
    subject = CharField(max_length=200)
    body = TextField()
    attachment = TextField(null=True)  # an iCalendar (.ics) text, or None
    attachment_method = CharField(max_length=10, null=True)  # REQUEST or CANCEL
    course_id = IntegerField(null=True, index=True)  # the course number the message is about
    # Set for messages that must go once only (e.g. "first_contact_overdue:12").
    dedupe_key = CharField(max_length=120, null=True, unique=True)
    status = CharField(max_length=12, default="queued", index=True)
    due_at = DateTimeField(default=now, index=True)
    attempts = IntegerField(default=0)
    last_error = CharField(max_length=500, null=True)
    claimed_by = CharField(max_length=64, null=True)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    failure = CharField(max_length=20, null=True)
    digest_id = IntegerField(null=True)  # the digest message that carried a "digested" one


class NotificationPreference(BaseModel):
    """A user's choice for one kind of message: a channel ("email", a plugin's channel) or
    "off". Without a row, the kind's default applies."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=40)
    channel = CharField(max_length=40)

    class Meta:
        indexes = ((("user", "kind"), True),)
