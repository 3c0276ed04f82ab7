"""The crawl of every page as every role, and the rich data it crawls, shared by the tests that
look at every page (tests/test_injection_crawl.py: user data never shown as markup;
tests/test_plain_danish.py: no code or Python value in the text a person reads).

The data is made through the app's own forms where there is one (the HSDS import through its
command), with a distinct payload in every free-text field (see `make_everything`), and every
response on the way is checked. The crawl starts at each role's home, at every GET route of
the URL map with the ids of the rows made substituted, and at the links of the outbox's
messages, and follows same-site links: href, hx-get, the GET forms (a payload in each text box)
and, once per page, its query arguments set to payloads. A page that varies on HX-Request is
fetched as an htmx fragment too. Downloads (CSV, XLSX, JSON, .ics) are skipped. Every HTML
page but a redirect is also given to the crawler's `inspectors` (callables taking role, url and
the parsed page), so another test can look at every page the same crawl reaches."""

import csv
import io
import json
import re
from collections import defaultdict, deque
from datetime import date, timedelta
from html.parser import HTMLParser
from itertools import islice, product
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from uuid import uuid4

from conftest import PASSWORD
from flowkit import PATH_TO, days_ago
from werkzeug.routing import IntegerConverter

from trivsel.core.db import BaseModel
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Course, Proposal
from trivsel.directory.models import Offer
from trivsel.notifications.models import OutboxMessage
from trivsel.supervision.models import SupervisionMeeting, ThemeDay

RAW = re.compile(r"<i\b[^>]*?data-inj=[\"']?(f\d+)")
ESCAPED = re.compile(r"&lt;i\s*data-inj=(?:&#34;|&quot;|\")?(f\d+)")
SKIPPED_PATHS = ("/logout", "/static/")
HTML = "text/html"
REDIRECTS = (301, 302, 303, 307, 308)
MAX_VARIANTS = 6  # query strings followed per path (pagers, filters)
MAX_IDS = 40  # ids of one model substituted into a route
TEXT_INPUTS = {"text", "search", "email", "tel", "url", ""}


class Payloads:
    """One payload per field, keyed f01, f02, ...: short enough for a 30-character field."""

    def __init__(self):
        self.fields = {}  # key: (what was filled in, where it must show)
        self._keys = {}

    def __call__(self, field, shown="stored"):
        """`shown`: "stored" (must show on a crawled page), "reflected" (must show in the
        response to what was sent) or None (kept, never shown on a page)."""
        if field in self._keys:
            return self._payload(self._keys[field])
        key = f"f{len(self.fields) + 1:02d}"
        self.fields[key] = (field, shown)
        self._keys[field] = key
        return self._payload(key)

    @staticmethod
    def _payload(key):
        return f'"\'><i data-inj="{key}">x</i>'

    def name(self, key):
        return self.fields.get(key, (f"unknown payload {key}",))[0]


