"""Users: creating and changing them, under one set of rules for e-mail, password and access."""

from flask_babel import gettext as _
from peewee import IntegrityError

from trivsel.auth import sessions
from trivsel.core.auth import hash_password
from trivsel.core.db import database
from trivsel.core.users import User


class Refused(ValueError):
    """A change refused, with the message for the field it concerns."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def users():
    """Everyone who logs in, by role and name."""
    return list(User.select().order_by(User.role, User.name))


def _fields(name, email, role, organisation, active):
    return {
        "name": name.strip(),
        "email": email.strip().lower(),
        "role": role,
        "organisation": organisation,
        "active": active,
    }


def _write(write):
    """Run one write; an e-mail another user has already is refused at the e-mail field."""
    try:
        with database.atomic():
            return write()
    except IntegrityError:
        raise Refused("email", _("Der findes allerede en bruger med den e-mail.")) from None


def create_user(name, email, role, password, organisation=None, active=True):
    """A new user with the password hashed. Raises Refused when the e-mail is taken."""
    fields = _fields(name, email, role, organisation, active)
    return _write(lambda: User.create(password_hash=hash_password(password), **fields))


def update_user(user_id, name, email, role, organisation, active, password=None, actor=None):
    """Change a user (the password only when one is given) and return the row as stored. A new
    password, a new role or deactivation ends the user's sessions. Raises Refused when the
    e-mail is taken, or when `actor` would lock themselves out."""
    if user_id == actor and (role != "admin" or not active):
        raise Refused("role", _("Du kan ikke fjerne din egen adgang som administrator."))
    changes = _fields(name, email, role, organisation, active)
    if password:
        changes["password_hash"] = hash_password(password)
    before = User.get_by_id(user_id)

    def write():
        User.update(**changes).where(User.id == user_id).execute()
        if password or not active or role != before.role:
            # A new password, a closed account or a new role (which may need a second
            # factor the open sessions never gave): every open session of the user ends.
            sessions.end_sessions(user_id)

    _write(write)
    return User.get_by_id(user_id)
