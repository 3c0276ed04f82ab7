"""The second factor's pages: the code (or a recovery code) asked for at login, setting the
app up (at the first login where the role requires it, or from the account), the account's
two-factor page, and the admin's reset.

The login pages are public: the login view has checked the password and left a pending login
(`sessions.pending()`); nothing else is open until a code is right. Every wrong code counts as
a failed login for the throttle, which is checked before a code is."""

from flask import Blueprint, abort, flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trivsel.auth import sessions, throttle
from trivsel.core.auth import PUBLIC, allow, home_url
from trivsel.core.rendering import render
from trivsel.core.users import User
from trivsel.twofactor import service
from trivsel.twofactor.forms import AccountSetupForm, CodeForm, RecoveryCodeForm

bp = Blueprint("twofactor", __name__)

EVERYONE = ("coordinator", "volunteer", "partner", "admin")
# The secret being set up, kept in the (signed) session cookie until a code confirms it, so
# no half-made factor is stored and another browser with the same password gets another one.
SETUP_KEY = "twofactor_setup"
# Recovery codes left, at or below which the user is told to make new ones.
FEW_CODES = 3


@bp.app_template_global("two_factor_of")
def two_factor_of(user_id):
    """The user's factor (for the admin's user page), or None."""
    return service.factor_of(user_id)


def _wrong_code():
    return _("Koden passer ikke, eller den er allerede brugt. Skriv den kode, appen viser nu.")


def _wait_message(wait):
    minutes = throttle.minutes(wait)
    return ngettext(
        "For mange forkerte forsøg. Prøv igen om %(num)d minut.",
        "For mange forkerte forsøg. Prøv igen om %(num)d minutter.",
        minutes,
    )


def _throttled(form, email):
    """The Retry-After header when the account (or this address) must wait, with the message
    put on the form; None when a code may be tried."""
    wait = throttle.wait_for(email)
    if wait is None:
        return None
    form.form_errors.append(_wait_message(wait))
    return {"Retry-After": str(int(wait.total_seconds()))}


def _page(template, status=200, headers=None, **context):
    response = render(template, status=status, **context)
    response.headers.update(headers or {})
    return response


def _status(form, headers):
    if headers:
        return 429
    return 422 if form.errors else 200


def _restart():
    flash(_("Login skal startes forfra. Log ind igen med din e-mail og adgangskode."), "error")
    return redirect(url_for("auth.login"))


def _pending_user():
    """(user, next_url, None) of the pending login, or (None, None, a response) when there is
    none to continue (or the user is logged in already)."""
    if current_user.is_authenticated:
        return None, None, redirect(home_url(current_user))
    user, next_url = sessions.pending()
    if user is None:
        return None, None, _restart()
    return user, next_url, None


def _setup_secret(user_id):
    """The secret this browser is setting up for the user (the same on a reload, so a scanned
    QR code stays good), or a new one."""
    value = session.get(SETUP_KEY)
    if (
        isinstance(value, dict)
        and value.get("user") == user_id
        and isinstance(value.get("secret"), str)
    ):
        return value["secret"]
    secret = service.new_secret()
    session[SETUP_KEY] = {"user": user_id, "secret": secret}
    return secret


def _setup_page(user, secret, form, headers=None, at_login=False):
    uri = service.provisioning_uri(secret, user.email)
    return _page(
        "twofactor/setup.html",
        status=_status(form, headers),
        headers=headers,
        form=form,
        qr=service.qr_data_uri(uri),
        uri=uri,
        secret=service.grouped(secret),
        at_login=at_login,
    )


def _codes_page(codes, continue_url, enrolled=False):
    """The new recovery codes, in this response only (only their hashes are kept)."""
    return _page(
        "twofactor/recovery_codes.html",
        codes=codes,
        continue_url=continue_url,
        enrolled=enrolled,
    )


def _codes_left_message(left):
    if left == 0:
        return _(
            "Du har ikke flere gendannelseskoder. Lav nye under Min konto, Totrinsbekræftelse."
        )
    message = ngettext(
        "Du har %(num)d gendannelseskode tilbage.",
        "Du har %(num)d gendannelseskoder tilbage.",
        left,
    )
    if left <= FEW_CODES:
        message += " " + _("Lav nye under Min konto, Totrinsbekræftelse.")
    return message


# At login


@bp.route("/login/two-factor", methods=["GET", "POST"])
@allow(PUBLIC)
def verify():
    user, next_url, response = _pending_user()
    if response is not None:
        return response
    if service.factor_of(user.id) is None:  # reset meanwhile
        return redirect(url_for("twofactor.enrol")) if service.is_required(user) else _restart()
    form = CodeForm()
    headers = None
    if form.validate_on_submit():
        headers = _throttled(form, user.email)
        if headers is None:
            if service.verify_code(user.id, form.code.data):
                sessions.complete_login(user)
                return redirect(next_url or home_url(user))
            throttle.record_failure(user.email, reason="code")
            form.code.errors.append(_wrong_code())
    return _page("twofactor/verify.html", _status(form, headers), headers, form=form)


