"""The data model: people who use the intranet, citizens' personal data, and the courses.

Privacy is part of the model. `Citizen` holds everything personal (what is needed to reach the
person, and their goals in their own words); `Course` and the tables hanging off it hold only
statistical facts (dates, channels, outcomes, branch, birth year). Deleting a `Citizen` row
erases the person and keeps every figure the statistics need.
"""

from datetime import datetime

from flask_login import UserMixin
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .db import BaseModel


class CodeListField(CharField):
    """A short list of codes from a fixed list (weekdays, interest areas), stored as "a,b"."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return ",".join(sorted(set(value))) or None

    def python_value(self, value):
        return [code for code in (value or "").split(",") if code]


def now():
    return datetime.now().replace(microsecond=0)


class User(UserMixin, BaseModel):
    """Someone who logs in: a coordinator, a volunteer, a partner's staff member or an admin."""

    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=100)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=20)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=now)

    @property
    def is_active(self):
        return self.active


class Citizen(BaseModel):
    """Personal data of one citizen; erasable without touching the statistics."""

    name = CharField(max_length=100, null=True)  # a name, or an alias the citizen chooses
    phone = CharField(max_length=30, null=True)
    email = CharField(max_length=254, null=True)
    goals = TextField(null=True)  # the citizen's own goals, in their own words (intake)
    postcode = CharField(max_length=4, null=True)  # the area, for a volunteer living near

    @property
    def display_name(self):
        return self.name or ""


class Course(BaseModel):
    """One citizen's way through the scheme, from the inquiry to the follow-up call.

    An inquiry that never becomes a course stays a row here with a terminal stage, so the
    statistics count inquiries and courses from one table.
    """

    citizen = ForeignKeyField(Citizen, null=True, unique=True, on_delete="SET NULL")
    ref = CharField(max_length=64, null=True, unique=True)  # a reference from imported history
    branch = CharField(max_length=40, default="main", index=True)
    stage = CharField(max_length=30, index=True)
    version = IntegerField(default=1)  # optimistic locking: two people saving at once

    # Inquiry (henvendelse)
    received_on = DateField(index=True)
    channel = CharField(max_length=20, null=True)  # unknown in some imported history
    initiated_by = CharField(max_length=20)
    birth_year = IntegerField(null=True)
    target_group = CharField(max_length=40, null=True)

    # Intake (startsamtale)
    first_contact_on = DateField(null=True)
    # Working days from inquiry to first contact, counted when it is recorded (Danish holidays
    # cannot be counted in SQL), so the statistics can take median and percentiles in SQL.
    first_contact_working_days = IntegerField(null=True)
    intake_scheduled_at = DateTimeField(null=True)
    intake_held_on = DateField(null=True)
    intake_outcome = CharField(max_length=30, null=True)
    who5_intake = IntegerField(null=True)  # WHO-5 wellbeing score 0-100, when the citizen agreed
    # What the match needs (recorded at the intake): interest-area codes, when the citizen is
    # available, by phone or not, and the preferred language. Facts, not the citizen's words.
    needs = CodeListField(max_length=200, null=True)
    available_days = CodeListField(max_length=40, null=True)
    available_times = CodeListField(max_length=40, null=True)
    by_phone = BooleanField(default=False)
    language = CharField(max_length=10, null=True)

    # The course itself (forløb)
    volunteer = ForeignKeyField(User, null=True, backref="courses", on_delete="RESTRICT")
    started_on = DateField(null=True)
    frequency = CharField(max_length=20, null=True)
    expected_end_on = DateField(null=True)
    ready_to_close_on = DateField(null=True)  # the volunteer flagged it for the group meeting

    # Closing (afslutning) and withdrawal
    ended_on = DateField(null=True)
    goals_met = CharField(max_length=10, null=True)  # yes, partly, no
    needs_more_support = BooleanField(null=True)
    follow_on_offers = TextField(null=True)  # free text until the directory of offers exists

    # Follow-up call (opfølgning)
    followed_up_on = DateField(null=True)
    felt_heard = BooleanField(null=True)
    quality_of_life = CharField(max_length=10, null=True)  # better, same, worse
    follow_on_contact = BooleanField(null=True)
    who5_follow_up = IntegerField(null=True)

    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    # A key sent with the new-inquiry form, so a double submit registers one inquiry.
    submission_key = CharField(max_length=64, null=True, unique=True)


