"""The report as the page shows it: numbers formatted, the table rows, the charts' bars."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal, get_group_symbol, get_minus_sign_symbol
from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trivsel.core.labels import INITIATORS, QUALITY_OF_LIFE
from trivsel.statistics import charts
from trivsel.statistics.codes import OUTCOME_LABELS, SOURCE_KEYS

CORE_ROWS = (
    ("inquiries", _l("Henvendelser")),
    ("citizens_in_courses", _l("Borgere i forløb")),
    ("conversations", _l("Samtaler i alt")),
    ("conversations_per_citizen", _l("Samtaler pr. borger")),
    ("follow_on_percent", _l("Kontakt til andet frivilligt tilbud bagefter")),
)


def goal_groups(low, high):
    """The rows of the goals' table per branch (like CORE_ROWS, over the same
    `report.tables`, cells by core_cell), in groups: [(group label, ((key, label), ...))].
    `low`-`high` is the configured range of conversations per citizen a year."""
    quality = tuple(
        row
        for key, label in QUALITY_OF_LIFE.items()
        for row in (
            (f"quality_{key}", label),
            (f"quality_{key}_percent", _("%(label)s, andel", label=label)),
        )
    )
    span = f"{low}-{high}"
    return (
        (
            _("Samtaler pr. borger i året (målet er %(span)s)", span=span),
            (
                ("citizens_in_courses", _l("Borgere i forløb")),
                ("within_goal", _("Borgere med %(span)s samtaler", span=span)),
                ("within_goal_percent", _("Andel med %(span)s samtaler", span=span)),
                ("conversations_per_citizen", _l("Gennemsnit pr. borger")),
            ),
        ),
        (
            _l("Opfølgende samtale"),
            (
                ("followed_up", _l("Fulgt op i året")),
                ("felt_heard", _l("Følte sig set og hørt")),
                ("felt_heard_percent", _l("Følte sig set og hørt, andel")),
            ),
        ),
        (_l("Livskvaliteten ved opfølgningen"), quality),
    )


# The columns of the bridging tables: (attribute of bridging.Bridged, label).
BRIDGING_COLUMNS = (
    ("linked", _l("Bygget bro til")),
    ("asked", _l("Fulgt op")),
    ("went", _l("Kom i gang")),
    ("went_percent", _l("Andel der kom i gang")),
)


@dataclass(frozen=True)
class BridgingTable:
    """One branch's bridging per offer or per category: a group of rows per project year,
    a row per offer or category, the cells BRIDGING_COLUMNS (numbers, formatted by
    core_cell)."""

    id: str  # the table's id on the page: "bridging-offers-main", "bridging-categories-all"
    title: str
    branch: str  # the branch key, as in report.tables
    branch_label: str
    heading: str  # the first column's heading
    years: list  # [(start, [bridging.Bridged])], oldest first
    left_off: dict = field(default_factory=dict)  # {start: offers not shown}, see OFFER_ROWS

    def rows(self):
        """[(start, key, label, {column: value})]: the table flat, for a download."""
        return [
            (year, row.key, row.label, {c: getattr(row, c) for c, _label in BRIDGING_COLUMNS})
            for year, rows in self.years
            for row in rows
        ]


# The page (and its print version and PDF) shows a year's most linked offers, this many; the
# downloads (CSV, XLSX) hold every offer. Thousands of offers a year made a page of megabytes.
OFFER_ROWS = 25


def bridging_years(report):
    """The project years with any bridging, oldest first."""
    linked = {
        year
        for source in (report.bridging_offers, report.bridging_categories)
        for _key, _label, per_year in source
        for year in per_year
    }
    return [year for year in report.years if year in linked]


def chosen_bridging_year(report, text):
    """The bridging year the page shows: the one asked for (its first day as YYYY-MM-DD)
    when it has bridging, else the newest that has; None when none has."""
    years = bridging_years(report)
    for year in years:
        if year.isoformat() == text:
            return year
    return years[-1] if years else None


def bridging_tables(report, offer_rows=None, only_year=None):
    """[BridgingTable]: per branch (as report.tables), by offer and by category; a branch
    without any link is left out. With `offer_rows`, each year of a table by offer keeps only
    its `offer_rows` most linked offers (in the table's order), the rest counted in
    left_off. With `only_year`, the tables hold that project year alone (the page shows one
    year at a time; the print version and the downloads every year)."""
    tables = []
    for kind, title, heading, source in (
        ("offers", _l("Brobygning pr. tilbud"), _l("Tilbud"), report.bridging_offers),
        ("categories", _l("Brobygning pr. kategori"), _l("Kategori"), report.bridging_categories),
    ):
        for key, label, per_year in source:
            years = [
                (year, per_year[year])
                for year in report.years
                if year in per_year and only_year in (None, year)
            ]
            left_off = {}
            if kind == "offers" and offer_rows is not None:
                years, left_off = _most_linked(years, offer_rows)
            if years:
                tables.append(
                    BridgingTable(
                        f"bridging-{kind}-{key}", title, key, label, heading, years, left_off
                    )
                )
    return tables


def _most_linked(years, limit):
    """([(start, rows)], {start: rows left off}): each year's `limit` most linked rows (on a
    tie, the first in the table's order), kept in that order."""
    shown, left_off = [], {}
    for year, rows in years:
        if len(rows) > limit:
            ranked = sorted(range(len(rows)), key=lambda i: (-rows[i].linked, i))
            keep = sorted(ranked[:limit])
            left_off[year] = len(rows) - limit
            rows = [rows[i] for i in keep]
        shown.append((year, rows))
    return shown, left_off


def report_context(report, goal, offer_rows=None, bridging_year=None):
    """What the page and its print version show besides the report and the form; `goal` is
    the follow-on goal in percent; `offer_rows` limits the bridging per offer (see
    bridging_tables; the downloads pass none); `bridging_year` (the page's) shows the bridging
    of that project year alone, with a choice of the others."""
    low, high = current_app.config["GOAL_CONVERSATIONS_PER_CITIZEN"]
    return {
        "charts": report_charts(report, goal) if report.shown_years else [],
        "core_rows": CORE_ROWS,
        "goal_groups": goal_groups(low, high),
        "bridging_tables": bridging_tables(report, offer_rows, bridging_year),
        "bridging_year": bridging_year,
        "bridging_years": bridging_years(report) if bridging_year else [],
        "bridging_columns": BRIDGING_COLUMNS,
        "offer_rows": offer_rows,
        "core_cell": core_cell,
        "year_label": year_label,
        "number": number,
        "percent": percent,
        "weeks": weeks,
        "signed": signed,
        "year_start_text": day_and_month(report.month_day),
        "source_labels": {key: INITIATORS[key] for key in SOURCE_KEYS},
        "outcome_labels": OUTCOME_LABELS,
        "year_start": "{:02d}-{:02d}".format(*report.month_day),
        "goal_percent": goal,
    }


# --- Formatting ---------------------------------------------------------------------------


def year_label(start, month_day):
    """A calendar year as "2013", a project year across New Year as "2012/13"."""
    if month_day == (1, 1):
        return str(start.year)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def number(value, decimals=0):
    if value is None:
        return "–"
    locale = get_locale()
    if not decimals and type(value) is int:
        # The page's tables hold tens of thousands of whole numbers (the bridging per offer):
        # the same text as format_decimal's, without parsing its pattern for each.
        group, minus = _integer_symbols(str(locale))
        text = f"{abs(value):,}".replace(",", group)
        return minus + text if value < 0 else text
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale)


