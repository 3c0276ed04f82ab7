"""Administration: users and their roles, settings, loaded plugins."""

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.admin import service
from trivsel.admin.forms import UserForm
from trivsel.core.auth import allow
from trivsel.core.db import database_url
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.core.users import User
from trivsel.invitations import service as invitations

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@allow("admin")
def users():
    form = UserForm().require_password()
    if form.validate_on_submit():
        try:
            user = service.create_user(**form.values())
        except service.Refused as refusal:
            form.refuse(refusal)
        else:
            flash(_("Brugeren %(name)s er oprettet.", name=user.name), "success")
            return redirect(url_for("admin.users"), 303)
    status = 422 if form.errors else 200
    return render(
        "admin/users.html",
        form=form,
        rows=service.users(),
        invited=invitations.unaccepted(),
        invitation_labels=invitations.STATUS_LABELS,
        status=status,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            saved = service.update_user(user.id, **form.values(), actor=current_user.id)
        except service.Refused as refusal:
            form.refuse(refusal)
        else:
            if form.password.data:
                invitations.password_given(user.id)  # an open invitation is done
            flash(_("Brugeren %(name)s er gemt.", name=saved.name), "success")
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
