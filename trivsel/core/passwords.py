"""What a new password must be (NIST SP 800-63B, 5.1.1.2): at least MIN_LENGTH characters, not
a common password, not the user's own e-mail or name or the product's name; no other
composition rules (no required digits or symbols, no forced changes)."""

import gzip
import re
from functools import cache

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from trivsel.core import resources

MIN_LENGTH = 12
MAX_LENGTH = 200

# Words the world's list does not hold: the product, the scheme, and Danish favourites.
LOCAL_WORDS = {
    "trivsel",
    "trivselspilot",
    "trivselspiloter",
    "frivillig",
    "frivilligcenter",
    "adgangskode",
    "kodeord",
    "password",
    "sommerfugl",
    "danmark",
    "hejmeddig",
    "kodeordet",
}

# Runs along the digits, the alphabet and a Danish keyboard ("123456789012", "qwertyuiopå").
SEQUENCES = (
    "0123456789" * 3,
    "9876543210" * 3,
    "abcdefghijklmnopqrstuvwxyzæøå",
    "qwertyuiopåasdfghjklæøzxcvbnm",
)


@cache
def common_passwords():
    path = resources.PACKAGE / "core" / "data" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _core(password):
    """The password without the digits and symbols people add to a word to pass a rule."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def problem(password, email=None, name=None):
    """Why a new password is refused (a message for the field), or None when it is good."""
    if len(password) < MIN_LENGTH:
        return _l("Adgangskoden skal have mindst %(n)d tegn.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Adgangskoden må højst have %(n)d tegn.", n=MAX_LENGTH)
    lowered = password.lower()
    core = _core(password)
    words = common_passwords() | LOCAL_WORDS
    sequence = any(lowered in run for run in SEQUENCES)
    if lowered in words or core in words or sequence or len(set(lowered)) <= 2:
        return _l("Adgangskoden er for almindelig. Vælg en sætning eller flere ord, du kan huske.")
    personal = []
    if email:
        personal += [email.lower(), email.lower().split("@")[0]]
    if name:
        personal += [name.lower(), name.lower().replace(" ", "")]
    if any(len(p) >= 4 and p in (lowered, core) for p in personal):
        return _l("Adgangskoden må ikke være din e-mail eller dit navn.")
    return None


def new_password(email_field=None, name_field=None):
    """A WTForms validator for a new password; `email_field`/`name_field` name the form's fields
    (or are callables of the form) that hold the user's own e-mail and name."""

    def _value(form, source):
        if source is None:
            return None
        if callable(source):
            return source(form)
        field = getattr(form, source, None)
        return field.data if field is not None else None

    def validate(form, field):
        if not field.data:
            return
        message = problem(field.data, _value(form, email_field), _value(form, name_field))
        if message:
            raise ValidationError(message)

    return validate
