"""Danish first: Flask-Babel, with the user's language choice kept in the session."""

from flask import current_app, g, has_request_context, session
from flask_babel import Babel, get_translations
from flask_babel.speaklater import LazyString


def select_locale():
    chosen = session.get("language") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_translations():
    """The translations for the language of the moment, looked up once while it holds.

    Flask-Babel looks them up again for every string a template translates (its context,
    domain and language, some 9 microseconds), and a page translates a hundred strings. The
    catalog is kept beside Flask-Babel's own state for the request, with the language and
    domain it is for, so a change of language inside the request (`force_locale`, for a
    message to someone who reads English) is followed: a new language is a new lookup."""
    if not g:  # no app context: Flask-Babel's answer (no translation)
        return get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        kept = getattr(state, "trivsel_translations", None)
        if (
            kept is not None
            and kept[0] is getattr(state, "babel_locale", None)
            and kept[1] is getattr(state, "babel_domain", None)
        ):
            return kept[2]
    translations = get_translations()
    state = g.get("_flask_babel")
    if state is not None and getattr(state, "babel_locale", None) is not None:
        key = (state.babel_locale, getattr(state, "babel_domain", None))
        state.trivsel_translations = (*key, translations)
    return translations


def gettext(string, **variables):
    """Flask-Babel's gettext, through the kept catalogue."""
    text = current_translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string, **variables):
    """Flask-Babel's lazy_gettext (translated when shown), through the kept catalogue: for
    the label lists a page shows a few dozen of."""
    return LazyString(gettext, string, **variables)


def init_app(app):
    Babel(app, locale_selector=select_locale)
    # The templates' _() and ngettext() through the kept catalog (as Flask-Babel's own
    # callables, with the lookup once per language).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
    )
