"""A coordinator away, and who covers."""

from peewee import DateField, DateTimeField, ForeignKeyField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class Cover(BaseModel):
    """A coordinator is away and another covers. The queues are shared by all coordinators, so
    the cover works the same queues; this only tells everyone who to turn to."""

    away = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    covered_by = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    starts_on = DateField()
    ends_on = DateField()
    created_at = DateTimeField(default=now)
