"""The volunteer corps: profiles and their dated status history."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from trivsel.core.db import BaseModel, CodeListField, now
from trivsel.core.users import User


class VolunteerProfile(BaseModel):
    """A volunteer's application, suitability and what they offer; one per volunteer user.

    Personal data of the volunteer (notes, postcode): only coordinators see it whole.
    """

    user = ForeignKeyField(User, unique=True, backref="profiles", on_delete="CASCADE")
    status = CharField(max_length=20, default="applicant", index=True)
    paused_until = DateField(null=True)  # the last day of a pause
    applied_on = DateField()
    declaration_signed_on = DateField(null=True)  # confidentiality (tavshedspligt)
    suitability_notes = TextField(null=True)  # coordinator only
    motivation = TextField(null=True)  # coordinator only
    capacity = IntegerField(default=1)  # courses at once
    available_days = CodeListField(max_length=40, null=True)
    available_times = CodeListField(max_length=40, null=True)
    phone_only = BooleanField(default=False)
    interests = CodeListField(max_length=200, null=True)
    avoids = CodeListField(max_length=200, null=True)
    languages = CodeListField(max_length=60, null=True)
    postcode = CharField(max_length=4, null=True)
    background = CharField(max_length=200, null=True)  # professional background, optional
    updated_at = DateTimeField(default=now)


class VolunteerStatusChange(BaseModel):
    """A dated change of a volunteer's status: the history behind new and departed figures."""

    user = ForeignKeyField(User, backref="status_changes", on_delete="CASCADE")
    status = CharField(max_length=20)
    changed_on = DateField(index=True)
    paused_until = DateField(null=True)
    changed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = DateTimeField(default=now)
