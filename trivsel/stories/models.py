"""Anonymised good stories for partner staff."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, TextField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class Story(BaseModel):
    """An anonymised good story the coordinator publishes for partner staff."""

    title = CharField(max_length=200)
    body = TextField()
    published = BooleanField(default=False, index=True)
    updated_at = DateTimeField(default=now)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