@cache
def _integer_symbols(locale):
    return get_group_symbol(locale), get_minus_sign_symbol(locale)


def percent(value):
    return "–" if value is None else f"{number(value)}\u00a0%"


def core_cell(figures, key):
    """One cell of the main table, the goals' table or a bridging table, as shown on the
    page: a share (a key ending in _percent) in percent, the mean with one decimal."""
    if figures is None:
        return "–"
    value = getattr(figures, key)
    if key == "conversations_per_citizen":
        return number(value, 1)
    if key.endswith("_percent"):
        return percent(value)
    return number(value)


def signed(value):
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + number(value, 1)


def day_and_month(month_day):
    return format_date(date(2001, *month_day), "d. MMMM", locale=get_locale())


def weeks(days):
    return None if days is None else float(days) / 7


# --- Charts -------------------------------------------------------------------------------


def report_charts(report, goal):
    """[(title, svg)]: the charts of the main table, the funder's figures year by year."""
    _key, label, figures = report.tables[0]
    years = _chart_years(report, figures)
    if not years:
        return []

    def bars(attribute, text):
        return _bars(figures, years, report.month_day, attribute, text)

    made = []
    for chart_id, title, attribute in (
        ("chart-inquiries", _("Henvendelser pr. år"), "inquiries"),
        ("chart-citizens", _("Borgere i forløb pr. år"), "citizens_in_courses"),
        ("chart-conversations", _("Samtaler pr. år"), "conversations"),
    ):
        bar_list = bars(attribute, number)
        desc = _description(label, bar_list)
        made.append((title, charts.bar_chart(chart_id, title, desc, bar_list)))
    made.append(_follow_on_chart(label, bars("follow_on_percent", percent), goal))
    return made


