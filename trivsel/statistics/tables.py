"""The report's tables as the page renders them, read back into rows and typed cells.

The downloads (XLSX, both CSV files) and the PDF are built from the tables of
templates/statistics/_report.html, not from a list of their own: a table added to the page
is in every download too, with the page's words and the page's numbers, rounded as shown.

What is read: every <table id=...> of the rendered report; its title (the element its
aria-labelledby names) and its section's <h2>; its columns (<thead> cells, a project year
carrying <time datetime>); and its rows (a <th> label and <td> cells, the row's key from
data-key; a row of one <th colspan> heads a group of rows). A cell's text is read as the
page shows it: a number in the reader's language ("1.234", "2,5", "+1,5", "75 %"), "–" for
none, anything else stays text."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

NONE_TEXT = ("–", "—", "-", "")  # what the page shows for no figure
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

INTEGER = "integer"
DECIMAL = "decimal"
PERCENT = "percent"
SIGNED = "signed"
TEXT = "text"
EMPTY = "empty"


@dataclass(frozen=True)
class Cell:
    text: str  # as the page shows it
    kind: str  # INTEGER, DECIMAL, PERCENT (value in percent, 75 for 75 %), SIGNED, TEXT, EMPTY
    value: object = None  # int or float for a number, the text for TEXT, None for EMPTY
    decimals: int = 0


@dataclass(frozen=True)
class Column:
    key: str  # the project year's first day (ISO), the cell's data-key, or its position
    label: str
    start: date | None = None  # a project year's first day


@dataclass
class Row:
    key: str
    label: str
    cells: list = field(default_factory=list)
    group: str | None = None  # the group heading the row stands under


@dataclass
class Table:
    key: str  # the table's id on the page
    title: str
    section: str
    corner: str = ""  # the heading of the label column
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)

    @property
    def heading(self):
        """The title with its section where that says more: "Nøgletal – Brobygning"."""
        if not self.section or self.section == self.title:
            return self.title
        return f"{self.section} – {self.title}"

    @property
    def by_year(self):
        """Whether the columns are project years."""
        return bool(self.columns) and all(c.start for c in self.columns)


# --- Reading the rendered report ----------------------------------------------------------


def report_tables(report, context):
    """The tables of the rendered report; `context` is presentation.report_context."""
    html = render_template("statistics/_report.html", report=report, **context)
    return read_tables(html, str(get_locale() or "da"))


def read_tables(html, locale="da"):
    parser = _Reader()
    parser.feed(html)
    parser.close()
    parse = NumberReader(locale)
    tables = []
    for raw in parser.tables:
        table = Table(
            key=raw["id"],
            title=parser.text_of.get(raw["labelledby"], "") or raw["id"],
            section=raw["section"],
        )
        head = raw["head"]
        if head:
            table.corner = head[0]["text"]
            for i, cell in enumerate(head[1:], start=1):
                start = date.fromisoformat(cell["datetime"][:10]) if cell["datetime"] else None
                key = start.isoformat() if start else (cell["key"] or str(i))
                table.columns.append(Column(key, cell["text"], start))
        group = None
        position = 0
        for row in raw["rows"]:
            if row["group"] is not None:
                group = row["group"]
                continue
            position += 1
            table.rows.append(
                Row(
                    key=row["key"] or str(position),
                    label=row["label"],
                    cells=[parse(text) for text in row["cells"]],
                    group=group,
                )
            )
        tables.append(table)
    return tables


class _Reader(HTMLParser):
    """Collects the tables, the text of every element with an id (for aria-labelledby), and
    each <section>'s <h2>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables = []
        self.text_of = {}
        self._open_ids = []  # [(tag, id, [text])] of elements with an id still open
        self._section = ""
        self._in_h2 = None
        self._table = self._row = self._cell = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = ""
        elif tag == "h2":
            self._in_h2 = []
        if attrs.get("id") and tag != "table" and tag not in VOID:
            self._open_ids.append((tag, attrs["id"], []))
        if tag == "table" and attrs.get("id"):
            self._table = {
                "id": attrs["id"],
                "labelledby": (attrs.get("aria-labelledby") or "").split(" ")[0],
                "section": self._section,
                "head": [],
                "rows": [],
            }
            self.tables.append(self._table)
        if self._table is None:
            return
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row = {"key": attrs.get("data-key"), "label": None, "cells": [], "group": None}
            self._table["rows"].append(self._row)
        elif tag in ("th", "td"):
            self._cell = {
                "tag": tag,
                "text": [],
                "key": attrs.get("data-key"),
                "datetime": None,
                "colspan": int(attrs.get("colspan") or 1),
            }
        elif tag == "time" and self._cell is not None:
            self._cell["datetime"] = attrs.get("datetime")

    def handle_data(self, data):
        for _tag, _id, text in self._open_ids:
            text.append(data)
        if self._in_h2 is not None:
            self._in_h2.append(data)
        if self._cell is not None:
            self._cell["text"].append(data)

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][0] == tag:
            _tag, element_id, text = self._open_ids.pop()
            self.text_of[element_id] = _clean("".join(text))
        if tag == "h2" and self._in_h2 is not None:
            self._section = _clean("".join(self._in_h2))
            self._in_h2 = None
        if self._table is None:
            return
        if tag in ("th", "td") and self._cell is not None:
            self._end_cell()
        elif tag == "thead":
            self._in_head = False
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None

    def _end_cell(self):
        cell, self._cell = self._cell, None
        cell["text"] = _clean("".join(cell["text"]))
        if self._in_head:
            self._table["head"].append(cell)
        elif self._row is None:
            return
        elif cell["tag"] == "th" and self._row["label"] is None:
            self._row["label"] = cell["text"]
            if cell["colspan"] > 1:
                self._row["group"] = cell["text"]
        else:
            self._row["cells"].append(cell["text"])


