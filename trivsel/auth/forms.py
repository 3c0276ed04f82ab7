"""The login form."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField

from trivsel.core.forms import Form, max_length, required


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
