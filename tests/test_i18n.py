"""The English catalogue is complete and sound, and the interface switches between Danish
(the default) and English.

When a test here fails after new text was added, refresh the catalogue with
`make extract-messages`, translate the new entries in
trivsel/translations/en/LC_MESSAGES/messages.po (no "#, fuzzy" left) and compile with
`make translations`.
"""

import os
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "trivsel" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
EN_MO = EN_PO.with_suffix(".mo")

# Named placeholders (%(name)s) and plain %s / %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?([a-zA-Z])|%([sd])")


def extract_keywords():
    """The -k options of the Makefile's extract-messages target, so the test extracts the
    same way the catalogue is refreshed."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(line for line in makefile.splitlines() if "pybabel" in line and " extract " in line)
    return re.findall(r"-k\s+(\S+)", line)


def read_catalog(path):
    with open(path, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The messages in the source tree now: a fresh extraction into a temporary .pot."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    argv = ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg")]
    for keyword in extract_keywords():
        argv += ["-k", keyword]
    argv += ["-o", str(pot), str(ROOT)]
    CommandLineInterface().run(argv)
    return read_catalog(pot)


@pytest.fixture(scope="module")
def english():
    return read_catalog(EN_PO)


def strings(message):
    """msgstr as a tuple (one item, or one per plural form)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


def sources(message):
    return message.id if isinstance(message.id, tuple) else (message.id,)


def placeholders(text):
    return sorted(
        (name, conversion) if name else ("", positional)
        for name, conversion, positional in PLACEHOLDER.findall(text or "")
    )


def test_extraction_finds_messages(template):
    ids = {message.id for message in template if message.id}
    assert "Log ind" in ids  # a template
    assert "Forkert e-mail eller adgangskode." in ids  # gettext in Python
    assert "Udfyld feltet." in ids  # lazy_gettext in Python
    assert any(isinstance(i, tuple) for i in ids)  # ngettext


def test_every_message_has_an_english_translation(template, english):
    problems = []
    for message in template:
        if not message.id:
            continue
        entry = english.get(message.id, context=message.context)
        label = repr(message.id)
        if entry is None:
            problems.append(f"missing from en/messages.po: {label}")
        elif isinstance(message.id, tuple) != isinstance(entry.id, tuple):
            problems.append(f"singular/plural differs from the source: {label}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label}")
        elif not all(s.strip() for s in strings(entry)):
            problems.append(f"empty msgstr: {label}")
        elif isinstance(entry.id, tuple) and len(strings(entry)) != english.num_plurals:
            problems.append(f"needs {english.num_plurals} plural forms: {label}")
    assert not problems, (
        "Run `make extract-messages` and translate trivsel/translations/en/LC_MESSAGES/"
        "messages.po:\n" + "\n".join(problems)
    )


def test_catalogue_header_is_not_fuzzy(english):
    assert not english.fuzzy


def test_translations_keep_the_placeholders(english):
    problems = []
    for message in english:
        if not message.id or not any(strings(message)):
            continue
        ids = sources(message)
        for form, text in enumerate(strings(message)):
            source = ids[min(form, len(ids) - 1)]
            if placeholders(text) != placeholders(source):
                problems.append(f"{source!r} -> {text!r}")
        # Babel's own checks: placeholder types, number of plural forms.
        for error in message.check(english):
            problems.append(f"{message.id!r}: {error}")
    assert not problems, "Placeholders differ from the msgid:\n" + "\n".join(problems)


def test_placeholder_check_catches_a_difference():
    assert placeholders("Velkommen, %(name)s") == placeholders("Welcome, %(name)s")
    assert placeholders("Velkommen, %(name)s") != placeholders("Welcome, %(navn)s")
    assert placeholders("Højst %(max)d tegn.") != placeholders("At most %(max)s characters.")
    assert placeholders("100 %% sikkert") == placeholders("100 %% sure")


@pytest.fixture(scope="module")
def compiled():
    """The .mo is git-ignored; `make test` compiles it first (target `translations`). Compile it
    here too when it is missing or older than the .po, so the test also runs on its own."""
    if not EN_MO.exists() or EN_MO.stat().st_mtime < EN_PO.stat().st_mtime:
        catalog = read_catalog(EN_PO)
        partial = EN_MO.with_name(f"messages.mo.{os.getpid()}.tmp")
        with open(partial, "wb") as f:
            write_mo(f, catalog)
        os.replace(partial, EN_MO)
    return EN_MO


def html_lang(page):
    match = re.search(r"<html[^>]*\blang=\"([^\"]+)\"", page)
    return match.group(1) if match else None


def test_danish_is_the_default(client):
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html_lang(page) == "da"
    assert "Log ind" in page


def test_english_after_choosing_it(client, compiled, english):
    log_in = english.get("Log ind").string
    assert log_in and log_in != "Log ind"

    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "en"
    assert log_in in page
    assert "Log ind" not in page
    assert english.get("Adgangskode").string in page  # a lazy_gettext form label

    client.post("/language", data={"language": "da", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "da"
    assert "Log ind" in page


def test_an_unknown_language_keeps_danish(client):
    client.post("/language", data={"language": "xx", "next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "da"
    assert "Log ind" in page


def test_a_template_follows_a_change_of_language_inside_the_request(app, compiled, english):
    """The templates keep the request's catalogue once looked up; a message rendered for
    someone who reads English (force_locale) is still English, and the page after it Danish."""
    from flask_babel import force_locale

    text = app.jinja_env.from_string(
        '{{ _("Log ind") }} {{ ngettext("%(num)s uge", "%(num)s uger", 2) }}'
    )
    with app.test_request_context("/"):
        danish = text.render()
        with force_locale("en"):
            in_english = text.render()
        again = text.render()
    assert danish == "Log ind 2 uger"
    assert in_english == f"{english.get('Log ind').string} 2 weeks"
    assert again == danish
