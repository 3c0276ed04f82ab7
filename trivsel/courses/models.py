"""The course flow's data: citizens' personal data, and the courses with their steps.

Privacy is part of the model. `Citizen` holds everything personal (what is needed to reach the
person, and their goals in their own words); `Course` and the tables hanging off it hold only
statistical facts (dates, channels, outcomes, branch, birth year). Deleting a `Citizen` row
erases the person and keeps every figure the statistics need.
"""

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
from trivsel.courses.flow import ProposalStatus


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
    started_on = DateField(null=True, index=True)
    frequency = CharField(max_length=20, null=True)
    expected_end_on = DateField(null=True)
    ready_to_close_on = DateField(null=True)  # the volunteer flagged it for the group meeting

    # Closing (afslutning) and withdrawal
    ended_on = DateField(null=True, index=True)
    goals_met = CharField(max_length=10, null=True)  # yes, partly, no
    needs_more_support = BooleanField(null=True)
    follow_on_offers = TextField(null=True)  # free text until the directory of offers exists

    # Follow-up call (opfølgning)
    followed_up_on = DateField(null=True, index=True)
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


# The courses whose personal data is not yet erased, by stage and the days the retention rules
# count from: the dashboard counts those falling due on every view (migration 0018). Partial,
# with the retention queries' own condition, so a planner can use it for them.
Course.add_index(
    Course.index(
        Course.stage,
        Course.ended_on,
        Course.followed_up_on,
        Course.received_on,
        where=(Course.erased_on.is_null() | Course.citizen.is_null(False)),
        name="course_not_erased",
    )
)
# A queue's page on the dashboard: one stage's courses, oldest inquiry first (migration 0019).
# Without it PostgreSQL walks every course by received_on for the first ten of a stage.
Course.add_index(Course.index(Course.stage, Course.received_on, Course.id, name="course_queue"))
# A volunteer's load (active courses) on the corps list, counted from the index alone
# (migration 0020); a volunteer of ten years has dozens of ended courses.
Course.add_index(Course.index(Course.volunteer, Course.stage, name="course_volunteer_stage"))


class Proposal(BaseModel):
    """The coordinator proposes a volunteer for a course; the volunteer answers; the match
    meeting decides. Kept after the answer, so the history of pairings is known."""

    course = ForeignKeyField(Course, backref="proposals", on_delete="CASCADE")
    volunteer = ForeignKeyField(User, backref="proposals", on_delete="RESTRICT")
    proposed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    proposed_at = DateTimeField(default=now)
    status = CharField(max_length=20, default=ProposalStatus.PENDING, index=True)
    answered_at = DateTimeField(null=True)
    decline_reason = CharField(max_length=300, null=True)
    meeting_on = DateField(null=True)
    citizen_yes = BooleanField(null=True)
    volunteer_yes = BooleanField(null=True)


# A volunteer's open proposals (their load, their home page), not every answered one.
Proposal.add_index(
    Proposal.index(Proposal.volunteer, Proposal.status, name="proposal_volunteer_status")
)


class Conversation(BaseModel):
    """One meeting between volunteer and citizen. No content: confidentiality."""

    course = ForeignKeyField(Course, backref="conversations", on_delete="CASCADE")
    held_on = DateField(index=True)
    mode = CharField(max_length=20, null=True)  # home, phone, outside; unknown in some history
    logged_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    logged_at = DateTimeField(default=now)
    # A key sent with the form, so a double tap logs one conversation, not two.
    submission_key = CharField(max_length=64, null=True, unique=True)

    class Meta:
        # A course's conversations in a project year (the statistics' goal of 1-10 a year).
        indexes = ((("course", "held_on"), False),)


class CourseEvent(BaseModel):
    """A step taken on a course: its timeline. Holds no personal data.

    A correction (a date, a conversation) or a moved meeting keeps what changed from what in
    `detail`: JSON of codes and ISO dates (never words, so the timeline reads in the reader's
    language; see `trivsel.courses.corrections.describe`)."""

    course = ForeignKeyField(Course, backref="events", on_delete="CASCADE")
    at = DateTimeField(default=now)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    action = CharField(max_length=30)
    stage = CharField(max_length=30)
    detail = TextField(null=True)
