"""The forms: inviting someone, choosing a password (from an invitation or a reset link), and
asking for a reset link."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import EqualTo, ValidationError

from trivsel.core import labels
from trivsel.core.forms import Form, email_field, max_length, optional, required
from trivsel.core.passwords import MIN_LENGTH, new_password
from trivsel.core.plugins import get_plugins


class InviteForm(Form):
    name = StringField(_l("Navn"), validators=[required(), max_length(100)])
    email = email_field(
        _l("E-mail"),
        required_field=True,
        filters=[lambda value: _stripped(value)],
        description=_l("Invitationen sendes hertil, og den bliver brugernavnet."),
    )
    role = SelectField(_l("Rolle"))
    organisation = SelectField(
        _l("Organisation"),
        validators=[optional()],
        description=_l(
            "For samarbejdspartnere: den organisation, de henviser fra eller har tilbud for."
        ),
    )

    def __init__(self, roles, *args, **kwargs):
        """`roles`: the roles the inviting user may invite."""
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role, labels.ROLES[role]) for role in roles]
        organisations = get_plugins().organisations()
        self.organisation.choices = [SelectChoice("", _l("Ingen"))] + [
            SelectChoice(org.key, org.name) for org in organisations.values()
        ]
        if self.organisation.data is None:
            self.organisation.data = ""

    def validate_organisation(self, field):
        if field.data and self.role.data != "partner":
            raise ValidationError(_l("Kun samarbejdspartnere hører til en organisation."))
        if not field.data and self.role.data == "partner":
            raise ValidationError(_l("Vælg samarbejdspartnerens organisation."))

    def values(self):
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "organisation": self.organisation.data or None,
        }

    def refuse(self, refusal):
        """Show a refusal from the service at the field it concerns."""
        getattr(self, refusal.field).errors.append(str(refusal))


PASSWORD_HINT = _l(
    "Mindst %(n)d tegn. Gerne en sætning eller flere ord, du kan huske; almindelige "
    "adgangskoder afvises.",
    n=MIN_LENGTH,
)


class ChoosePasswordForm(Form):
    """A new password, twice, for `account` (whose e-mail and name it may not be)."""

    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[
            required(),
            new_password(lambda form: form.account.email, lambda form: form.account.name),
        ],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Gentag adgangskoden"),
        validators=[required(), EqualTo("password", _l("De to adgangskoder er ikke ens."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, account, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


class ForgotForm(Form):
    email = email_field(
        _l("E-mail"),
        required_field=True,
        filters=[_stripped],
        render_kw={"autocomplete": "username"},
    )
