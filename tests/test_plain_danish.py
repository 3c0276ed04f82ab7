"""Plain Danish everywhere a person reads: no page shows a code, a key or a Python value.

The crawl of tests/crawling.py (the rich data of make_everything, then every page as every role
and logged out) reads the text of every page, what a person reads (never an attribute, a
script or a style), and fails on Python values (`True`, `False`, `None`, a list's or a dict's
repr) and on the raw codes of the label lists: every code of trivsel.core.labels and of what
the plugins contribute (branches, organisations, referral forms, consent items), as a whole
word, except a code that is also its own label or a Danish word shown legitimately. What a
person is to type, in <kbd> (the codes of an import file, a plugin's name for the settings),
is not read as text, and neither are addresses and file names."""

import re
import time
from collections import defaultdict

import pytest
from crawling import Crawler, Maker, Payloads, crawl_every_role, make_everything
from flask import current_app

from trivsel.core import labels
from trivsel.core.plugins import get_plugins
from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.courses.models import Course


@pytest.fixture
def plugins_dir():
    return ROOT / "plugins"


# Codes that are also Danish words a page shows legitimately ("en" and "de" are articles, "da"
# a conjunction, "fri", "sat" and "mon" words, "partner", "senior" and "social" Danish too).
DANISH_WORDS = {"da", "de", "en", "fri", "sat", "mon", "partner", "senior", "social", "accept"}
PYTHON_VALUES = re.compile(r"\b(?:True|False|None)\b|\[\s*'|\{\s*'")
# Addresses and file names are data, not codes: koordinator@…, https://…, plugins/…/x.py
ADDRESSES = re.compile(r"\S+@\S+|\bhttps?://\S+|\S*/\S*\.(?:py|html|json|csv|xlsx)\b")


def label_codes():
    """{code: where it comes from} for every code of the label lists and the plugins'."""
    found = defaultdict(set)

    def add(source, mapping):
        for code, label in mapping.items():
            if str(code).lower() != str(label).lower() and code not in DANISH_WORDS:
                found[code].add(source)

    for name, value in vars(labels).items():
        if name.isupper() and isinstance(value, dict):
            add(f"labels.{name}", value)
    plugins = get_plugins()
    add("branches", {key: b.label for key, b in plugins.branches().items()})
    add("organisations", {key: o.name for key, o in plugins.organisations().items()})
    add("referral forms", {key: f.title for key, (_p, f) in plugins.referral_forms().items()})
    add("consent items", plugins.consent_items())
    return dict(found)


class CodeReader:
    """An inspector for the crawler: the text of each page, word by word."""

    def __init__(self, codes, expect=()):
        self.codes = codes
        self.unseen = set(expect)  # texts some page must show, so the crawl cannot miss them
        words = sorted(codes, key=len, reverse=True)
        self.code = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
        self.found = defaultdict(set)  # (what, text): {(role, url)}
        self.pages = 0
        self.seconds = 0.0  # spent reading

    def __call__(self, role, url, page):
        started = time.perf_counter()
        self.pages += 1
        self.read(role, url, page.texts)
        self.seconds += time.perf_counter() - started

    def read(self, role, url, texts):
        for text in texts:
            text = " ".join(text.split())
            self.unseen -= {expected for expected in self.unseen if expected in text}
            for match in PYTHON_VALUES.finditer(text):
                self.found[(f"Python value {match.group(0)!r}", text[:120])].add((role, url))
            for match in self.code.finditer(ADDRESSES.sub(" ", text)):
                code = match.group(1)
                what = f"code {code!r} ({', '.join(sorted(self.codes[code]))})"
                self.found[(what, text[:120])].add((role, url))


