"""Error pages in Danish; an expired CSRF token keeps what the user typed."""

from urllib.parse import urlsplit

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from trivsel.core.rendering import is_partial

# Form fields that are never sent back to the browser: the token, and anything secret (every
# password field, its confirmation, a second-factor or recovery code).
_NOT_RESENT = {"csrf_token", "confirm", "code", "recovery_code", "secret"}


def _resent(name):
    return name not in _NOT_RESENT and "password" not in name


def _error_page(code, message):
    template = "errors/_message.html" if is_partial() else "errors/page.html"
    response = render_template(template, code=code, message=message)
    return response, code, {"Vary": "HX-Request"}


EXPIRED = "The CSRF token has expired."


def _from_this_site():
    """The request came from one of our own pages (or the browser sent no Origin/Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True
    ours = urlsplit(request.host_url)
    theirs = urlsplit(source)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def csrf_failed(error):
    """A token that merely expired on one of our own pages loses nothing (see csrf_expired);
    a missing or wrong token, or one sent from another site, is refused plainly, with no new
    token: that would complete a forged request."""
    if error.description == EXPIRED and _from_this_site():
        return csrf_expired()
    message = _(
        "Formularen kunne ikke godkendes, fordi sikkerhedsnøglen mangler eller er forkert. "
        "Intet er gemt. Genindlæs siden og prøv igen."
    )
    return _error_page(400, message)


def csrf_expired():
    """The page was open too long. Nothing is saved, nothing is lost: htmx keeps the form as
    it is and receives a fresh token; a plain form post gets a page that holds the typed
    values and sends them again with a new token."""
    fresh = generate_csrf()
    message = _(
        "Siden har været åben for længe, så sikkerhedsnøglen er udløbet. Intet er gemt endnu, "
        "og det du skrev er bevaret. Tryk på knappen igen for at gemme."
    )
    if request.headers.get("HX-Request") == "true":
        response = render_template("errors/_message.html", code=400, message=message)
        return response, 400, {"X-CSRF-Token": fresh, "Vary": "HX-Request"}
    fields = [
        (name, value) for name, values in request.form.lists() if _resent(name) for value in values
    ]
    page = render_template(
        "errors/resubmit.html", message=message, fields=fields, action=request.path, token=fresh
    )
    return page, 400, {"Vary": "HX-Request"}


def http_error(error):
    messages = {
        400: _("Forespørgslen kunne ikke forstås."),
        403: _("Du har ikke adgang til denne side."),
        404: _("Siden findes ikke."),
        405: _("Handlingen er ikke tilladt her."),
        409: _("Handlingen kan ikke gennemføres nu. Intet er ændret."),
        413: _(
            "Det sendte fylder for meget (højst %(mb)s MB ad gangen). Intet er ændret.",
            mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024),
        ),
    }
    # A message given to abort() in Danish wins over the generic one.
    description = error.description if error.description != type(error).description else None
    fallback = _("Der opstod en fejl. Intet er gemt; prøv igen.")
    message = description or messages.get(error.code, fallback)
    return _error_page(error.code, message)


def server_error(error):
    return _error_page(500, _("Der opstod en fejl på serveren. Intet er gemt; prøv igen."))


def init_app(app):
    app.register_error_handler(500, server_error)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
