"""What every template can use: labels, formatting filters, the current user's navigation."""

from datetime import date

from babel.dates import format_date, format_time
from flask import request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader

from . import flow, labels
from .auth import allowed_roles
from .course_forms import WHO5_FIELDS, WHO5_INTRO
from .rendering import is_partial

HTMX_FILE = "vendor/htmx-2.0.11.min.js"


def navigation():
    """The menu items the current user may open, as (endpoint, label)."""
    from flask_babel import lazy_gettext as _l

    items = [
        ("dashboard.index", _l("Overblik")),
        ("courses.index", _l("Forløb")),
        ("courses.new_inquiry", _l("Ny henvendelse")),
        ("statistics.index", _l("Statistik")),
        ("corps.index", _l("Frivillige")),
        ("supervision.index", _l("Supervision")),
        ("volunteer.home", _l("Mine forløb")),
        ("volunteer.profile", _l("Min profil")),
        ("partner.home", _l("Forside")),
        ("referrals.index", _l("Henvisninger")),
        ("directory.index", _l("Tilbud")),
        ("partner.about", _l("Om ordningen")),
        ("stories.index", _l("Fortællinger")),
        ("privacy.policy", _l("Databeskyttelse")),
        ("admin.users", _l("Brugere")),
        ("admin.settings", _l("Indstillinger")),
    ]
    if not current_user.is_authenticated:
        return []
    from .plugins import get_plugins

    items += [(item.endpoint, item.label) for item in get_plugins().navigation_items()]
    return [
        (endpoint, label)
        for endpoint, label in items
        if current_user.role in allowed_roles(endpoint)
    ]


def danish_date(value):
    """A date (or date and time) in the user's language: "26. nov. 2026" in Danish."""
    if not value:
        return ""
    locale = get_locale()
    # Times are stored as local wall-clock times, so they are shown without conversion.
    day = format_date(value, "medium", locale=locale)
    if hasattr(value, "hour"):
        return f"{day}, {format_time(value, 'short', locale=locale)}"
    return day


def slot(name, **context):
    """Markup plugins add at a named place on a page (`trivsel_template_slot`)."""
    from .plugins import get_plugins

    return get_plugins().template_slot(name, context)


def init_app(app):
    plugins = app.extensions["trivsel.plugins"]
    folders = [str(folder) for _, folder in plugins.setup("trivsel_template_folders")]
    if folders:
        # The core's templates first: a plugin adds pages, it cannot replace the core's.
        app.jinja_loader  # noqa: B018 (Flask builds its loader lazily)
        app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(folders)])
    app.jinja_env.globals.update(
        slot=slot,
        labels=labels,
        flow=flow,
        navigation=navigation,
        htmx_file=HTMX_FILE,
        today=date.today,
        is_partial=is_partial,
        who5_fields=WHO5_FIELDS,
        who5_intro=WHO5_INTRO,
        get_locale=get_locale,
    )
    app.jinja_env.filters["day"] = danish_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def current_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}