class Page(HTMLParser):
    """The links of a page, its GET forms, any element a payload made, and its text: what a
    person reads (the text between the tags, never an attribute, a script or a style). What a
    person is to type, in <kbd> (the codes an import file holds), is kept apart in `typed`."""

    UNREAD = ("script", "style")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []  # (url, as htmx)
        self.forms = []
        self.injected = []
        self.texts = []  # the page's text nodes, in order
        self.typed = []
        self._form = None
        self._select = None
        self._unread = None  # the script or style element the parser is in
        self._kbd = 0

    def handle_data(self, data):
        if self._unread is None and data.strip():
            (self.typed if self._kbd else self.texts).append(data)

    def handle_starttag(self, tag, attrs):
        if tag in self.UNREAD:
            self._unread = tag
        elif tag == "kbd":
            self._kbd += 1
        a = {name: value or "" for name, value in attrs}
        if "data-inj" in a:  # an element (or an attribute) a payload made
            key = re.search(r"f\d+", a["data-inj"])
            self.injected.append(key.group(0) if key else a["data-inj"])
        if a.get("href"):
            self.links.append((a["href"], False))
        if a.get("hx-get"):
            self.links.append((a["hx-get"], True))
        if tag == "form":
            posts = any(k in a for k in ("hx-post", "hx-put", "hx-patch", "hx-delete"))
            if (a.get("method") or "get").lower() == "get" and not posts:
                self._form = {"action": a.get("hx-get") or a.get("action") or "", "fields": []}
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "").lower()
            if kind in TEXT_INPUTS:
                fields.append(("text", a["name"], a.get("value", "")))
            elif kind == "hidden" or (kind in ("checkbox", "radio") and "checked" in a):
                fields.append(("fixed", a["name"], a.get("value", "on")))
        elif tag == "textarea" and a.get("name"):
            fields.append(("text", a["name"], ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]  # name, first, selected
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value

    def handle_endtag(self, tag):
        if tag == self._unread:
            self._unread = None
        elif tag == "kbd" and self._kbd:
            self._kbd -= 1
        if tag == "select" and self._select is not None:
            if self._form is not None:
                name, first, selected = self._select
                self._form["fields"].append(("fixed", name, selected or first or ""))
            self._select = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _errors(response):
    """The messages of a form page that refused what was sent."""
    text = response.get_data(as_text=True)
    return re.findall(r'class="(?:error|alert)"[^>]*>(.*?)</', text) or text[:2000]


def _snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _models():
    found, stack = [], [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def ids_for(argument):
    """The ids to put into a route's `<int:..._id>`: of the model the name says (course_id:
    Course, meeting_id: SupervisionMeeting, ...), or a few small numbers."""
    base = argument.removesuffix("_id")
    models = _models()
    exact = [m for m in models if _snake(m.__name__) == base]
    matches = exact or [m for m in models if _snake(m.__name__).endswith("_" + base)]
    ids = set()
    for model in matches:
        if model.table_exists():
            ids.update(row.id for row in model.select(model.id).order_by(model.id).limit(MAX_IDS))
    return sorted(ids) or [1, 2]


def route_urls(app):
    """Every GET route of the URL map, with ids substituted; routes with other (text)
    arguments are left to the links."""
    adapter = app.url_map.bind("localhost")
    urls, left = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        converters = rule._converters
        if not all(isinstance(conv, IntegerConverter) for conv in converters.values()):
            left.append(rule.rule)
            continue
        names = sorted(converters)
        choices = [ids_for(name) for name in names]
        for values in islice(product(*choices), 200):
            urls.append(adapter.build(rule.endpoint, dict(zip(names, values, strict=True))))
    return urls, left


def message_links(app):
    """The pages the outbox's messages point to (an invitation, a new password: addresses
    with a token no route can be given)."""
    base = (app.config.get("BASE_URL") or "").rstrip("/")
    found = re.compile(re.escape(base) + r"(/[^\s\"'<>]*)")
    links = set()
    for (body,) in OutboxMessage.select(OutboxMessage.body).tuples():
        links.update(found.findall(body or ""))
    return sorted(links)


class Crawler:
    def __init__(self, client, payloads, inspectors=()):
        self.client = client
        self.payloads = payloads
        self.inspectors = list(inspectors)  # each called with (role, url, page) per HTML page
        self.role = "setup"
        self.holes = []  # (key, role, url)
        self.seen = defaultdict(set)  # key: {(role, url)} where it showed escaped
        self.pages = 0

    def check(self, response, url):
        """Record the payloads an HTML response shows, as markup (a hole) or escaped; returns
        the parsed page, or None for anything but HTML (downloads)."""
        if response.mimetype != HTML:
            return None
        body = response.get_data(as_text=True)
        where = (self.role, url)
        page = Page()
        page.feed(body)
        page.close()
        raw = set(RAW.findall(body)) | set(page.injected)
        for key in sorted(raw):
            self.holes.append((key, self.role, url))
        for key in ESCAPED.findall(body):
            self.seen[key].add(where)
        if response.status_code not in REDIRECTS:  # a redirect's body is read by no one
            for inspect in self.inspectors:
                inspect(self.role, url, page)
        return page

    def post(self, url, data, expect=(303,), **kwargs):
        """Send a form, and open the page it redirects to, as a browser would (that page
        shows the flash message, which may name what was sent)."""
        response = self.client.post(url, data=data, **kwargs)
        self.check(response, f"POST {url}")
        assert response.status_code in expect, (url, response.status_code, _errors(response))
        if response.status_code in REDIRECTS:
            after = urljoin(url, response.headers["Location"])
            self.check(self.client.get(after), f"{after} (after POST {url})")
        return response

    def crawl(self, role, seeds):
        """Breadth first from `seeds` over the same-site links the pages give. A page with a
        query string is also asked for with a payload in each of its arguments."""
        self.role = role
        queue = deque((url, False, False) for url in seeds)
        visited, variants, fuzzed = set(), defaultdict(set), set()
        while queue:
            url, partial, forced = queue.popleft()
            split = urlsplit(url)
            if split.netloc not in ("", "localhost") or split.scheme not in ("", "http"):
                continue
            path = split.path or "/"
            if path.startswith(SKIPPED_PATHS):
                continue
            arguments = sorted(parse_qsl(split.query, keep_blank_values=True))
            query = urlencode(arguments)
            if query and query not in variants[path] and not forced:
                if len(variants[path]) >= MAX_VARIANTS:
                    continue
                variants[path].add(query)
            url = urlunsplit(("", "", path, query, ""))
            if (url, partial) in visited:
                continue
            visited.add((url, partial))
            headers = {"HX-Request": "true"} if partial else {}
            response = self.client.get(url, headers=headers)
            self.pages += 1
            if response.status_code in REDIRECTS:
                queue.append((urljoin(url, response.headers["Location"]), False, False))
                continue
            page = self.check(response, url + (" (htmx)" if partial else ""))
            if page is None or response.status_code >= 400:
                continue
            if not partial and "HX-Request" in response.vary:
                queue.append((url, True, forced))
            names = tuple(sorted({name for name, _value in arguments}))
            if names and (path, names) not in fuzzed:
                fuzzed.add((path, names))
                values = [(name, self._reflected(path, name)) for name in names]
                queue.append((f"{path}?{urlencode(values)}", partial, True))
            for link, as_htmx in page.links:
                if not link.startswith(("mailto:", "tel:", "data:", "javascript:", "#")):
                    queue.append((urljoin(url, link), as_htmx, False))
            for form in page.forms:
                queue.append((self._submission(url, form), False, True))
        return len(visited)

    def _reflected(self, path, name):
        return self.payloads(f"GET {path}?{name}= (reflected)", shown=None)

    def _submission(self, url, form):
        """A GET form as the browser sends it, with a payload in every text box."""
        split = urlsplit(urljoin(url, form["action"] or url))
        values = [
            (name, self._reflected(split.path, name) if kind == "text" else value)
            for kind, name, value in form["fields"]
        ]
        return urlunsplit(("", "", split.path, urlencode(values), ""))


# --- Making the data ---------------------------------------------------------------------


def future(days, hour=10):
    return f"{(date.today() + timedelta(days=days)).isoformat()}T{hour:02d}:00"


class Maker:
    """Fills in the app's forms, as the users would, with a payload in each free-text field;
    every response on the way is checked too (a form refused shows what was typed)."""

    def __init__(self, kit, crawler, payloads):
        self.kit = kit
        self.c = crawler
        self.p = payloads
        self.users = kit.users

    def as_(self, role):
        self.kit.as_(role)
        self.c.role = f"setup as {role}"

    def user(self, key, role, organisation=""):
        """Rename a user of the fixtures (and give an address the form takes: not .test)."""
        user = self.users[key]
        email = user.email.replace(".test", ".example")
        self.c.post(
            f"/admin/users/{user.id}",
            {
                "name": self.p(f"user name ({key})"),
                "email": email,
                "role": role,
                "organisation": organisation,
                "active": "y",
            },
        )
        self.users[key] = User.get_by_id(user.id)

    def new_user(self, key, role, email, organisation=""):
        self.c.post(
            "/admin/users",
            {
                "name": self.p(f"user name ({key})"),
                "email": email,
                "role": role,
                "organisation": organisation,
                "active": "y",
                "password": PASSWORD,
            },
        )
        self.users[key] = User.get(User.email == email)

    def inquiry(self, **fields):
        data = {
            "received_on": days_ago(30),
            "channel": "phone",
            "initiated_by": "citizen",
            "branch": "main",
            "name": "Gerda",
            "phone": "75 55 66 77",
            "birth_year": "1945",
            "target_group": "senior",
        }
        data.update(fields)
        response = self.c.post("/inquiries/new", data)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def step(self, course_id, action, **fields):
        try:
            data = dict(self.kit.default_fields(action))
        except KeyError:
            data = {}
        data.update(fields, version=Course.get_by_id(course_id).version)
        self.c.post(
            f"/courses/{course_id}/steps/{action}",
            {f"{action}-{name}": value for name, value in data.items()},
        )

    def answer(self, course_id, role, answer="accept", reason=""):
        self.as_(role)
        proposal = Proposal.get((Proposal.course == course_id) & (Proposal.status == "pending"))
        self.c.post(
            f"/me/proposals/{proposal.id}/answer",
            {"answer": answer, "reason": reason, "version": Course.get_by_id(course_id).version},
        )
        self.as_("coordinator")

    def drive(self, course_id, stage, **fields):
        """Take a course along the usual path to `stage`; `fields` are {action: {...}}."""
        done = Course.get_by_id(course_id).stage
        path = PATH_TO[stage]
        start = path.index(_LAST_ACTION[done]) + 1 if done in _LAST_ACTION else 0
        for action in path[start:]:
            if action == flow.ACCEPT:
                self.answer(course_id, "volunteer")
            else:
                self.step(course_id, action, **fields.get(action, {}))
        assert Course.get_by_id(course_id).stage == stage


_LAST_ACTION = {stage: path[-1] for stage, path in PATH_TO.items() if path}


def make_everything(maker, runner, tmp_path):
    m, p, c, users = maker, maker.p, maker.c, maker.users

    # The admin names every user (every role), and adds a second coordinator and a partner
    # of an association.
    m.as_("admin")
    m.user("coordinator", "coordinator")
    m.user("volunteer", "volunteer")
    m.user("other_volunteer", "volunteer")
    m.user("partner", "partner", organisation="rehabilitation")
    m.user("admin", "admin")
    m.new_user("coordinator2", "coordinator", "anne.coordinator@trivsel.example")
    m.new_user("association", "partner", "ole.partner@trivsel.example", "aeldresagen")

    m.as_("coordinator")
    # A volunteer the coordinator registers (an applicant: listed as "cannot be proposed").
    c.post(
        "/volunteers/",
        {
            "name": p("user name (applicant registered by the coordinator)"),
            "email": "ny.frivillig@trivsel.example",
            "applied_on": days_ago(3),
        },
    )
    # An invitation (its link, in the outbox, takes the crawl to the page that greets the
    # invitee) and a password reset asked for (its link leads to the reset page).
    c.post(
        "/invitations",
        {
            "name": p("user name (invited by the coordinator)"),
            "email": "inviteret@trivsel.example",
            "role": "volunteer",
            "organisation": "",
        },
    )
    m.kit.auth.logout()
    c.post("/password/forgot", {"email": users["other_volunteer"].email}, expect=(200,))
    m.as_("coordinator")
    # The coordinator's view of a profile.
    c.post(
        f"/volunteers/{users['other_volunteer'].id}",
        {
            "capacity": "5",
            "background": p("volunteer profile background (coordinator)"),
            "motivation": p("volunteer profile motivation"),
            "suitability_notes": p("volunteer profile suitability notes"),
            "declaration_signed_on": days_ago(60),
        },
    )

    # The directory: an offer typed in, and one imported from HSDS.
    offer = {
        name: p(f"offer {name}")
        for name in (
            "organisation_name",
            "name",
            "description",
            "eligibility",
            "schedule",
            "location",
            "area",
            "contact_name",
            "contact_phone",
            "url",
        )
    }
    c.post(
        "/directory/new",
        {**offer, "target_group": "senior", "categories": "exercise", "active": "y"},
    )
    # A valid HSDS 3.0 service (the import checks the schema: ids are uuids, the e-mail and
    # the address are well-formed), with a payload in every text Trivsel reads from it.
    service = {
        "id": str(uuid4()),
        "name": p("HSDS service name"),
        "description": p("HSDS service description"),
        "status": "active",
        "url": "https://example.org/",
        "email": "inj@example.org",
        "eligibility_description": p("HSDS eligibility_description"),
        "organization": {
            "id": str(uuid4()),
            "name": p("HSDS organization name"),
            "description": "An association",
        },
        "schedules": [{"id": str(uuid4()), "description": p("HSDS schedule description")}],
        "contacts": [
            {
                "id": str(uuid4()),
                "name": p("HSDS contact name"),
                "phones": [{"id": str(uuid4()), "number": p("HSDS phone number")}],
            }
        ],
        "service_at_locations": [
            {
                "id": str(uuid4()),
                "location": {
                    "id": str(uuid4()),
                    "location_type": "physical",
                    "name": p("HSDS location name"),
                    "addresses": [
                        {
                            "id": str(uuid4()),
                            "address_1": p("HSDS address_1"),
                            "city": p("HSDS address city"),
                            "region": "",
                            "state_province": "Region Syddanmark",
                            "postal_code": "7000",
                            "country": "DK",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }
    hsds_file = tmp_path / "services.json"
    hsds_file.write_text(json.dumps([service]), encoding="utf-8")
    result = runner.invoke(args=["directory", "import-hsds", str(hsds_file)])
    assert result.exit_code == 0, result.output
    offer_ids = [o.id for o in Offer.select().where(Offer.source.in_(("local", "hsds")))]

    # Course A: the citizen's name, phone and goals; active with the volunteer, who logs a
    # conversation, flags it for the group meeting and asks for supervision.
    course_a = m.inquiry(name=p("citizen name (inquiry)"), phone=p("citizen phone (inquiry)"))
    m.drive(
        course_a,
        flow.ACTIVE,
        **{flow.HOLD_INTAKE: {"goals": p("citizen goals (intake)"), "outcome": "matching"}},
    )
    # Course B: a volunteer declines, with a reason; back to matching, where the suggestions
    # and the propose select list every volunteer.
    course_b = m.inquiry()
    m.drive(
        course_b,
        flow.MATCHING,
        **{flow.SCHEDULE_INTAKE: {"place": p("intake place (past)")}},
    )
    m.step(course_b, flow.PROPOSE, volunteer=str(users["other_volunteer"].id))
    m.answer(course_b, "other_volunteer", "decline", p("proposal decline reason"))
    # Course C: closed with offers and words, followed up; then the contact form.
    course_c = m.inquiry()
    m.drive(course_c, flow.ACTIVE)
    m.step(
        course_c,
        flow.CLOSE,
        follow_on_offers=p("close: other follow-on offers"),
        offers=[str(i) for i in offer_ids],
    )
    m.step(course_c, flow.FOLLOW_UP, went=[str(offer_ids[0])])
    c.post(
        f"/courses/{course_c}/citizen",
        {
            "name": p("citizen name (contact form)"),
            "phone": p("citizen phone (contact form)"),
            "goals": p("citizen goals (contact form)"),
            "version": Course.get_by_id(course_c).version,
        },
    )
    # Course D: an intake ahead, somewhere (in the calendars).
    course_d = m.inquiry()
    m.drive(course_d, flow.CONTACTED)
    m.step(
        course_d,
        flow.SCHEDULE_INTAKE,
        scheduled_at=future(5),
        place=p("intake place (coming)"),
    )
    # Course E: proposed to the volunteer, who sees its goals.
    course_e = m.inquiry()
    m.drive(
        course_e,
        flow.PROPOSED,
        **{flow.HOLD_INTAKE: {"goals": p("citizen goals (proposed)"), "outcome": "matching"}},
    )
    # Course F: a match meeting ahead, somewhere.
    course_f = m.inquiry()
    m.drive(course_f, flow.MATCH_MEETING)
    m.step(
        course_f,
        flow.SCHEDULE_MATCH_MEETING,
        starts_at=future(6),
        place=p("match meeting place"),
    )

    # The course search (posted: the term is usually a name) shows the term it searched for.
    term = p("course search term (posted)", shown="reflected")
    c.post("/courses", {"q": term}, expect=(200,))
    c.post("/courses", {"q": term}, expect=(200,), headers={"HX-Request": "true"})

    # Supervision: a series of group meetings, one moved; a theme day.
    c.post(
        "/supervision/series",
        {"first_at": future(3, 17), "count": "2", "place": p("supervision series place")},
    )
    second = SupervisionMeeting.select().order_by(SupervisionMeeting.starts_at.desc()).first()
    c.post(
        f"/supervision/meetings/{second.id}/move",
        {"starts_at": future(20, 17), "place": p("supervision meeting place (moved)")},
    )
    c.post(
        "/supervision/theme-days",
        {
            "title": p("theme day title"),
            "starts_at": future(10, 9),
            "place": p("theme day place"),
            "capacity": "10",
        },
    )
    # A good story, published for the partners.
    c.post(
        "/stories/new",
        {"title": p("story title"), "body": p("story body"), "published": "y"},
    )
    # Cover: the second coordinator covers while the first is away.
    c.post(
        "/dashboard/cover",
        {
            "away": str(users["coordinator"].id),
            "covered_by": str(users["coordinator2"].id),
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    # The statistics history: imported (its refs are kept, never shown on a page) ...
    ref = p("history import ref (stored, not shown)", shown=None)
    c.post(
        "/statistics/import",
        {"files": history_files(ref)},
        content_type="multipart/form-data",
    )
    # ... and refused, naming what was wrong: the file, a ref.
    twice = p("history import ref (refusal message)", shown="reflected")
    c.post(
        "/statistics/import",
        {"files": history_files(twice, twice_over=True)},
        content_type="multipart/form-data",
        expect=(422,),
    )
    # (A browser sends a file name's double quotes as %22: the payload goes without them.)
    name = p("history upload file name", shown="reflected").replace('"', "")
    c.post(
        "/statistics/import",
        {"files": [(io.BytesIO(b"x"), name + ".txt")]},
        content_type="multipart/form-data",
        expect=(422,),
    )

    # A form sent when its security token has expired comes back with what was typed.
    app = m.kit.client.application
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_TIME_LIMIT"] = -1
    try:
        expired = {"title": p("story title, sent with an expired token", shown="reflected")}
        c.post("/stories/new", expired, expect=(400,))
        c.post("/stories/new", expired, expect=(400,), headers={"HX-Request": "true"})
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit

    # The partners: two referrals from the referrer, an offer from the association.
    m.as_("partner")
    c.post(
        "/referrals/rehabilitation",
        {
            **referral_fields(p, "rehabilitation"),
            "share_contact": "y",
            "share_considerations": "y",
            "contact_referrer": "y",
            "first_call": "scheme",
            "municipal_course_ends_on": days_ago(-14),
        },
    )
    c.post(
        "/referrals/youth",
        {
            **referral_fields(p, "youth"),
            "birth_year": str(date.today().year - 25),
            "share_contact": "y",
            "share_considerations": "y",
            "first_call": "scheme",
        },
    )
    m.as_("association")
    c.post(
        "/directory/new",
        {
            "organisation_name": "Ældresagen",
            "name": p("offer name (association partner)"),
            "description": p("offer description (association partner)"),
            "active": "y",
        },
    )

    # The volunteer: their profile, a theme day, the active course.
    m.as_("volunteer")
    c.post("/me/profile", {"capacity": "5", "background": p("volunteer profile background")})
    code = p("volunteer profile areas: an unknown code (refused, 422)", shown="reflected")
    c.post(
        "/me/profile",
        {"capacity": "5", "interests": code, "avoids": code},
        expect=(422,),
    )
    c.post(f"/me/theme-days/{ThemeDay.get().id}/signup", {})
    c.post(
        f"/me/courses/{course_a}/conversations",
        {"held_on": days_ago(2), "mode": "home", "version": Course.get_by_id(course_a).version},
    )
    c.post(f"/me/courses/{course_a}/ready-to-close", {"flag": "on"})
    c.post(f"/me/courses/{course_a}/supervision", {"by_phone": "yes"})
    return [course_a, course_b, course_c, course_d, course_e, course_f]


def referral_fields(p, form):
    names = (
        "referrer_name",
        "referrer_department",
        "referrer_phone",
        "citizen_name",
        "citizen_phone",
        "considerations",
        "case_reference",
    )
    return {name: p(f"referral {form}: {name}") for name in names}


def history_files(ref, twice_over=False):
    def table(header, *rows):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return io.BytesIO(out.getvalue().encode("utf-8"))

    inquiries = [[ref, "2020-03-02", "main", "self", "course", ""]]
    if twice_over:
        inquiries.append(inquiries[0])
    return [
        (
            table(["ref", "received_on", "branch", "source", "outcome", "birth_year"], *inquiries),
            "inquiries.csv",
        ),
        (
            table(
                ["ref", "started_on", "ended_on", "follow_on"],
                [ref, "2020-03-10", "2020-06-01", "yes"],
            ),
            "courses.csv",
        ),
        (table(["ref", "held_on", "mode"], [ref, "2020-04-01", "home"]), "conversations.csv"),
    ]


# --- The crawl ---------------------------------------------------------------------------

ROLES = ("coordinator", "volunteer", "partner", "association", "admin")


def crawl_every_role(app, kit, auth, crawler):
    """Every page as every role of the fixtures, then logged out, from each role's home, every
    GET route with the ids of the rows made and the links of the outbox's messages. Returns
    the pages crawled by role, and the routes left to the links (their arguments are text)."""
    seeds, left = route_urls(app)
    seeds += message_links(app)
    counts = {}
    for role in ROLES:
        kit.as_(role)
        counts[role] = crawler.crawl(role, ["/", *seeds])
    auth.logout()
    counts["logged out"] = crawler.crawl("logged out", ["/", "/login", *seeds])
    return counts, left
