"""Appointments, who is invited to each, and the secret behind each user's calendar feed.

An appointment names no citizen: its kind, its course number, a time and a place the
coordinator typed (or "at the citizen's home", a choice that writes no address).
"""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User
from trivsel.courses.models import Course, Proposal
from trivsel.supervision.models import SupervisionMeeting

INTAKE = "intake"
MATCH_MEETING = "match_meeting"
SUPERVISION = "supervision"
KINDS = (INTAKE, MATCH_MEETING, SUPERVISION)


class Appointment(BaseModel):
    """One scheduled meeting as it stands in people's calendars.

    `uid` is the iCalendar UID, fixed when the row is made (a later BASE_URL does not change
    it); `sequence` rises on every change, so a calendar moves its entry instead of adding a
    second one. Times are local wall-clock times in Europe/Copenhagen, like the rest of
    Trivsel's. A cancelled appointment keeps its row (and UID); scheduling again makes a new
    one.
    """

    uid = CharField(max_length=200, unique=True)
    kind = CharField(max_length=20, index=True)
    course = ForeignKeyField(Course, null=True, backref="+", on_delete="CASCADE")
    # A match meeting is with the volunteer of one accepted proposal.
    proposal = ForeignKeyField(Proposal, null=True, backref="+", on_delete="CASCADE")
    meeting = ForeignKeyField(SupervisionMeeting, null=True, backref="+", on_delete="SET NULL")
    organizer = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    place = CharField(max_length=100, null=True)  # typed by the coordinator
    at_home = BooleanField(default=False)  # "Hjemme hos borgeren": no address is written
    sequence = IntegerField(default=0)
    cancelled = BooleanField(default=False, index=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)


class AppointmentAttendee(BaseModel):
    """Someone who was sent the invitation, so a move or cancellation reaches them too."""

    appointment = ForeignKeyField(Appointment, backref="attendees", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("appointment", "user"), True),)


class CalendarFeed(BaseModel):
    """The secret of a user's calendar feed URL: only its SHA-256 is stored, so the database
    cannot give the URL away; renewing replaces the row and the old URL stops working."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=now)
