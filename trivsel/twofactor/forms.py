"""The forms of the second factor: a code from the app, or a recovery code."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import Regexp, ValidationError

from trivsel.auth import throttle
from trivsel.core.auth import password_matches
from trivsel.core.forms import Form, max_length, required


def _without_spaces(value):
    """ "123 456" as the app shows it, or pasted with a space: the six digits."""
    return "".join(value.split()) if isinstance(value, str) else value


class CodeForm(Form):
    """The six digits the authenticator app shows now."""

    code = StringField(
        _l("Kode fra din app"),
        validators=[
            required(),
            Regexp(r"^[0-9]{6}$", message=_l("Skriv de 6 cifre, som appen viser.")),
        ],
        filters=[_without_spaces],
        description=_l("6 cifre. Koden skifter hvert 30. sekund."),
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "pattern": "[0-9 ]*",
            "maxlength": 9,
            "autocapitalize": "off",
            "spellcheck": "false",
        },
    )


class RecoveryCodeForm(Form):
    """One of the ten recovery codes, instead of a code from the app."""

    recovery_code = StringField(
        _l("Gendannelseskode"),
        validators=[required(), max_length(20)],
        description=_l("Fx abcd-efgh. Hver kode kan kun bruges én gang."),
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


class AccountSetupForm(CodeForm):
    """Turning the second factor on from an open session: the password too, so a session left
    open on a shared computer cannot tie the account to someone else's phone."""

    current_password = PasswordField(
        _l("Din adgangskode"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_current_password(self, field):
        """Counted like a failed login."""
        wait = throttle.wait_for(current_user.email)
        if wait is not None:
            message = _l("For mange forkerte forsøg. Prøv igen om %(num)d minutter.")
            raise ValidationError(message % {"num": throttle.minutes(wait)})
        if not password_matches(current_user, field.data):
            throttle.record_failure(current_user.email, reason="current password")
            raise ValidationError(_l("Adgangskoden er forkert."))
