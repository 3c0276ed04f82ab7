"""The people who log in: coordinators, volunteers, partners' staff and admins."""

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField

from trivsel.core.db import BaseModel, now


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
