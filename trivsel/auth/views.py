"""Logging in and out, the user's own account (password, sessions), and the interface
language."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trivsel.auth import sessions, throttle
from trivsel.auth.forms import LoginForm, PasswordChangeForm
from trivsel.auth.service import change_password
from trivsel.core.auth import PUBLIC, allow, authenticate, home_url
from trivsel.core.rendering import render
from trivsel.twofactor import service as twofactor

bp = Blueprint("auth", __name__)

EVERYONE = ("coordinator", "volunteer", "partner", "admin")


def _safe_next(target):
    """Only a path on this site: never redirect to another host after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _wait_message(wait):
    minutes = throttle.minutes(wait)
    return ngettext(
        "For mange forkerte forsøg. Prøv igen om %(num)d minut.",
        "For mange forkerte forsøg. Prøv igen om %(num)d minutter.",
        minutes,
    )


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        email = form.email.data
        wait = throttle.wait_for(email)
        if wait is not None:
            form.form_errors.append(_wait_message(wait))
            status = 429
            headers["Retry-After"] = str(int(wait.total_seconds()))
        else:
            user = authenticate(email, form.password.data)
            if user is None:
                throttle.record_failure(email)
                form.form_errors.append(_("Forkert e-mail eller adgangskode."))
            else:
                next_url = _safe_next(request.args.get("next") or session.get("next"))
                step = twofactor.required_step(user)
                if step is not None:
                    sessions.begin_pending(user, next_url)
                    return redirect(url_for(f"twofactor.{step}"))
                sessions.complete_login(user)
                return redirect(next_url or home_url(user))
    if form.errors and status == 200:
        status = 422
    response = render("auth/login.html", form=form, status=status)
    response.headers.update(headers)
    return response


@bp.route("/logout", methods=["POST"])
@allow(*EVERYONE)
def logout():
    sessions.end_current()
    flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))


def _render_account(form=None, status=200):
    return render(
        "auth/account.html",
        form=form or PasswordChangeForm(),
        sessions=sessions.active_sessions(current_user.id),
        two_factor="twofactor.settings" in current_app.view_functions,
        status=status,
    )


@bp.route("/account")
@allow(*EVERYONE)
def account():
    return _render_account()


@bp.route("/account/password", methods=["POST"])
@allow(*EVERYONE)
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        ended = change_password(current_user, form.new_password.data)
        flash(
            ngettext(
                "Din adgangskode er skiftet. %(num)d anden session er afsluttet.",
                "Din adgangskode er skiftet. %(num)d andre sessioner er afsluttet.",
                ended,
            )
            if ended
            else _("Din adgangskode er skiftet."),
            "success",
        )
        return redirect(url_for("auth.account"), 303)
    return _render_account(form, status=422)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@allow(*EVERYONE)
def end_session(session_id):
    if not sessions.end_session(current_user.id, session_id):
        abort(404)
    flash(_("Sessionen er afsluttet."), "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/sessions/end-others", methods=["POST"])
@allow(*EVERYONE)
def end_other_sessions():
    ended = sessions.end_sessions(current_user.id, keep_current=True)
    flash(
        ngettext(
            "%(num)d anden session er afsluttet.", "%(num)d andre sessioner er afsluttet.", ended
        ),
        "success",
    )
    return redirect(url_for("auth.account"), 303)


@bp.route("/language", methods=["POST"])
@allow(PUBLIC)
def language():
    chosen = request.form.get("language")
    if chosen in current_app.config["LANGUAGES"]:
        session["language"] = chosen
    return redirect(_safe_next(request.form.get("next")) or url_for("dashboard.home"))
