"""The login form, and the user's own password change."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, ValidationError

from trivsel.auth import throttle
from trivsel.core.auth import password_matches
from trivsel.core.forms import Form, max_length, required
from trivsel.core.passwords import new_password


class LoginForm(Form):
    email = EmailField(
        _l("E-mail"),
        validators=[required(), max_length(254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Adgangskode"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(Form):
    """The user's own new password: the current one first (a borrowed open session cannot
    change it), then the new one twice."""

    current_password = PasswordField(
        _l("Nuværende adgangskode"),
        validators=[required(), max_length(200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Ny adgangskode"),
        validators=[
            required(),
            new_password(lambda form: current_user.email, lambda form: current_user.name),
        ],
        description=_l(
            "Mindst 12 tegn. Gerne en sætning eller flere ord, du kan huske; "
            "almindelige adgangskoder afvises."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Gentag ny adgangskode"),
        validators=[required(), EqualTo("new_password", _l("De to adgangskoder er ikke ens."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_current_password(self, field):
        """Counted like a failed login: an open session left behind is no way to guess it."""
        if not field.data:
            return
        wait = throttle.wait_for(current_user.email)
        if wait is not None:
            raise ValidationError(
                _l(
                    "For mange forkerte forsøg. Prøv igen om %(num)d minutter.",
                    num=throttle.minutes(wait),
                )
            )
        if not password_matches(current_user, field.data):
            throttle.record_failure(current_user.email, reason="current password")
            raise ValidationError(_l("Den nuværende adgangskode er forkert."))