def more_codes(kit, crawler, courses):
    """Facts the rich data leaves out, each a code list shown somewhere: what the match needs,
    a consent, the volunteer's areas."""
    kit.as_("coordinator")
    crawler.role = "setup as coordinator"
    course = courses[1]  # waiting for a match
    crawler.post(
        f"/courses/{course}/match-facts",
        {
            "needs": ["grief", "loneliness"],
            "available_days": ["mon", "wed"],
            "available_times": ["morning"],
            "by_phone": "y",
            "language": "en",
            "postcode": "7000",
            "version": Course.get_by_id(course).version,
        },
    )
    for course, item, source in (
        (courses[0], "who5", "phone"),
        (courses[2], "share_contact", "written"),
    ):
        crawler.post(
            f"/courses/{course}/consents",
            {
                "item": item,
                "recorded_on": str(Course.get_by_id(course).received_on),
                "source": source,
            },
        )
    kit.as_("volunteer")
    crawler.role = "setup as volunteer"
    crawler.post(
        "/me/profile",
        {
            "capacity": "5",
            "interests": ["grief", "digital_skills"],
            "avoids": ["authorities"],
            "available_days": ["tue", "thu"],
            "available_times": ["afternoon", "evening"],
            "languages": ["en", "de"],
        },
    )


def test_no_page_shows_a_code_or_a_python_value(app, client, auth, kit, runner, tmp_path):
    started = time.monotonic()
    with app.test_request_context():
        codes = label_codes()
        assert {"matching", "grief", "main", "youth", "who5", "rehabilitation"} <= set(codes)
        assert current_app.config["BABEL_DEFAULT_LOCALE"] == "da"
    # The subject access page of the course given match facts, and a plugin's branch by name.
    reader = CodeReader(
        codes, expect=("Sorg og ensomhed", "Mandag og onsdag", "TrivselsPiloter Brobygning")
    )
    payloads = Payloads()
    crawler = Crawler(client, payloads, inspectors=[reader])
    courses = make_everything(Maker(kit, crawler, payloads), runner, tmp_path)
    more_codes(kit, crawler, courses)
    counts, _left = crawl_every_role(app, kit, auth, crawler)
    print(
        f"\n{reader.pages} pages crawled in {time.monotonic() - started:.1f} s (reading them "
        f"{reader.seconds:.1f} s), "
        f"{len(codes)} codes; pages by role: {counts}"
    )
    assert reader.pages > 500 and all(counts.values()), counts
    assert not reader.unseen, f"no page showed {sorted(reader.unseen)}"
    found = sorted(reader.found.items())
    assert not found, "code or Python value in the text of a page:\n" + "\n".join(
        f"  {what} in {text!r}, e.g. as {sorted(places)[0][0]} at {sorted(places)[0][1]}"
        f" ({len(places)} pages)"
        for (what, text), places in found
    )


def test_the_reader_finds_codes_and_python_values_in_text_only(app):
    from crawling import Page

    with app.test_request_context():
        reader = CodeReader(label_codes())
    page = Page()
    page.feed(
        "<p title=\"matching\">Status: matching</p><p>Behov: ['grief']</p><dd>False</dd>"
        "<p>Ring en dag, de kan</p><p>anne.volunteer@trivsel.example</p>"
        '<p><kbd>main</kbd>, <a href="/x?stage=active">Aktiv</a></p>'
        "<script>let stage = 'new'; x = None</script><style>.main { }</style>"
    )
    reader(page=page, role="test", url="/")
    assert {what for what, _text in reader.found} == {
        "Python value 'False'",
        'Python value "[\'"',
        "code 'grief' (labels.INTEREST_AREAS)",
        "code 'matching' (labels.INTAKE_OUTCOMES, labels.QUEUES, labels.STAGES)",
    }


# --- The subject access page and its download, in Danish -------------------------------------


def a_course_in_codes(users):
    """A course whose facts are all codes, lists of codes, dates and yes/no."""
    from datetime import date, datetime

    from trivsel.courses.models import Citizen, CourseEvent
    from trivsel.privacy.models import AccessLog, Consent

    citizen = Citizen.create(name="Ulla Sørensen", phone="75 55 66 77")
    course = Course.create(
        citizen=citizen,
        branch="youth",
        stage="matching",
        received_on=date(2026, 11, 26),
        channel="referral",
        initiated_by="professional",
        target_group="young_adult",
        first_contact_working_days=1,
        needs=["loneliness", "grief"],
        available_days=["mon", "wed"],
        available_times=["morning"],
        by_phone=True,
        language="en",
        needs_more_support=False,
        who5_intake=40,
    )
    CourseEvent.create(
        course=course, at=datetime(2026, 11, 26, 10, 30), action="inquiry", stage="new"
    )
    Consent.create(
        course=course,
        item="contact_referrer",
        recorded_on=date(2026, 11, 26),
        source="referral:youth_bridge",
    )
    AccessLog.create(
        course=course, user=users["volunteer"], action="view", endpoint="volunteer.home"
    )
    return course.id


