"""Danish first: Flask-Babel, with the user's language choice kept in the session."""

from flask import current_app, has_request_context, session
from flask_babel import Babel


def select_locale():
    chosen = session.get("language") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    Babel(app, locale_selector=select_locale)
