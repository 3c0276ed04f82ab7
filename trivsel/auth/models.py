"""Who is logged in (a row per login: the cookie carries only its random key) and the failed
logins the throttle counts."""

from peewee import CharField, DateTimeField, ForeignKeyField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class UserSession(BaseModel):
    """One login. The cookie holds a random key; the table holds its SHA-256, so a copy of the
    database opens no session. Deleting the row ends the session, whatever cookie is replayed."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    key_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=now)
    last_seen_at = DateTimeField(default=now, index=True)
    # What the user sees to tell their sessions apart ("Firefox på Linux"), from the
    # User-Agent; no address is kept.
    device = CharField(max_length=60, default="")


class LoginFailure(BaseModel):
    """A failed login (a wrong password or a wrong second-factor code). Keyed by HMACs of the
    e-mail typed and of the client's address, so the table names nobody; rows older than the
    window are deleted as new ones come."""

    account_key = CharField(max_length=64, index=True)
    address_key = CharField(max_length=64, index=True)
    at = DateTimeField(default=now, index=True)