class Proposal(BaseModel):
    """The coordinator proposes a volunteer for a course; the volunteer answers; the match
    meeting decides. Kept after the answer, so the history of pairings is known."""

    course = ForeignKeyField(Course, backref="proposals", on_delete="CASCADE")
    volunteer = ForeignKeyField(User, backref="proposals", on_delete="RESTRICT")
    proposed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    proposed_at = DateTimeField(default=now)
    status = CharField(max_length=20, default="pending", index=True)
    answered_at = DateTimeField(null=True)
    decline_reason = CharField(max_length=300, null=True)
    meeting_on = DateField(null=True)
    citizen_yes = BooleanField(null=True)
    volunteer_yes = BooleanField(null=True)


class Conversation(BaseModel):
    """One meeting between volunteer and citizen. No content: confidentiality."""

    course = ForeignKeyField(Course, backref="conversations", on_delete="CASCADE")
    held_on = DateField(index=True)
    mode = CharField(max_length=20, null=True)  # home, phone, outside; unknown in some history
    logged_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    logged_at = DateTimeField(default=now)
    # A key sent with the form, so a double tap logs one conversation, not two.
    submission_key = CharField(max_length=64, null=True, unique=True)


class CourseEvent(BaseModel):
    """A step taken on a course: its timeline. Holds no personal data."""

    course = ForeignKeyField(Course, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    action = CharField(max_length=30)
    stage = CharField(max_length=30)


class Consent(BaseModel):
    """What the citizen agreed to, item by item, with the date and where it was given.

    Items are codes (see `trivsel.labels.CONSENT_ITEMS`; plugins may add their own). A
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


# --- The volunteer corps and supervision ----------------------------------------------------


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


class SupervisionMeeting(BaseModel):
    """A group supervision meeting (every 14 days). Its agenda is computed, never stored."""

    starts_at = DateTimeField(index=True)
    place = CharField(max_length=100, null=True)
    attendance_recorded = BooleanField(default=False)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class SupervisionAttendance(BaseModel):
    """Whether one volunteer came to one group meeting."""

    meeting = ForeignKeyField(SupervisionMeeting, backref="attendance", on_delete="CASCADE")
    volunteer = ForeignKeyField(User, on_delete="CASCADE")
    attended = BooleanField()

    class Meta:
        indexes = ((("meeting", "volunteer"), True),)


class SupervisionRequest(BaseModel):
    """A volunteer asks for individual supervision on one of their courses."""

    course = ForeignKeyField(Course, backref="supervision_requests", on_delete="CASCADE")
    volunteer = ForeignKeyField(User, on_delete="CASCADE")
    requested_at = DateTimeField(default=now)
    by_phone = BooleanField(default=False)
    handled_at = DateTimeField(null=True)
    handled_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class ThemeDay(BaseModel):
    """A workshop or theme day for the volunteers, with sign-up."""

    title = CharField(max_length=120)
    starts_at = DateTimeField(index=True)
    place = CharField(max_length=100, null=True)
    capacity = IntegerField(null=True)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class ThemeDaySignup(BaseModel):
    theme_day = ForeignKeyField(ThemeDay, backref="signups", on_delete="CASCADE")
    volunteer = ForeignKeyField(User, on_delete="CASCADE")
    signed_up_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("theme_day", "volunteer"), True),)


class Cover(BaseModel):
    """A coordinator is away and another covers. The queues are shared by all coordinators, so
    the cover works the same queues; this only tells everyone who to turn to."""

    away = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    covered_by = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    starts_on = DateField()
    ends_on = DateField()
    created_at = DateTimeField(default=now)


MODELS = [User, Citizen, Course, Proposal, Conversation, CourseEvent, Consent]
MODELS += [
    VolunteerProfile,
    VolunteerStatusChange,
    SupervisionMeeting,
    SupervisionAttendance,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
    Cover,
]
