"""The administrator's form for a user: name, e-mail, role, organisation, password."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import ValidationError

from trivsel.core import labels
from trivsel.core.forms import Form, choices, email_field, max_length, optional, required
from trivsel.core.passwords import MIN_LENGTH, new_password
from trivsel.core.plugins import get_plugins

# The password policy (trivsel.core.passwords), against the user's own e-mail and name as typed.
password_policy = new_password("email", "name")


class UserForm(Form):
    name = StringField(_l("Navn"), validators=[required(), max_length(100)])
    email = email_field(_l("E-mail"), required_field=True)
    role = SelectField(_l("Rolle"), choices=choices(labels.ROLES))
    organisation = SelectField(
        _l("Organisation"),
        validators=[optional()],
        description=_l(
            "For samarbejdspartnere: den organisation, brugeren henviser eller har tilbud for."
        ),
    )
    active = BooleanField(_l("Aktiv"), default=True)
    password = PasswordField(
        _l("Ny adgangskode"),
        validators=[optional(), password_policy],
        description=_l(
            "Mindst %(n)d tegn; almindelige adgangskoder afvises. Lad feltet stå tomt for at "
            "beholde den nuværende. Vil brugeren hellere selv vælge, så invitér dem i stedet.",
            n=MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = get_plugins().organisations()
        self.organisation.choices = [SelectChoice("", _l("Ingen"))] + [
            SelectChoice(org.key, org.name) for org in organisations.values()
        ]
        if self.organisation.data is None:
            self.organisation.data = ""

    def require_password(self):
        """A new user must be given a password; an existing one keeps theirs when it is empty."""
        self.password.validators = [required(), password_policy]
        return self

    def validate_organisation(self, field):
        if field.data and self.role.data != "partner":
            raise ValidationError(_l("Kun samarbejdspartnere hører til en organisation."))

    def values(self):
        """What was typed, as the service takes it."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "organisation": self.organisation.data or None,
            "active": self.active.data,
            "password": self.password.data or None,
        }

    def refuse(self, refusal):
        """Show a refusal from the service at the field it concerns."""
        getattr(self, refusal.field).errors.append(str(refusal))
