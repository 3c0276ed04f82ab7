"""What every template can use: labels, formatting filters, the current user's navigation."""

from datetime import date
from functools import lru_cache

from babel.dates import format_date, format_time
from flask import g, request, url_for
from flask_babel import get_locale
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from trivsel.core.rendering import is_partial

HTMX_FILE = "vendor/htmx-2.0.11.min.js"


def danish_date(value):
    """A date (or date and time) in the user's language: "26. nov. 2026" in Danish."""
    if not value:
        return ""
    return _formatted_date(value, str(get_locale()))


def day_formatter():
    """`danish_date` for the current language, looked up once: for a list of many rows of
    days, where finding the language for each day would cost more than writing it."""
    locale = str(get_locale())

    def day(value):
        return _formatted_date(value, locale) if value else ""

    return day


@lru_cache(maxsize=4096)
def _formatted_date(value, locale):
    # Remembered: a list shows many rows of the same few days, and Babel's formatting is
    # what such a page would spend most of its time on.
    # Times are stored as local wall-clock times, so they are shown without conversion.
    day = format_date(value, "medium", locale=locale)
    if hasattr(value, "hour"):
        return f"{day}, {format_time(value, 'short', locale=locale)}"
    return day


def worded(mapping):
    """{code: label} of a label list (`core.labels`), the lazy labels made text once for the
    request: a list of many rows would otherwise look up the language for every cell."""
    made = g.setdefault("trivsel_worded", {})
    found = made.get(id(mapping))
    if found is None or found[0] is not mapping:
        found = made[id(mapping)] = (mapping, {code: str(label) for code, label in mapping.items()})
    return found[1]


def id_url(endpoint, argument):
    """A function of an id to the address of `endpoint` with that id as `argument`: the
    route is built once, for a list that links each of its rows."""
    marker = 987654321
    before, _, after = url_for(endpoint, **{argument: marker}).partition(str(marker))

    def address(value):
        return f"{before}{int(value)}{after}"

    return address


def named(codes, names):
    """A list of codes as their names, "a, b" (a code with no name as itself)."""
    return ", ".join(names.get(code, code) for code in codes or ())


def options(choices, chosen=None):
    """The <option>s of a long list of (value, label) pairs (a choice of some hundreds of
    volunteers), `chosen` selected: made in one piece, as a template loop would spend more
    on the options than on the rest of the page."""
    chosen = None if chosen is None else str(chosen)
    return Markup(
        "".join(
            f'<option value="{escape(value)}"'
            f"{' selected' if str(value) == chosen else ''}>{escape(label)}</option>"
            for value, label in choices
        )
    )


def slot(name, **context):
    """Markup plugins add at a named place on a page (`trivsel_template_slot`)."""
    from trivsel.core.plugins import get_plugins

    return get_plugins().template_slot(name, context)


def init_app(app, filters=None, **features):
    """Set up the template environment; `features` are globals and `filters` filters the
    areas add (the menu, the flow's stage names, the label lists, the match's reasons)."""
    plugins = app.extensions["trivsel.plugins"]
    folders = [str(folder) for _, folder in plugins.setup("trivsel_template_folders")]
    if folders:
        # The core's templates first: a plugin adds pages, it cannot replace the core's.
        app.jinja_loader  # noqa: B018 (Flask builds its loader lazily)
        app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, FileSystemLoader(folders)])
    app.jinja_env.globals.update(
        slot=slot,
        worded=worded,
        options=options,
        id_url=id_url,
        htmx_file=HTMX_FILE,
        today=date.today,
        is_partial=is_partial,
        get_locale=get_locale,
        **features,
    )
    app.jinja_env.filters["day"] = danish_date
    app.jinja_env.filters["named"] = named
    app.jinja_env.filters.update(filters or {})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def current_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}