def _clean(text):
    return " ".join(text.split())


class NumberReader:
    """A cell's text, as the page formats it in `locale`, read back into a typed Cell."""

    def __init__(self, locale):
        group = re.escape(get_group_symbol(locale))
        decimal = re.escape(get_decimal_symbol(locale))
        minus = re.escape(get_minus_sign_symbol(locale))
        self.decimal = get_decimal_symbol(locale)
        self.pattern = re.compile(
            rf"(?P<sign>[+\-−{minus}])?"
            rf"(?P<whole>\d{{1,3}}(?:{group}\d{{3}})+|\d+)"
            rf"(?:{decimal}(?P<fraction>\d+))?"
            r"(?P<percent>\s?%)?"
        )
        self.group = get_group_symbol(locale)

    def __call__(self, text):
        if text in NONE_TEXT:
            return Cell(text, EMPTY)
        match = self.pattern.fullmatch(text.replace("\u00a0", " ").replace("\u202f", " "))
        if not match:
            return Cell(text, TEXT, text)
        whole = match["whole"].replace(self.group, "")
        fraction = match["fraction"] or ""
        negative = match["sign"] not in (None, "+")
        number = float(f"{whole}.{fraction}") if fraction else int(whole)
        if negative:
            number = -number
        if match["percent"]:
            kind = PERCENT
        elif match["sign"] == "+" or (negative and fraction):
            kind = SIGNED
        else:
            kind = DECIMAL if fraction else INTEGER
        return Cell(text, kind, number, len(fraction))


# --- Around the tables --------------------------------------------------------------------


def period(report):
    """(first day, last day) the shown years cover: up to today in a year not yet over."""
    years = report.shown_years
    if not years:
        return None
    last = years[-1].replace(year=years[-1].year + 1) - timedelta(days=1)
    return years[0], min(last, max(date.today(), years[0]))


def period_text(report):
    """The period in words: "1. september 2012 – 30. november 2026"."""
    span = period(report)
    if span is None:
        return ""
    locale = get_locale()
    return " – ".join(format_date(day, "d. MMMM y", locale=locale) for day in span)


def title_text(centre, report):
    """The title line of a download: the centre, the report and its period."""
    parts = [centre, _("Årsstatistik"), period_text(report)]
    return " · ".join(str(p) for p in parts if p)
