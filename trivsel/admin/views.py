"""Administration: users and their roles, settings, loaded plugins."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from peewee import IntegrityError
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, ValidationError

from trivsel.core import labels
from trivsel.core.auth import allow, hash_password
from trivsel.core.db import database, database_url
from trivsel.core.forms import Form, choices, max_length, optional, required
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.core.users import User

bp = Blueprint("admin", __name__, url_prefix="/admin")

MIN_PASSWORD = 10


def password_strength(form, field):
    if field.data and len(field.data) < MIN_PASSWORD:
        raise ValidationError(_l("Adgangskoden skal have mindst %(n)d tegn.", n=MIN_PASSWORD))


class UserForm(Form):
    name = StringField(_l("Navn"), validators=[required(), max_length(100)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            required(),
            max_length(254),
            Email(message=_l("Skriv en gyldig e-mailadresse.")),
        ],
    )
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
        validators=[optional(), password_strength, max_length(200)],
        description=_l("Mindst 10 tegn. Lad feltet stå tomt for at beholde den nuværende."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = get_plugins().organisations()
        self.organisation.choices = [SelectChoice("", _l("Ingen"))] + [
            SelectChoice(org.key, org.name) for org in organisations.values()
        ]
        if self.organisation.data is None:
            self.organisation.data = ""

    def validate_organisation(self, field):
        if field.data and self.role.data != "partner":
            raise ValidationError(_l("Kun samarbejdspartnere hører til en organisation."))

    def organisation_value(self):
        return self.organisation.data or None


@bp.route("/users", methods=["GET", "POST"])
@allow("admin")
def users():
    form = UserForm()
    form.password.validators = [required(), password_strength, max_length(200)]
    if form.validate_on_submit():
        try:
            with database.atomic():
                User.create(
                    name=form.name.data.strip(),
                    email=form.email.data.strip().lower(),
                    role=form.role.data,
                    organisation=form.organisation_value(),
                    active=form.active.data,
                    password_hash=hash_password(form.password.data),
                )
        except IntegrityError:
            form.email.errors.append(_("Der findes allerede en bruger med den e-mail."))
        else:
            flash(_("Brugeren %(name)s er oprettet.", name=form.name.data), "success")
            return redirect(url_for("admin.users"), 303)
    status = 422 if form.errors else 200
    rows = list(User.select().order_by(User.role, User.name))
    return render("admin/users.html", form=form, rows=rows, status=status)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors.append(_("Du kan ikke fjerne din egen adgang som administrator."))
        else:
            changes = {
                "name": form.name.data.strip(),
                "email": form.email.data.strip().lower(),
                "role": form.role.data,
                "organisation": form.organisation_value(),
                "active": form.active.data,
            }
            if form.password.data:
                changes["password_hash"] = hash_password(form.password.data)
            try:
                with database.atomic():
                    User.update(**changes).where(User.id == user.id).execute()
            except IntegrityError:
                form.email.errors.append(_("Der findes allerede en bruger med den e-mail."))
            else:
                flash(_("Brugeren %(name)s er gemt.", name=changes["name"]), "success")
                return redirect(url_for("admin.users"), 303)
    status = 422 if form.errors else 200
    return render("admin/user.html", form=form, user=user, status=status)


@bp.route("/settings")
@allow("admin")
def settings():
    url = database_url(current_app)
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    plugins = get_plugins()
    return render(
        "admin/settings.html",
        backend=backend,
        config=current_app.config,
        plugins=plugins.listing(),
        failures=list(reversed(plugins.failures)),
    )
