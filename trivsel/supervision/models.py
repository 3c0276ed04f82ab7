"""Group supervision meetings, attendance, individual requests and theme days."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User
from trivsel.courses.models import Course


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
