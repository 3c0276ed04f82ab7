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
    # A partner user's organisation: the key of an organisation a plugin contributes
    # (`trivsel_organisations`). It decides which referral forms they may use and which
    # directory entries they keep.
    organisation = CharField(max_length=60, null=True)

    @property
    def is_active(self):
        return self.active


class Citizen(BaseModel):
    """Personal data of one citizen; erasable without touching the statistics."""

    name = CharField(max_length=100, null=True)  # a name, or an alias the citizen chooses
    phone = CharField(max_length=30, null=True)
    email = CharField(max_length=254, null=True)
    goals = TextField(null=True)  # the citizen's own goals, in their own words (intake)
    # Special considerations (e.g. dementia) a referrer passed on, only with the citizen's
    # consent (item "share_considerations").
    considerations = TextField(null=True)
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
    # The day the citizen's personal data was erased (retention or on request); the course's
    # statistical facts stay, and it is never proposed for erasure again.
    erased_on = DateField(null=True, index=True)


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


class Referral(BaseModel):
    """How a referred inquiry came in: which plugin's form, from which organisation and user.

    The referrer's own work contact (a professional, not the citizen) is kept here so the
    coordinator can call back; `extra` holds facts the form's plugin defines (JSON), shown
    by that plugin in a template slot. Nothing here describes the citizen.
    """

    course = ForeignKeyField(Course, backref="referral", unique=True, on_delete="CASCADE")
    form = CharField(max_length=60)  # the referral form's key
    plugin = CharField(max_length=60)  # the plugin that contributed the form
    organisation = CharField(max_length=60, null=True)
    referred_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    referrer_name = CharField(max_length=100, null=True)
    referrer_department = CharField(max_length=100, null=True)
    referrer_phone = CharField(max_length=30, null=True)
    first_call = CharField(max_length=20, null=True)  # "scheme" calls, or the "citizen" does
    extra = TextField(null=True)
    created_at = DateTimeField(default=now)


class Offer(BaseModel):
    """A follow-on offer in the directory: where a citizen can go after the course.

    `source` says where the row came from: "local" (kept on the directory screens),
    "hsds" (imported from an Open Referral file) or "plugin:<name>" (a plugin's
    `trivsel_offers`). `hsds_id` is the service's HSDS id, kept across import and export.
    """

    hsds_id = CharField(max_length=64, unique=True)
    source = CharField(max_length=80, index=True)
    source_key = CharField(max_length=120, null=True)
    owner_organisation = CharField(max_length=60, null=True, index=True)
    organisation_name = CharField(max_length=200)
    hsds_organisation_id = CharField(max_length=64, null=True)
    name = CharField(max_length=200)
    description = TextField(null=True)
    target_group = CharField(max_length=40, null=True)  # a code of labels.TARGET_GROUPS
    eligibility = CharField(max_length=300, null=True)  # who it is for, in words
    minimum_age = IntegerField(null=True)
    maximum_age = IntegerField(null=True)
    schedule = CharField(max_length=300, null=True)  # when, in words
    location = CharField(max_length=300, null=True)  # where: a place or an address
    hsds_location_id = CharField(max_length=64, null=True)
    area = CharField(max_length=100, null=True, index=True)  # town or district, for filters
    contact_name = CharField(max_length=100, null=True)
    contact_phone = CharField(max_length=30, null=True)
    contact_email = CharField(max_length=254, null=True)
    url = CharField(max_length=300, null=True)
    categories = CharField(max_length=300, default="")  # " code code " (space-delimited)
    active = BooleanField(default=True, index=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("source", "source_key"), True),)

    @property
    def category_codes(self):
        return self.categories.split()


class OfferLink(BaseModel):
    """An offer the citizen was bridged to at closing, and at the follow-up call whether they
    actually went (signposting is not joining)."""

    course = ForeignKeyField(Course, backref="offer_links", on_delete="CASCADE")
    offer = ForeignKeyField(Offer, backref="links", on_delete="RESTRICT")
    linked_on = DateField()
    went = BooleanField(null=True)  # None until the follow-up call

    class Meta:
        indexes = ((("course", "offer"), True),)


class Story(BaseModel):
    """An anonymised good story the coordinator publishes for partner staff."""

    title = CharField(max_length=200)
    body = TextField()
    published = BooleanField(default=False, index=True)
    updated_at = DateTimeField(default=now)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


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


MODELS = [
    User,
    Citizen,
    Course,
    Proposal,
    Conversation,
    CourseEvent,
    Consent,
    Referral,
    Offer,
    OfferLink,
    Story,
    AccessLog,
    RetentionRun,
    VolunteerProfile,
    VolunteerStatusChange,
    SupervisionMeeting,
    SupervisionAttendance,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
    Cover,
]
