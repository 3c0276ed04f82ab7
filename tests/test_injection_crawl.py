"""Stored HTML injection: a distinct payload in every free-text field a user can fill (and in
the imported directory and history), then every page as every role.

The data is made through the app's own forms where there is one (the HSDS import through its
command), and every response on the way is checked, with the page a form redirects to (its
flash message). The crawl then starts at each role's home, at every GET route of the URL map
with the ids of the rows made substituted, and at the links of the outbox's messages (tokens
no route can be given), and follows same-site links: href, hx-get, the GET forms (a payload
in each text box) and, once per page, its query arguments set to payloads. A page that varies
on HX-Request is fetched as an htmx fragment too. Downloads (CSV, XLSX, JSON, .ics) are
skipped. (The crawler and the data are in tests/crawling.py, shared with other crawls.)

It fails on any page that carries a payload as markup, naming the field, the role and the
page, and on a payload that was never seen escaped (so it cannot pass because the data never
showed); each role must see its own name and data only its pages show. New pages are found
through the URL map and the links, never from a list here; a new free-text field needs a line
in make_everything (tests/crawling.py)."""

import re
import time
from collections import defaultdict

import pytest
from crawling import (
    ESCAPED,
    RAW,
    Crawler,
    Maker,
    Payloads,
    crawl_every_role,
    make_everything,
)
from markupsafe import escape

from trivsel.core.resources import CHECKOUT as ROOT


@pytest.fixture
def plugins_dir():
    return ROOT / "plugins"


# --- The crawl ---------------------------------------------------------------------------

# What each role's own pages must show, so that a crawl that ran logged out (a broken login)
# or missed a role's pages cannot pass: the role's own name (in the page head) and some of the
# data only that role's pages show.
SEEN_BY_ROLE = {
    "coordinator": ("user name (coordinator)", "citizen name (inquiry)", "proposal decline reason"),
    "volunteer": (
        "user name (volunteer)",
        "citizen name (inquiry)",
        "citizen phone (inquiry)",
        "citizen goals (proposed)",
        "theme day title",
        "volunteer profile background",
    ),
    "partner": ("user name (partner)", "story body", "offer name"),
    "association": ("user name (association)", "offer name (association partner)"),
    "admin": ("user name (admin)", "user name (applicant registered by the coordinator)"),
}


def test_no_page_shows_user_data_as_markup(app, client, auth, kit, runner, tmp_path):
    started = time.monotonic()
    payloads = Payloads()
    crawler = Crawler(client, payloads)
    courses = make_everything(Maker(kit, crawler, payloads), runner, tmp_path)
    made = time.monotonic()
    # The known case: the propose select names a volunteer who cannot be proposed in a
    # formatted message; it is text, escaped like the rest.
    kit.as_("coordinator")
    page = client.get(f"/courses/{courses[1]}").get_data(as_text=True)
    applicant = escape(payloads("user name (applicant registered by the coordinator)"))
    assert re.search(rf"<option [^>]*>{re.escape(applicant)} \(kan ikke foreslås\)</option>", page)
    counts, left = crawl_every_role(app, kit, auth, crawler)
    took = time.monotonic() - started
    reflected = [key for key, (_f, shown) in payloads.fields.items() if shown is None]
    print(
        f"\n{crawler.pages} pages crawled in {took:.1f} s ({made - started:.1f} s making the "
        f"data), {len(payloads.fields)} payloads ({len(reflected)} in query strings, "
        f"{sum(1 for key in reflected if crawler.seen[key])} of them shown), pages by role: "
        f"{counts}; routes left to the links: {left}"
    )

    holes = sorted({(payloads.name(key), role, url) for key, role, url in crawler.holes})
    assert not holes, "user data shown as markup:\n" + "\n".join(
        f"  {field!r} as {role} at {url}" for field, role, url in holes
    )
    roles = defaultdict(set)
    for key, places in crawler.seen.items():
        roles[payloads.name(key)].update(role for role, _url in places)
    unseen = [
        field
        for field, shown in payloads.fields.values()
        if (shown == "stored" and not roles[field] & set(counts))
        or (shown == "reflected" and not roles[field])
    ]
    assert not unseen, f"never shown (escaped or not), so not checked: {unseen}"
    missed = {
        role: [field for field in fields if role not in roles[field]]
        for role, fields in SEEN_BY_ROLE.items()
    }
    assert not any(missed.values()), f"not shown to the role that should see it: {missed}"


# --- Markup made in Python ---------------------------------------------------------------

NAME = Payloads._payload("f00")


def test_a_plugin_slot_is_markup_only_when_it_says_so(app):
    """A slot's text is escaped, a lazy_gettext string's too (it calls itself HTML, but a
    name formatted into it is whatever was typed); Markup is the plugin's own, as it is."""
    from flask_babel import lazy_gettext
    from markupsafe import Markup

    from trivsel.api import hookimpl
    from trivsel.core.plugins import Plugins

    class Slot:
        def __init__(self, result):
            self.result = result

        @hookimpl
        def trivsel_template_slot(self, slot, context):
            return self.result

    plugins = Plugins()
    plugins.register(Slot(lazy_gettext("Henvist af %(name)s", name=NAME)), "lazy", "test")
    plugins.register(Slot(NAME), "text", "test")
    plugins.register(Slot(Markup("<b>{}</b>").format(NAME)), "markup", "test")
    with app.test_request_context():
        html = str(plugins.template_slot("course_facts", {}))
    assert not RAW.search(html), html
    assert len(ESCAPED.findall(html)) == 3
    assert "<b>" in html


def test_chart_text_is_escaped_even_when_lazy(app):
    from flask_babel import lazy_gettext

    from trivsel.statistics.charts import Bar, bar_chart

    with app.test_request_context():
        label = lazy_gettext("%(name)s", name=NAME)
        svg = str(
            bar_chart(
                "chart",
                label,
                label,
                [Bar(label, 3, label), Bar(label, None, label)],
                goal=(2, label),
                none_text=label,
            )
        )
    assert not RAW.search(svg), svg
    assert len(ESCAPED.findall(svg)) == 7  # title, description, 2 labels, value, none, goal
