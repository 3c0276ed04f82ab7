"""Bar charts drawn on the server as accessible inline SVG: no JavaScript, readable in print."""

from dataclasses import dataclass
from math import ceil, log10

from markupsafe import Markup, escape

WIDTH = 360  # small, so the text stays large when a phone shrinks the chart
LABEL_WIDTH = 72  # the year labels on the left
VALUE_ROOM = 60  # room right of the longest bar for its value
ROW = 30
BAR = 20
FONT = 15
BAR_COLOUR = "#0b5394"  # the accent colour: 7.9:1 against white
INK = "#1b1f24"
MUTED = "#4a5560"
GOAL_COLOUR = "#8a3b00"


@dataclass(frozen=True)
class Bar:
    label: str  # the project year, as shown
    value: float | None  # None: no figure this year
    text: str  # the value as shown, formatted for the reader's language


def nice_ceiling(value):
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return ceil(value)


def _text(value):
    """Text for the SVG, escaped: as a string first, so that a lazy_gettext string (which
    calls itself HTML) holding a name is escaped too."""
    return escape(str(value))


def _fmt(number):
    return f"{number:.1f}".rstrip("0").rstrip(".")


def bar_chart(chart_id, title, description, bars, maximum=None, goal=None, none_text="–"):
    """An SVG bar chart.

    Bars run horizontally, one row a project year, so the labels never collide however many
    years there are, and the chart stays legible when a phone shrinks it. Every bar carries its
    value as text, and <title>/<desc> say the same in words for a screen reader.

    :param chart_id: unique within the page; the title and description ids derive from it.
    :param bars: a list of Bar, oldest year first.
    :param maximum: the value of a full-width bar (default: a round number above the largest).
    :param goal: optional (value, text): a dashed line at value, labelled with text.
    :param none_text: what a year without a figure shows instead of a bar.
    """
    values = [b.value for b in bars if b.value is not None]
    top = maximum or nice_ceiling(max(values + [goal[0] if goal else 0, 0]))
    plot = WIDTH - LABEL_WIDTH - VALUE_ROOM
    head = 24 if goal else 6
    height = head + ROW * max(len(bars), 1) + 6

    def x(value):
        return LABEL_WIDTH + plot * min(value, top) / top

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-size="{FONT}" font-family="system-ui, sans-serif">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        middle = head + ROW * i + ROW / 2
        parts.extend(_bar_row(bar, middle, None if bar.value is None else x(bar.value), none_text))
    bottom = head + ROW * max(len(bars), 1)
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{head - 2}" x2="{LABEL_WIDTH}" y2="{bottom + 2}"'
        f' stroke="{INK}" stroke-width="1.5"/>'
    )
    if goal:
        parts.extend(_goal_line(_fmt(x(goal[0])), goal[1], head, bottom))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_row(bar, middle, end, none_text):
    """One year's row: its label, then its bar ending at x `end` and its value, or none_text
    where the year has no figure (`end` None)."""
    parts = [
        f'<text x="{LABEL_WIDTH - 8}" y="{_fmt(middle)}" dy="0.35em" text-anchor="end"'
        f' fill="{INK}">{_text(bar.label)}</text>'
    ]
    if end is None:
        parts.append(
            f'<text x="{LABEL_WIDTH + 6}" y="{_fmt(middle)}" dy="0.35em"'
            f' fill="{MUTED}">{_text(none_text)}</text>'
        )
        return parts
    width = end - LABEL_WIDTH
    parts.append(
        f'<rect x="{LABEL_WIDTH}" y="{_fmt(middle - BAR / 2)}" width="{_fmt(width)}"'
        f' height="{BAR}" fill="{BAR_COLOUR}"/>'
    )
    parts.append(
        f'<text x="{_fmt(LABEL_WIDTH + width + 6)}" y="{_fmt(middle)}" dy="0.35em"'
        f' fill="{INK}" font-weight="600">{_text(bar.text)}</text>'
    )
    return parts


def _goal_line(gx, text, head, bottom):
    """The goal's dashed line at x `gx`, labelled above the bars."""
    return [
        f'<line x1="{gx}" y1="{head - 4}" x2="{gx}" y2="{bottom + 2}" stroke="{GOAL_COLOUR}"'
        f' stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{gx}" y="{head - 8}" text-anchor="middle" fill="{GOAL_COLOUR}"'
        f' font-weight="600">{_text(text)}</text>',
    ]
