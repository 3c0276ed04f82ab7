"""Who may do what: deny by default, each view declares the roles allowed to use it."""

from flask import abort, current_app, has_app_context, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash, generate_password_hash

from trivsel.core.config import DEFAULTS

ROLES = ("coordinator", "volunteer", "partner", "admin")
PUBLIC = "public"

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log ind for at se siden.")


def allow(*roles):
    """Declare the roles that may use a view (or PUBLIC). A view without it is refused."""
    unknown = set(roles) - set(ROLES) - {PUBLIC}
    if unknown:
        raise ValueError(f"unknown roles: {unknown}")

    def decorate(view):
        view.allowed_roles = frozenset(roles)
        return view

    return decorate


def allowed_roles(endpoint):
    """The roles allowed at an endpoint; an empty set when the view declares none."""
    if endpoint == "static" or (endpoint or "").endswith(".static"):
        return frozenset({PUBLIC})
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "allowed_roles", frozenset())


def enforce_roles():
    """before_request: deny unless the current user's role is allowed at this endpoint."""
    if request.endpoint is None:  # 404 and 405 are answered by the router
        return None
    roles = allowed_roles(request.endpoint)
    if PUBLIC in roles:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in roles:
        abort(403)
    return None


def _hash_method():
    """The app's PASSWORD_HASH_METHOD (scrypt unless the tests ask for a cheap one); the
    default outside an app."""
    if has_app_context():
        return current_app.config["PASSWORD_HASH_METHOD"]
    return DEFAULTS["PASSWORD_HASH_METHOD"]


def hash_password(password):
    return generate_password_hash(password, method=_hash_method())


def password_matches(user, password):
    return check_password_hash(user.password_hash, password)


# Hashes to compare against when the e-mail is unknown, one per method, made on first use with
# the app's method, so a login for an unknown e-mail costs what a real one does.
_DUMMY_HASHES = {}


def _dummy_hash():
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not a password", method=method)
    return _DUMMY_HASHES[method]


def authenticate(email, password):
    from trivsel.core.users import User

    user = User.get_or_none(User.email == email.strip().lower())
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if password_matches(user, password) else None


def init_app(app, load_user):
    """CSRF on every state change, Flask-Login with `load_user` (the auth area's server-side
    sessions), and the role check before every request."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    app.before_request(enforce_roles)


def home_url(user):
    """Where each role lands after login."""
    return url_for(
        {
            "coordinator": "dashboard.index",
            "volunteer": "volunteer.home",
            "partner": "partner.home",
            "admin": "admin.users",
        }[user.role]
    )


def redirect_home():
    return redirect(home_url(current_user))
