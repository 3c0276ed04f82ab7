"""Writes of the user's own account."""

from trivsel.auth import sessions
from trivsel.core.auth import hash_password
from trivsel.core.db import database
from trivsel.core.users import User


def change_password(user, new_password):
    """Set the user's new password and end their other sessions (the one making the change
    stays). Returns how many sessions ended."""
    with database.atomic():
        User.update(password_hash=hash_password(new_password)).where(User.id == user.id).execute()
        return sessions.end_sessions(user.id, keep_current=True)
