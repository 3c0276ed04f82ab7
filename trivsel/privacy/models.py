"""Consent item by item, the access log and the record of retention runs."""

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User
from trivsel.courses.models import Course


class Consent(BaseModel):
    """What the citizen agreed to, item by item, with the date and where it was given.

    Items are codes (see `trivsel.core.labels.CONSENT_ITEMS`; plugins may add their own). A
    withdrawal is dated, not deleted, so the consent can be proven and its end too.
    """

    course = ForeignKeyField(Course, backref="consents", on_delete="CASCADE")
    item = CharField(max_length=40)
    given = BooleanField(default=True)
    recorded_on = DateField()
    source = CharField(max_length=60)  # e.g. "intake", "follow_up", "referral:<plugin>"
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    withdrawn_on = DateField(null=True)

    class Meta:
        indexes = ((("course", "item"), False),)


class AccessLog(BaseModel):
    """Who viewed, changed, exported or erased a citizen's personal data, when and where.

    Holds no personal data itself: the user, the course, what was done and the screen.
    """

    at = DateTimeField(default=now, index=True)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    course = ForeignKeyField(Course, backref="access_log", on_delete="CASCADE")
    action = CharField(max_length=20)  # view, edit, export, erase, consent
    endpoint = CharField(max_length=80)


class RetentionRun(BaseModel):
    """One run of the retention job: when, for which day, what it erased (or would have)."""

    ran_at = DateTimeField(default=now)
    as_of = DateField()
    dry_run = BooleanField(default=False)
    erased = IntegerField(default=0)
    log_purged = IntegerField(default=0)
