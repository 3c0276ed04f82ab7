"""A user's second factor (a TOTP secret) and their single-use recovery codes."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class TwoFactor(BaseModel):
    """A confirmed authenticator app (TOTP, RFC 6238). A row is made only once the user has
    typed a right code from it, so every row is a factor that works. `last_used_step` is the
    30-second time step of the last code accepted: a code is good once, never again.

    The secret is stored as it is: the server must compute the codes from it. The recovery
    codes, which it only compares, are stored hashed."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    secret = CharField(max_length=64)
    confirmed_at = DateTimeField(default=now)
    last_used_step = IntegerField(null=True)


class RecoveryCode(BaseModel):
    """One unused recovery code, as a salted SHA-256 ("salt$hex"). Using a code deletes it."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    code_hash = CharField(max_length=100)
    created_at = DateTimeField(default=now)
