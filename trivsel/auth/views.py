"""Logging in and out, and choosing the interface language."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from trivsel.auth.forms import LoginForm
from trivsel.core.auth import PUBLIC, allow, authenticate, home_url
from trivsel.core.rendering import render

bp = Blueprint("auth", __name__)


def _safe_next(target):
    """Only a path on this site: never redirect to another host after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            language = session.get("language")
            session.clear()  # a fresh session at login (no fixation), keeping the language
            if language:
                session["language"] = language
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or home_url(user))
        form.password.errors.append(_("Forkert e-mail eller adgangskode."))
    status = 422 if form.errors else 200
    return render("auth/login.html", form=form, status=status)


@bp.route("/logout", methods=["POST"])
@allow("coordinator", "volunteer", "partner", "admin")
def logout():
    logout_user()
    session.clear()
    flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@allow(PUBLIC)
def language():
    chosen = request.form.get("language")
    if chosen in current_app.config["LANGUAGES"]:
        session["language"] = chosen
    return redirect(_safe_next(request.form.get("next")) or url_for("dashboard.home"))