def _chart_years(report, figures):
    """From the first to the last year of the main branch's own figures: the other branches'
    years would only add empty bars."""
    own = [i for i, year in enumerate(report.shown_years) if year in figures]
    if not own:
        return []
    return report.shown_years[own[0] : own[-1] + 1]


def _bars(figures, years, month_day, attribute, text):
    """A bar a year of one figure; `text` formats its value."""
    result = []
    for year in years:
        value = getattr(figures[year], attribute) if year in figures else None
        result.append(charts.Bar(year_label(year, month_day), value, text(value)))
    return result


def _description(label, bar_list):
    """A chart's description for a screen reader: the branch, then every year's value."""
    values = "; ".join(f"{b.label}: {b.text if b.value is not None else '–'}" for b in bar_list)
    return f"{label}. {values}."


def _follow_on_chart(label, bar_list, goal):
    title = _("Kontakt til andet frivilligt tilbud bagefter, pct.")
    desc = _description(label, bar_list) + " " + _("Målet er %(goal)s %%.", goal=goal)
    svg = charts.bar_chart(
        "chart-follow-on",
        title,
        desc,
        bar_list,
        maximum=100,
        goal=(goal, _("Mål %(goal)s %%", goal=goal)),
        none_text=_("ingen afsluttede"),
    )
    return title, svg


# --- The history upload -------------------------------------------------------------------


def result_message(result):
    """What an upload imported and skipped, in a sentence or two."""
    if not result.inquiries:
        return ngettext(
            "Intet nyt at indlæse: den ene henvendelse var allerede indlæst.",
            "Intet nyt at indlæse: alle %(num)s henvendelser var allerede indlæst.",
            len(result.skipped),
        )
    imported = _(
        "Historikken er indlæst: %(inquiries)s, %(courses)s og %(conversations)s.",
        inquiries=ngettext("%(num)s henvendelse", "%(num)s henvendelser", result.inquiries),
        courses=ngettext("%(num)s forløb", "%(num)s forløb", result.courses),
        conversations=ngettext("%(num)s samtale", "%(num)s samtaler", result.conversations),
    )
    if not result.skipped:
        return imported
    skipped = ngettext(
        "%(num)s henvendelse var allerede indlæst og er sprunget over.",
        "%(num)s henvendelser var allerede indlæst og er sprunget over.",
        len(result.skipped),
    )
    return f"{imported} {skipped}"