@bp.route("/login/two-factor/recovery", methods=["GET", "POST"])
@allow(PUBLIC)
def recover():
    user, next_url, response = _pending_user()
    if response is not None:
        return response
    if service.factor_of(user.id) is None:
        return redirect(url_for("twofactor.enrol")) if service.is_required(user) else _restart()
    form = RecoveryCodeForm()
    headers = None
    if form.validate_on_submit():
        headers = _throttled(form, user.email)
        if headers is None:
            left = service.use_recovery_code(user.id, form.recovery_code.data)
            if left is not None:
                sessions.complete_login(user)
                flash(_codes_left_message(left), "info")
                return redirect(next_url or home_url(user))
            throttle.record_failure(user.email, reason="code")
            form.recovery_code.errors.append(
                _("Koden passer ikke, eller den er allerede brugt. Tjek den, og prøv igen.")
            )
    return _page("twofactor/recover.html", _status(form, headers), headers, form=form)


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
@allow(PUBLIC)
def enrol():
    user, next_url, response = _pending_user()
    if response is not None:
        return response
    if service.factor_of(user.id) is not None:
        return redirect(url_for("twofactor.verify"))
    if not service.is_required(user):
        return _restart()
    secret = _setup_secret(user.id)
    form = CodeForm()
    headers = None
    if form.validate_on_submit():
        headers = _throttled(form, user.email)
        if headers is None:
            codes = service.enrol(user.id, secret, form.code.data)
            if codes is not None:
                sessions.complete_login(user)  # a fresh cookie: the setup secret goes too
                return _codes_page(codes, next_url or home_url(user), enrolled=True)
            throttle.record_failure(user.email, reason="code")
            form.code.errors.append(_wrong_code())
    return _setup_page(user, secret, form, headers, at_login=True)


# The account's page


def _settings_page(regenerate_form=None, disable_form=None, headers=None):
    factor = service.factor_of(current_user.id)
    forms = [form for form in (regenerate_form, disable_form) if form is not None]
    status = 429 if headers else (422 if any(form.errors for form in forms) else 200)
    return _page(
        "twofactor/settings.html",
        status,
        headers,
        factor=factor,
        left=service.recovery_codes_left(current_user.id) if factor else 0,
        required=service.is_required(current_user),
        regenerate_form=regenerate_form or CodeForm(prefix="regenerate"),
        disable_form=disable_form or CodeForm(prefix="disable"),
    )


@bp.route("/account/two-factor")
@allow(*EVERYONE)
def settings():
    return _settings_page()


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@allow(*EVERYONE)
def setup():
    if service.factor_of(current_user.id) is not None:
        return redirect(url_for("twofactor.settings"))
    secret = _setup_secret(current_user.id)
    form = AccountSetupForm()
    if form.validate_on_submit():
        # The password is throttled (the form); the code proves they hold the secret shown.
        codes = service.enrol(current_user.id, secret, form.code.data)
        if codes is not None:
            session.pop(SETUP_KEY, None)
            return _codes_page(codes, url_for("twofactor.settings"), enrolled=True)
        form.code.errors.append(_wrong_code())
    return _setup_page(current_user, secret, form)


def _confirmed(form):
    """Whether the logged-in user confirmed with a right code from their app (throttled and
    counted like a login: an open session left behind is no way to guess it). Returns
    (confirmed, Retry-After headers or None)."""
    if not form.validate_on_submit():
        return False, None
    headers = _throttled(form, current_user.email)
    if headers is not None:
        return False, headers
    if service.verify_code(current_user.id, form.code.data):
        return True, None
    throttle.record_failure(current_user.email, reason="code")
    form.code.errors.append(_wrong_code())
    return False, None


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@allow(*EVERYONE)
def regenerate():
    if service.factor_of(current_user.id) is None:
        return redirect(url_for("twofactor.settings"), 303)
    form = CodeForm(prefix="regenerate")
    confirmed, headers = _confirmed(form)
    if confirmed:
        codes = service.regenerate_recovery_codes(current_user.id)
        return _codes_page(codes, url_for("twofactor.settings"))
    return _settings_page(regenerate_form=form, headers=headers)


@bp.route("/account/two-factor/off", methods=["POST"])
@allow(*EVERYONE)
def disable():
    if service.factor_of(current_user.id) is None:
        return redirect(url_for("twofactor.settings"), 303)
    if service.is_required(current_user):
        flash(_("Din rolle kræver totrinsbekræftelse, så den kan ikke slås fra."), "error")
        return redirect(url_for("twofactor.settings"), 303)
    form = CodeForm(prefix="disable")
    confirmed, headers = _confirmed(form)
    if confirmed:
        service.disable(current_user.id)
        flash(_("Totrinsbekræftelse er slået fra."), "success")
        return redirect(url_for("twofactor.settings"), 303)
    return _settings_page(disable_form=form, headers=headers)


# The admin


@bp.route("/admin/users/<int:user_id>/two-factor/reset", methods=["POST"])
@allow("admin")
def admin_reset(user_id):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    service.reset(user.id, actor_id=current_user.id)
    flash(
        _(
            "Totrinsbekræftelsen for %(name)s er nulstillet, og brugeren er logget ud. "
            "Næste gang brugeren logger ind, sættes den op igen.",
            name=user.name,
        )
        if service.is_required(user)
        else _(
            "Totrinsbekræftelsen for %(name)s er nulstillet, og brugeren er logget ud.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)
