"""The annual report as a PDF: the print version rendered by WeasyPrint.

WeasyPrint is imported when a PDF is asked for (it loads Pango, which takes a moment), and
fetches nothing: the stylesheet is handed to it as text, and every other address in the page
is refused, so a PDF never makes a request to the network or reads a file beyond it."""

import logging
from pathlib import Path

from flask import current_app

# Besides trivsel.css's print rules: the tables have a column a project year, so the page
# lies across, and every page says which of how many it is.
PDF_CSS = """
@page { size: A4 landscape; margin: 12mm 12mm 14mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; }
.report table { font-size: 7.5pt; width: 100%; }
.chart { max-width: 20rem; }
.report th, .report td { padding: 0.1rem 0.2rem; }
.figures tr > :first-child { min-width: 0; max-width: none; width: 14em; }
"""


class PdfUnavailable(Exception):
    """WeasyPrint, or the Pango it needs, is not installed on this server."""


def html_to_pdf(html):
    """The PDF of a page given as HTML (that links no stylesheet of its own); raises
    PdfUnavailable when WeasyPrint cannot be loaded."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango's library is missing
        raise PdfUnavailable(str(error)) from error

    # WeasyPrint warns of every rule of trivsel.css it leaves aside (the screen's layout).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    stylesheet = Path(current_app.static_folder, "trivsel.css").read_text(encoding="utf-8")
    return weasyprint.HTML(string=html, url_fetcher=_refusing_fetcher(weasyprint)).write_pdf(
        stylesheets=[weasyprint.CSS(string=stylesheet), weasyprint.CSS(string=PDF_CSS)]
    )


def _refusing_fetcher(weasyprint):
    """A URL fetcher that fetches nothing (WeasyPrint 68 made fetchers a class)."""
    base = getattr(weasyprint, "URLFetcher", None)
    if base is None:

        def refuse(url, *args, **kwargs):
            raise ValueError(f"not fetched: {url}")

        return refuse

    class Refuse(base):
        def fetch(self, url, headers=None):
            raise ValueError(f"not fetched: {url}")

    return Refuse()
