"""The rows behind the links of the account mails: an invitation per invited user, and a
password reset per request. A link is a signed token (see tokens.py) whose random key's SHA-256
is `key_hash` here, so a copy of the table opens nothing; the row makes the link single use,
revocable and expiring, whatever the signature says."""

from peewee import CharField, DateTimeField, ForeignKeyField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User


class Invitation(BaseModel):
    """Someone invited to Trivsel, who has not had a password of their own (until
    `accepted_at`). One row per user: Resend gives it a new key and expiry, so every earlier
    link dies. `account_fingerprint` binds the links to the user's password hash and e-mail as
    they were when the link was made: a password set by other means (the administrator) or a
    corrected e-mail kills the link too."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    invited_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    key_hash = CharField(max_length=64, unique=True)
    account_fingerprint = CharField(max_length=64)
    created_at = DateTimeField(default=now)
    sent_at = DateTimeField(default=now)
    expires_at = DateTimeField(index=True)
    # The person chose their password (or the administrator gave them one).
    accepted_at = DateTimeField(null=True, index=True)
    revoked_at = DateTimeField(null=True)


class PasswordReset(BaseModel):
    """One "Glemt adgangskode?" request of an active user: its link works once, for an hour,
    and only while the user's password and e-mail are what they were (`account_fingerprint`).
    A successful reset marks every outstanding request of the user used."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    key_hash = CharField(max_length=64, unique=True)
    account_fingerprint = CharField(max_length=64)
    created_at = DateTimeField(default=now, index=True)
    expires_at = DateTimeField(index=True)
    used_at = DateTimeField(null=True)