def test_the_subject_access_page_speaks_danish(app, kit, users):
    course_id = a_course_in_codes(users)
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{course_id}/privacy").get_data(as_text=True)
    for field, value in (
        ("Del af ordningen", "TrivselsPiloter Brobygning"),
        ("Status", "Venter på match"),
        ("Modtaget", "26. nov. 2026"),
        ("Kanal", "Henvisning"),
        ("Initiativ", "Fagprofessionel"),
        ("Målgruppe", "Ung voksen"),
        ("Tid til første kontakt", "1 arbejdsdag"),
        ("Behov", "Sorg og ensomhed"),
        ("Dage borgeren kan", "Mandag og onsdag"),
        ("Tider borgeren kan", "Formiddag"),
        ("Forløbet foregår i telefonen", "Ja"),
        ("Sprog", "Engelsk"),
        ("Brug for mere støtte", "Nej"),
        ("WHO-5 ved startsamtalen", "40 af 100"),
    ):
        assert f"<dt>{field}</dt><dd>{value}</dd>" in page, (field, value)
    assert "<td>26. nov. 2026, 10.30</td><td>Henvendelse modtaget</td>" in page
    assert "Ordningen må kontakte henviseren om borgeren</strong>:" in page
    assert "givet 26. nov. 2026, Henvisning" in page
    assert "<td>Så personoplysninger</td><td>Den frivilliges forside</td>" in page
    assert "<code>" not in page
    for text in ("youth", "matching", "grief", "True", "False", "None", "['", "volunteer.home"):
        assert f">{text}<" not in page and f" {text} " not in page, text


def test_the_subject_access_download_keeps_the_values_beside_the_danish(app, kit, users):
    course_id = a_course_in_codes(users)
    kit.as_("coordinator")
    data = kit.client.get(f"/courses/{course_id}/privacy.json").get_json()
    facts = data["facts"]
    assert facts["branch"] == {
        "felt": "Del af ordningen",
        "værdi": "TrivselsPiloter Brobygning",
        "kode": "youth",
    }
    assert facts["stage"] == {"felt": "Status", "værdi": "Venter på match", "kode": "matching"}
    assert facts["needs"] == {
        "felt": "Behov",
        "værdi": "Sorg og ensomhed",
        "kode": ["grief", "loneliness"],
    }
    assert facts["received_on"] == {
        "felt": "Modtaget",
        "værdi": "26. nov. 2026",
        "kode": "2026-11-26",
    }
    assert facts["by_phone"] == {
        "felt": "Forløbet foregår i telefonen",
        "værdi": "Ja",
        "kode": True,
    }
    assert facts["needs_more_support"]["værdi"] == "Nej"
    assert facts["needs_more_support"]["kode"] is False
    assert facts["ended_on"] == {"felt": "Sluttede", "værdi": "Ikke registreret", "kode": None}
    assert data["course"] == {"felt": "Forløb", "værdi": f"#{course_id}", "kode": course_id}
    assert data["sections"]["facts"] == "Forløbets oplysninger (statistik)"
    assert data["timeline"][0]["at"] == {
        "felt": "Hvornår",
        "værdi": "26. nov. 2026, 10.30",
        "kode": "2026-11-26T10:30:00",
    }
    assert data["consents"][0]["source"]["kode"] == "referral:youth_bridge"
    assert data["consents"][0]["source"]["værdi"] == "Henvisning"
    views = [e for e in data["access_log"] if e["endpoint"]["kode"] == "volunteer.home"]
    assert views[0]["endpoint"]["værdi"] == "Den frivilliges forside"
    # Every value reads in Danish: no code or Python value in any "værdi".
    with app.test_request_context():
        reader = CodeReader(label_codes())

    def values(node):
        if isinstance(node, dict) and "værdi" in node:
            yield node["værdi"]
        elif isinstance(node, dict):
            for child in node.values():
                yield from values(child)
        elif isinstance(node, list):
            for child in node:
                yield from values(child)

    texts = list(values(data))
    assert len(texts) > 50
    reader.read("coordinator", "privacy.json", texts)
    assert not reader.found, sorted(reader.found)
