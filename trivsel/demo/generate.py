"""A synthetic history at scale on top of the demo (`flask generate-data`), for measuring.

At scale 1.0: 30,000 inquiries over ten years ending today, about 9,000 of them courses (some
350 active today, and the queues before them filled as the flow's waits leave them), 110,000
conversations, 500 volunteers with profiles and status histories, group supervision every 14
days with attendance, a year of access log, referrals through the loaded plugins' forms (the
demo partner's organisation about a fifth of them), follow-up calls with their answers, offer
links at closing, and `offers` directory offers. Personal data follows the retention policy:
courses past their erasure date are erased, as the nightly job would have left them.

Deterministic: the same scale, offers and seed on a fresh demo database give the same rows
(on the same day). Fast: every table is written with `Model.insert_many` in chunks, in one
transaction, with ids chosen here (so rows can refer to each other without reading back), and
no query per row.

Citizens get fake names from small lists, no CPR number, and phone numbers in the range
10 xx xx xx, which the Danish numbering plan does not give out.
"""

import math
import random
import time as clock
import uuid
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from trivsel.core import labels
from trivsel.core.db import database, is_sqlite
from trivsel.core.users import User
from trivsel.core.workdays import is_working_day
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.demo.data import DEMO_USERS
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.models import AccessLog, Consent
from trivsel.privacy.retention import add_months
from trivsel.referrals.models import Referral
from trivsel.referrals.service import may_use
from trivsel.supervision.models import SupervisionAttendance, SupervisionMeeting

# What scale 1.0 means.
INQUIRIES = 30_000
COURSES = 9_000
CONVERSATIONS = 110_000
VOLUNTEERS = 500
YEARS = 10
DEFAULT_OFFERS = 2_000
DOMAIN = "generated.trivsel.example"

# SQLite allows 32766 bound variables a statement; stay well below (PostgreSQL has no such
# limit, but statements of a few thousand rows are its sweet spot too).
MAX_VARIABLES = 30_000
MAX_CHUNK_ROWS = 5_000

# The share of inquiries by fate. About 0.29 * 30,000 courses, less those still on the way.
FATES = (
    ("course", 0.29),
    ("referred_elsewhere", 0.28),
    ("declined", 0.235),
    ("withdrawn_before_intake", 0.10),
    ("withdrawn", 0.05),  # at the intake
    ("withdrawn_in_matching", 0.045),
)
# The demo's own footprint, with room: a database with more is not a fresh demo.
DEMO_LIMITS = {"courses": 30, "conversations": 300, "referrals": 10, "offers": 60}


def words(text):
    return tuple(text.split())


def columns(model, names):
    """The model's fields named in `names` (space-separated), in that order."""
    return tuple(getattr(model, name) for name in names.split())


FEMALE = words(
    "Anne Kirsten Hanne Mette Susanne Lene Charlotte Inge Karen Marianne Birgit Lone Pia "
    "Jytte Bente Tove Gitte Camilla Louise Maria Ida Emma Sofie Freja Julie Signe Ellen "
    "Grethe Ruth Else"
)
MALE = words(
    "Jens Peter Lars Michael Henrik Søren Thomas Niels Poul Jørgen Hans Ole Erik Morten "
    "Christian Anders Mads Rasmus Frederik Mikkel Kasper Bent Finn Knud Svend Torben Kim "
    "Jesper Martin Emil"
)
SURNAMES = words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
    "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
    "Møller Mortensen Knudsen Jakobsen Mikkelsen Frederiksen Laursen Holm Dahl Lund Kjær "
    "Bak Berg Skov Vestergaard Høj Juhl"
)
GOALS = (
    "Komme ud blandt andre mennesker.",
    "Få struktur på hverdagen.",
    "Blive tryg ved at gå ud alene igen.",
    "Få mod på at søge job igen.",
    "Have nogen at tale med om det svære.",
    "Lære at bruge computeren og MitID.",
    "Komme i gang med at gå ture.",
    "Finde et fællesskab, jeg har lyst til at komme i.",
)
DECLINE_REASONS = (
    "Har ikke tid lige nu.",
    "Jeg kender familien privat.",
    "Passer ikke med mine dage.",
    "Bor for langt væk.",
)
POSTCODES = ("7000", "7000", "7000", "7007", "7080", "6000", "7100", "7120", "5500")
TOWNS = words(
    "Fredericia Taulov Erritsø Kolding Vejle Middelfart Børkop Give Egtved Pjedsted "
    "Skærbæk Bredstrup"
)
ORGANISATIONS = (
    "Ældresagen",
    "Røde Kors",
    "DGI",
    "Frivilligcenter",
    "SIND",
    "Kræftens Bekæmpelse",
    "FOF",
    "AOF",
    "Home-Start",
    "Sorggruppen",
    "Løbeklubben",
    "Menighedsrådet",
    "Biblioteket",
    "Foreningen Nydansker",
)
# (name, categories, target group or None)
ACTIVITIES = (
    ("Gå-hold", ("exercise", "social"), "senior"),
    ("Strikkecafé", ("creative", "social"), None),
    ("Spisefællesskab", ("social",), None),
    ("IT-hjælp", ("learning",), "senior"),
    ("Sorggruppe", ("support",), "adult"),
    ("Jobcafé", ("work", "support"), "adult"),
    ("Kor", ("creative", "social"), None),
    ("Havefællesskab", ("social", "exercise"), None),
    ("Bordtennis", ("exercise",), "senior"),
    ("Ungecafé", ("social", "support"), "young_adult"),
    ("Besøgsven", ("volunteering", "social"), None),
    ("Samtalegruppe", ("support",), "adult"),
)
WEEKDAY_NAMES = ("Mandage", "Tirsdage", "Onsdage", "Torsdage", "Fredage", "Lørdage")
INTERESTS = tuple(labels.INTEREST_AREAS)
DAYS = tuple(labels.WEEKDAYS)[:5]
TIMES = tuple(labels.TIMES_OF_DAY)
FREQUENCIES = ("weekly", "weekly", "one_or_two", "twice_weekly", "fortnightly", "as_needed")
# Conversations a week, by frequency (before scaling to the total).
PER_WEEK = {
    "weekly": 1.0,
    "one_or_two": 1.5,
    "twice_weekly": 2.0,
    "fortnightly": 0.5,
    "as_needed": 0.7,
}


USER_FIELDS = columns(User, "id email name password_hash role active created_at organisation")


class RealData(Exception):
    """The database holds more than the demo: generating would mix synthetic and real data."""


def demo_check():
    """Why the database is not a fresh demo (a list of reasons; empty when it is one). Raises
    RealData when the demo is not loaded at all."""
    emails = {email for email, _name, _role in DEMO_USERS}
    present = {u.email for u in User.select(User.email).where(User.email.in_(list(emails)))}
    if present != emails:
        raise RealData(
            "The demo is not loaded: generate-data adds its history on top of the demo. "
            "Run `flask --app trivsel init-db --demo-if-new` on a new database first."
        )
    reasons = []
    others = User.select().where(User.email.not_in(list(emails))).count()
    if others:
        reasons.append(f"{others} users who are not demo users")
    counts = {
        "courses": Course.select().count(),
        "conversations": Conversation.select().count(),
        "referrals": Referral.select().count(),
        "offers": Offer.select().count(),
    }
    for what, count in counts.items():
        if count > DEMO_LIMITS[what]:
            reasons.append(f"{count} {what} (the demo has at most {DEMO_LIMITS[what]})")
    imported = Course.select().where(Course.ref.is_null(False)).count()
    if imported:
        reasons.append(f"{imported} courses imported from history")
    hsds = Offer.select().where(Offer.source == "hsds").count()
    if hsds:
        reasons.append(f"{hsds} offers imported from HSDS")
    return reasons


def chunk_size(model):
    """Rows a statement: within the SQLite variable limit for every column of the model
    (a field added later, filled with its default, counts too)."""
    return max(1, min(MAX_CHUNK_ROWS, MAX_VARIABLES // len(model._meta.sorted_fields)))


def insert(model, fields, rows):
    """Insert `rows` (tuples in the order of `fields`) in chunks, in the caller's transaction;
    a field not given takes the model's default, as `Model.insert_many` gives it. Returns the
    number of rows.

    The statement is the model's own `insert_many` SQL, made once for one row and repeated
    for the chunk; the values go through each field's `db_value`, as peewee converts them.
    Building peewee's query tree for every value would cost most of the run (some 35 µs a
    value; this is under 1)."""
    if not rows:
        return 0
    fields = list(fields)
    defaults = model._meta.defaults
    extra = [f for f in model._meta.sorted_fields if f in defaults and f not in set(fields)]
    columns = fields + extra
    converters = [f.db_value for f in columns]
    static = [None if callable(defaults[f]) else defaults[f] for f in extra]
    dynamic = [i for i, f in enumerate(extra) if callable(defaults[f])]

    def full(row):
        values = list(row) + static
        for i in dynamic:
            values[len(fields) + i] = defaults[extra[i]]()
        return values

    one, _params = model.insert_many([full(rows[0])], fields=columns).returning().sql()
    head, group = one.rsplit(" VALUES ", 1)
    size = chunk_size(model)
    statements = {}
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        sql = statements.get(len(chunk))
        if sql is None:
            sql = statements[len(chunk)] = f"{head} VALUES {', '.join([group] * len(chunk))}"
        params = [
            convert(value)
            for row in chunk
            for convert, value in zip(converters, full(row), strict=True)
        ]
        database.execute_sql(sql, params)
    return len(rows)


def _max_id(model):
    return model.select(model.id).order_by(model.id.desc()).scalar() or 0


class Calendar:
    """Working days from a first day on, counted by table: `between` as
    `trivsel.core.workdays.working_days_between`, `add` the n-th working day after a day."""

    def __init__(self, first, last):
        self.first = first.toordinal()
        self.cumulative = []
        self.working = []
        count = 0
        day = first
        while day <= last:
            if is_working_day(day):
                count += 1
                self.working.append(day)
            self.cumulative.append(count)
            day += timedelta(days=1)

    def _cum(self, day):
        return self.cumulative[day.toordinal() - self.first]

    def between(self, start, end):
        return self._cum(end) - self._cum(start) if end > start else 0

    def add(self, day, n):
        if n <= 0:
            return day
        return self.working[self._cum(day) + n - 1]


class Generator:
    def __init__(self, scale, offers, seed, today, config, plugins, echo):
        self.scale = scale
        self.offer_count = offers
        self.today = today
        self.config = config
        self.plugins = plugins
        self.echo = echo
        self.start = add_months(today, -12 * YEARS) + timedelta(days=1)
        self.calendar = Calendar(self.start - timedelta(days=7), today + timedelta(days=120))
        self.counts = {}
        self.bases = {m: _max_id(m) for m in (User, Citizen, Course, Offer, SupervisionMeeting)}
        # Mixing the ids in keeps a --force run on top of an earlier one from repeating its
        # unique values; on a fresh demo they are always the same.
        bases = ",".join(str(self.bases[m]) for m in sorted(self.bases, key=lambda m: m.__name__))
        self.rng = random.Random(f"trivsel:{seed}:{scale!r}:{offers}:{bases}")
        self.rows = {}  # model: (fields, [rows])

    # --- helpers -------------------------------------------------------------------------

    def add(self, model, fields, rows):
        current = self.rows.setdefault(model, (fields, []))
        assert current[0] == fields
        current[1].extend(rows)

    def phone(self):
        n = self.rng.randrange(1_000_000)
        return f"10 {n // 10000:02d} {n // 100 % 100:02d} {n % 100:02d}"

    def person(self):
        first = self.rng.choice(FEMALE if self.rng.random() < 0.6 else MALE)
        return f"{first} {self.rng.choice(SURNAMES)}"

    def new_uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def at(self, day, hour_from=9, hour_to=16):
        return datetime.combine(day, time(self.rng.randrange(hour_from, hour_to), 0)).replace(
            minute=self.rng.randrange(60)
        )

    def pick(self, weighted):
        roll = self.rng.random()
        for value, weight in weighted:
            roll -= weight
            if roll < 0:
                return value
        return weighted[-1][0]

    def received_day(self):
        """A day in the ten years, more in the later ones (the scheme grew)."""
        span = (self.today - self.start).days
        u = self.rng.random()
        x = (-0.7 + math.sqrt(0.49 + 1.2 * u)) / 0.6  # density 0.7 + 0.6x on [0, 1]
        day = self.start + timedelta(days=min(span, int(x * (span + 1))))
        if day.weekday() >= 5:  # a weekend call is taken on Monday
            day = min(self.today, day + timedelta(days=7 - day.weekday()))
        return day

    # --- the run -------------------------------------------------------------------------

    def run(self):
        started = clock.perf_counter()
        self.load_context()
        self.step("volunteers", self.volunteers)
        self.step("partners", self.partners)
        self.step("offers", self.offers)
        self.step("inquiries and courses", self.courses)
        self.step("conversations", self.conversations)
        self.step("supervision", self.supervision)
        self.step("access log", self.access_log)
        self.echo(f"generated in {clock.perf_counter() - started:.1f} s; writing")
        self.write()
        return self.counts

    def step(self, name, function):
        started = clock.perf_counter()
        function()
        self.echo(f"  built {name} in {clock.perf_counter() - started:.1f} s")

    def load_context(self):
        users = {
            u.email.split("@")[0]: u
            for u in User.select().where(User.email.in_([e for e, _n, _r in DEMO_USERS]))
        }
        self.coordinators = [users["koordinator"].id] * 4 + [users["anne"].id]
        self.mona = users["mona"]
        self.partner = users["partner"]
        self.password_hash = self.mona.password_hash  # the demo password, hashed once
        self.plugin_branch = {
            plugin: branch.key
            for plugin, branch in self.plugins.collect_by_plugin("trivsel_branches")
        }
        self.organisations = self.plugins.organisations()
        self.forms = self.plugins.referral_forms()  # {key: (plugin, form)}
        self.expected_weeks = self.config.get("COURSE_EXPECTED_WEEKS", 13)

    # --- volunteers ------------------------------------------------------------------------

    def volunteers(self):
        count = max(5, round(VOLUNTEERS * self.scale))
        uid = self.bases[User]
        users, changes = [], []
        self.vols = []  # dicts: id, active_on, left_on, status, capacity, paused
        span = (self.today - self.start).days
        for n in range(count):
            uid += 1
            # The first few joined at the start; the rest over the years, more later on.
            if n < max(3, count // 20):
                applied = self.start - timedelta(days=self.rng.randrange(30, 90))
            else:
                applied = self.start + timedelta(days=int(span * math.sqrt(self.rng.random())))
            active_on = applied + timedelta(days=self.rng.randrange(14, 46))
            tenure = int(self.rng.gammavariate(2.0, 365 * 3.5))
            left_on = active_on + timedelta(days=tenure)
            status, paused_until = "active", None
            if active_on > self.today:
                status, active_on, left_on = "applicant", None, None
            elif left_on <= self.today:
                status = "left"
            else:
                left_on = None
                if self.rng.random() < 0.08:
                    status = "paused"
                    paused_until = self.today + timedelta(days=self.rng.randrange(7, 90))
            capacity = self.pick(((1, 0.35), (2, 0.4), (3, 0.25)))
            name = self.person()
            users.append(
                (
                    uid,
                    f"frivillig{uid}@{DOMAIN}",
                    name,
                    self.password_hash,
                    "volunteer",
                    status != "left",
                    datetime.combine(applied, time(12, 0)),
                    None,
                )
            )
            vol = {
                "id": uid,
                "applied": applied,
                "active_on": active_on,
                "left_on": left_on,
                "status": status,
                "capacity": capacity,
                "profile": [
                    uid,
                    status,
                    paused_until,
                    applied,
                    active_on,
                    "Rolig og god til at lytte." if active_on else None,
                    "Vil gerne gøre en forskel for andre.",
                    capacity,
                    self.rng.sample(DAYS, self.rng.randrange(1, 5)),
                    self.rng.sample(TIMES, self.rng.randrange(1, 3)),
                    self.rng.random() < 0.08,
                    self.rng.sample(INTERESTS, self.rng.randrange(2, 5)),
                    self.rng.sample(INTERESTS, 1) if self.rng.random() < 0.2 else [],
                    ["en"] if self.rng.random() < 0.2 else [],
                    self.rng.choice(POSTCODES),
                    None,
                    datetime.combine(active_on or applied, time(12, 0)),
                ],
            }
            self.vols.append(vol)
            changes.append((uid, "applicant", applied, None, None))
            if active_on:
                changes.append((uid, "active", active_on, None, self.coordinators[0]))
            if status == "paused":
                day = self.today - timedelta(days=self.rng.randrange(3, 40))
                changes.append((uid, "paused", day, paused_until, self.coordinators[0]))
            if status == "left":
                changes.append((uid, "left", left_on, None, self.coordinators[0]))
        # Enough room today for the active courses and the open proposals: capacity is
        # raised where needed when the courses are placed (see place_active).
        self.add(User, USER_FIELDS, users)
        self.add(
            VolunteerStatusChange,
            columns(VolunteerStatusChange, "user status changed_on paused_until changed_by"),
            changes,
        )
        self.next_user_id = uid
        # Who was active in each month, for the history's courses.
        self.by_month = {}
        for vol in self.vols:
            if not vol["active_on"]:
                continue
            last = vol["left_on"] or self.today
            month = self._month(vol["active_on"])
            while month <= self._month(last):
                self.by_month.setdefault(month, []).append(vol)
                month += 1
        self.available = [v for v in self.vols if v["status"] == "active"]
        self.load = {v["id"]: 0 for v in self.vols}

    def _month(self, day):
        return day.year * 12 + day.month

    def volunteer_for(self, start, end):
        """A volunteer active from `start` to `end` (the history: capacity not tracked)."""
        pool = self.by_month.get(self._month(start)) or self.available or self.vols
        for _ in range(6):
            vol = self.rng.choice(pool)
            if vol["left_on"] is None or vol["left_on"] >= end:
                return vol["id"]
        return vol["id"]

    def volunteer_now(self):
        """An active volunteer with room for one more course today; raises a capacity when
        there is none (a small scale)."""
        free = [v for v in self.available if self.load[v["id"]] < v["capacity"]]
        if not free:
            vol = min(self.available, key=lambda v: (self.load[v["id"]], v["id"]))
            vol["capacity"] = self.load[vol["id"]] + 1
            vol["profile"][7] = vol["capacity"]
            free = [vol]
        vol = self.rng.choice(free)
        self.load[vol["id"]] += 1
        return vol["id"]

    # --- partners --------------------------------------------------------------------------

    def partners(self):
        """The referrers: the demo partner (its organisation sends about a fifth of the
        referrals) and two staff members of each other organisation a plugin contributes that
        may use a referral form."""
        self.referrers = []  # (user id, name, organisation, [(form key, plugin)])
        usable = self._forms_for("partner", self.partner.organisation)
        if usable:
            self.referrers.append(
                (self.partner.id, self.partner.name, self.partner.organisation, usable)
            )
        users = []
        for key in sorted(self.organisations):
            if key == self.partner.organisation:
                continue
            forms = self._forms_for("partner", key)
            if not forms:
                continue
            for _ in range(2):
                self.next_user_id += 1
                uid, name = self.next_user_id, self.person()
                users.append(
                    (
                        uid,
                        f"partner{uid}@{DOMAIN}",
                        name,
                        self.password_hash,
                        "partner",
                        True,
                        datetime.combine(self.start, time(12, 0)),
                        key,
                    )
                )
                self.referrers.append((uid, name, key, forms))
        self.add(User, USER_FIELDS, users)
        self.demo_referrer = bool(usable)

    def _forms_for(self, role, organisation):
        someone = SimpleNamespace(role=role, organisation=organisation)
        return [
            (key, plugin)
            for key, (plugin, form) in sorted(self.forms.items())
            if may_use(form, someone)
        ]

    # --- offers ----------------------------------------------------------------------------

    def offers(self):
        """The directory: `offers` offers of associations in the towns around, some of them
        the plugins' associations' (which then own them)."""
        owners = {
            str(org.name): key
            for key, org in sorted(self.organisations.items())
            if getattr(org, "kind", None) == "association"
        }
        names = sorted(owners) + [f"{o} {t}" for o in ORGANISATIONS for t in TOWNS[:4]]
        oid = self.bases[Offer]
        rows = []
        for _ in range(self.offer_count):
            oid += 1
            organisation = self.rng.choice(names)
            activity, categories, group = self.rng.choice(ACTIVITIES)
            town = self.rng.choice(TOWNS)
            low, high = {"senior": (60, None), "young_adult": (18, 30)}.get(group, (None, None))
            hour = self.rng.randrange(9, 19)
            rows.append(
                (
                    oid,
                    self.new_uuid(),
                    "local",
                    owners.get(organisation),
                    organisation,
                    f"{activity} i {town}",
                    f"{activity} for alle, der har lyst. Kom som du er; kaffen er på kanden.",
                    group,
                    low,
                    high,
                    f"{self.rng.choice(WEEKDAY_NAMES)} kl. {hour}-{hour + 2}",
                    f"{self.rng.choice(('Medborgerhuset', 'Biblioteket', 'Foreningshuset'))}, "
                    f"{town}",
                    town,
                    self.person(),
                    self.phone(),
                    " " + " ".join(sorted(categories)) + " ",
                    self.rng.random() < 0.95,
                    self.at(self.today - timedelta(days=self.rng.randrange(1, 900))),
                )
            )
        self.add(
            Offer,
            columns(
                Offer,
                "id hsds_id source owner_organisation organisation_name name description "
                "target_group minimum_age maximum_age schedule location area contact_name "
                "contact_phone categories active updated_at",
            ),
            rows,
        )
        existing = [o.id for o in Offer.select(Offer.id).where(Offer.active).order_by(Offer.id)]
        self.offer_ids = existing + [r[0] for r in rows if r[16]]

    # --- courses ---------------------------------------------------------------------------

    def courses(self):
        n = round(INQUIRIES * self.scale)
        received = sorted(self.received_day() for _ in range(n))
        # Mona's two courses (with Gerda, her three active ones) are the last two inquiries
        # of the right age: received two and three months ago.
        mona_days = [self.today - timedelta(days=95), self.today - timedelta(days=70)]
        self.course_id = self.bases[Course]
        self.citizen_id = self.bases[Citizen]
        self.started = []  # (course id, start, stop, frequency, volunteer, by phone, erased)
        self.views = []  # (course id, datetime, user, endpoint)
        self.tables = {
            m: [] for m in (Citizen, Course, CourseEvent, Proposal, Consent, Referral, OfferLink)
        }
        self.policy = (
            self.config.get("RETENTION_AFTER_FOLLOW_UP_MONTHS", 3),
            self.config.get("RETENTION_AFTER_CLOSE_MONTHS", 6),
            self.config.get("RETENTION_INQUIRY_MONTHS", 6),
        )
        self.log_from = add_months(self.today, -self.config.get("ACCESS_LOG_MONTHS", 12))
        # The active courses are placed on volunteers with room after the history, newest
        # matches last, so capacities hold today.
        self.pending_now = []
        for day in received:
            self.inquiry(day, self.pick(FATES))
        for day in mona_days:
            self.inquiry(day, "course", mona=True)
        self.place_active()
        self.flush_courses()

    def inquiry(self, received, fate, mona=False):
        rng = self.rng
        today = self.today
        self.course_id += 1
        cid = self.course_id
        coordinator = rng.choice(self.coordinators)
        target = self.pick(
            (("senior", 0.45), ("adult", 0.40), ("young_adult", 0.12), ("other", 0.03))
        )
        initiated = self.pick(
            (("citizen", 0.45), ("professional", 0.40), ("relative", 0.12), ("other", 0.03))
        )
        channel = self.pick((("phone", 0.6), ("email", 0.25), ("walk_in", 0.15)))
        branch = "main"
        referral = None
        if initiated == "professional" and self.referrers and rng.random() < 0.375 and not mona:
            referral = self.referral_for(cid, received)
            channel = "referral"
            # A form of a plugin with a branch of its own (the youth branch) refers there.
            branch = self.plugin_branch.get(referral["plugin"], "main")
            if branch != "main":
                target = "young_adult"
        elif initiated == "professional":
            channel = "phone" if rng.random() < 0.7 else "email"
        ages = {"senior": (65, 93), "adult": (30, 65), "young_adult": (18, 30), "other": (18, 90)}[
            target
        ]
        birth_year = received.year - rng.randrange(*ages) if rng.random() < 0.9 else None
        c = {
            "id": cid,
            "branch": branch,
            "stage": flow.NEW,
            "received_on": received,
            "channel": channel,
            "initiated_by": initiated,
            "birth_year": birth_year,
            "target_group": target,
            "created_at": self.at(received),
        }
        events = [("inquiry", c["created_at"], coordinator, flow.NEW)]
        proposals = []

        def step(action, at, stage, actor=coordinator):
            c["stage"] = stage
            events.append((action, at, actor, stage))

        def finish():
            self.finish(c, events, proposals, referral, mona)

        # First contact, a few working days after.
        waited = self.pick(((0, 0.3), (1, 0.35), (2, 0.2), (3, 0.1), (4, 0.05)))
        contact = self.calendar.add(received, waited)
        if mona:
            contact = self.calendar.add(received, 1)
        if contact > today:
            return finish()
        c["first_contact_on"] = contact
        c["first_contact_working_days"] = self.calendar.between(received, contact)
        step(flow.FIRST_CONTACT, self.at(contact), flow.CONTACTED)
        if fate == "withdrawn_before_intake":
            day = contact + timedelta(days=rng.randrange(1, 10))
            if day > today:
                return finish()
            c["ended_on"] = day
            step(flow.WITHDRAW, self.at(day), flow.WITHDRAWN)
            return finish()
        # The intake: scheduled on the day of contact or the next, held days later.
        scheduling = contact + timedelta(days=rng.randrange(0, 2))
        if scheduling > today:
            return finish()
        held = scheduling + timedelta(days=rng.randrange(2, 7))
        c["intake_scheduled_at"] = datetime.combine(held, time(rng.randrange(9, 15), 0))
        step(flow.SCHEDULE_INTAKE, self.at(scheduling), flow.INTAKE_SCHEDULED)
        if held >= today:
            return finish()
        outcome = fate if fate in flow.INTAKE_OUTCOMES else "matching"
        c["intake_held_on"] = held
        c["intake_outcome"] = outcome
        c["needs"] = rng.sample(INTERESTS, rng.randrange(1, 4))
        c["available_days"] = rng.sample(DAYS, rng.randrange(1, 4))
        c["available_times"] = rng.sample(TIMES, rng.randrange(1, 3))
        c["by_phone"] = rng.random() < 0.1
        c["who5"] = rng.random() < 0.6
        if c["who5"]:
            c["who5_intake"] = 4 * rng.randrange(3, 17)
        if outcome != "matching":
            c["ended_on"] = held
        step(flow.HOLD_INTAKE, self.at(held), flow.INTAKE_OUTCOMES[outcome])
        if outcome != "matching":
            return finish()
        c["consents"] = ["follow_up_call"] + (["who5"] if c["who5"] else [])
        # Matching: a proposal, perhaps a no thank you first, the yes, the match meeting.
        proposed = held + timedelta(days=rng.randrange(3, 26))
        withdraw_on = None
        if fate == "withdrawn_in_matching":
            withdraw_on = held + timedelta(days=rng.randrange(3, 30))
        started_on = None
        answered = None
        for attempt in range(2):
            if proposed > today or (withdraw_on and proposed >= withdraw_on):
                break
            declines = attempt == 0 and not mona and rng.random() < 0.15
            answered = proposed + timedelta(days=rng.randrange(0, 4))
            meeting = answered + timedelta(days=rng.randrange(3, 11))
            proposal = {
                "proposed_at": self.at(proposed),
                "by": coordinator,
                "volunteer": None,
                "status": ProposalStatus.PENDING,
                "answered_at": None,
                "reason": None,
                "meeting_on": None,
                "yes": None,
            }
            proposals.append(proposal)
            step(flow.PROPOSE, proposal["proposed_at"], flow.PROPOSED)
            if answered > today or (withdraw_on and answered >= withdraw_on):
                proposal["open"] = True
                break
            proposal["answered_at"] = self.at(answered, 17, 21)
            if declines:
                proposal["status"] = ProposalStatus.DECLINED
                proposal["reason"] = rng.choice(DECLINE_REASONS)
                step(flow.DECLINE, proposal["answered_at"], flow.MATCHING, actor=proposal)
                proposed = answered + timedelta(days=rng.randrange(1, 6))
                continue
            proposal["status"] = ProposalStatus.ACCEPTED
            step(flow.ACCEPT, proposal["answered_at"], flow.MATCH_MEETING, actor=proposal)
            if mona:
                meeting = answered + timedelta(days=3)
            if meeting > today or (withdraw_on and meeting >= withdraw_on):
                proposal["open"] = True
                step(
                    flow.SCHEDULE_MATCH_MEETING,
                    self.at(answered + timedelta(days=1)),
                    flow.MATCH_MEETING,
                )
                break
            step(
                flow.SCHEDULE_MATCH_MEETING,
                self.at(answered + timedelta(days=1)),
                flow.MATCH_MEETING,
            )
            proposal["status"] = ProposalStatus.MATCHED
            proposal["meeting_on"] = meeting
            proposal["yes"] = True
            started_on = meeting
            break
        if withdraw_on and started_on is None and withdraw_on <= today:
            for proposal in proposals:
                if proposal["status"] in ProposalStatus.OPEN:
                    proposal["status"] = ProposalStatus.RETRACTED
                    proposal["answered_at"] = self.at(withdraw_on)
                    proposal.pop("open", None)
            c["ended_on"] = withdraw_on
            step(flow.WITHDRAW, self.at(withdraw_on), flow.WITHDRAWN)
            return finish()
        if started_on is None:
            return finish()
        # The course.
        c["frequency"] = rng.choice(FREQUENCIES)
        c["started_on"] = started_on
        c["expected_end_on"] = started_on + timedelta(weeks=self.expected_weeks)
        length = 42 + int(rng.gammavariate(3.0, 20.3))
        ended = started_on + timedelta(days=length)
        if mona:
            ended = today + timedelta(days=60)
        c["match_at"] = self.at(started_on)
        step(flow.MATCH_MEETING_HELD, c["match_at"], flow.ACTIVE)
        if ended > today:
            if ended - timedelta(days=10) <= today and rng.random() < 0.5:
                c["ready_to_close_on"] = today - timedelta(days=rng.randrange(0, 5))
            c["now_active"] = True
            return finish()
        c["ended_on"] = ended
        c["goals_met"] = self.pick((("yes", 0.6), ("partly", 0.3), ("no", 0.1)))
        c["needs_more_support"] = rng.random() < 0.2
        step(flow.CLOSE, self.at(ended), flow.CLOSED)
        links = []
        if self.offer_ids and rng.random() < 0.8:
            links = rng.sample(
                self.offer_ids, min(len(self.offer_ids), 2 if rng.random() < 0.25 else 1)
            )
        c["links"] = links
        followed = ended + timedelta(days=rng.randrange(14, 46))
        if followed > today:
            return finish()
        c["followed_up_on"] = followed
        c["felt_heard"] = rng.random() < 0.92
        c["quality_of_life"] = self.pick((("better", 0.65), ("same", 0.28), ("worse", 0.07)))
        c["follow_on_contact"] = rng.random() < (0.85 if links else 0.4)
        if c["who5"]:
            c["who5_follow_up"] = min(100, max(0, c["who5_intake"] + 4 * rng.randrange(-3, 8)))
        c["went"] = [c["follow_on_contact"] and rng.random() < 0.8 for _ in links]
        step(flow.FOLLOW_UP, self.at(followed), flow.FOLLOWED_UP)
        return finish()

    def referral_for(self, cid, received):
        rng = self.rng
        if self.demo_referrer and (len(self.referrers) == 1 or rng.random() < 0.2):
            referrer = self.referrers[0]
        else:
            referrer = rng.choice(self.referrers[1:] if self.demo_referrer else self.referrers)
        uid, name, organisation, forms = referrer
        form, plugin = rng.choice(forms)
        return {
            "course": cid,
            "form": form,
            "plugin": plugin,
            "organisation": organisation,
            "user": uid,
            "name": name,
            "phone": self.phone(),
            "first_call": "scheme" if rng.random() < 0.8 else "citizen",
            "created_at": self.at(received, 8, 15),
            "share_considerations": rng.random() < 0.3,
        }

    def erasure(self, c):
        """The day the nightly retention job erased the course's personal data, or None."""
        after_follow_up, after_close, inquiry = self.policy
        stage = c["stage"]
        if stage == flow.FOLLOWED_UP:
            due = add_months(c["followed_up_on"], after_follow_up)
        elif stage == flow.CLOSED:
            due = add_months(c["ended_on"], after_close)
        elif stage in (
            flow.NEW,
            flow.CONTACTED,
            flow.INTAKE_SCHEDULED,
            flow.REFERRED_ELSEWHERE,
            flow.DECLINED,
            flow.WITHDRAWN,
        ):
            due = add_months(c.get("ended_on") or c["received_on"], inquiry)
        else:
            return None
        return due if due <= self.today else None

    def finish(self, c, events, proposals, referral, mona):
        rng = self.rng
        erased = self.erasure(c)
        c["erased_on"] = erased
        # The volunteers: the matched one, those who said no, those still to answer.
        volunteer = None
        if c.get("started_on"):
            if mona:
                volunteer = self.mona.id
            elif c.get("now_active"):
                volunteer = None  # placed later, with capacity (place_active)
            else:
                volunteer = self.volunteer_for(c["started_on"], c["ended_on"])
        c["volunteer"] = volunteer
        for proposal in proposals:
            if proposal["status"] == ProposalStatus.MATCHED:
                proposal["volunteer"] = volunteer
            elif proposal.get("open") or proposal["status"] == ProposalStatus.ACCEPTED:
                proposal["volunteer"] = None  # placed later (place_active)
            else:
                day = proposal["proposed_at"].date()
                proposal["volunteer"] = self.volunteer_for(day, day)
            if erased:
                proposal["reason"] = None
        if c.get("now_active") and not mona:
            self.pending_now.append(("course", c, proposals))
        elif any(p["volunteer"] is None for p in proposals):
            self.pending_now.append(("proposal", c, proposals))
        # The citizen, while their personal data is kept (an anonymous call has none).
        citizen = None
        if not erased and not (c["stage"] == flow.NEW and rng.random() < 0.3):
            self.citizen_id += 1
            citizen = self.citizen_id
            self.tables[Citizen].append(
                (
                    citizen,
                    self.person(),
                    self.phone() if rng.random() < 0.9 else None,
                    None if rng.random() < 0.7 else f"borger{citizen}@{DOMAIN}",
                    rng.choice(GOALS) if c.get("intake_held_on") else None,
                    c.get("postcode") or rng.choice(POSTCODES),
                )
            )
        c["citizen"] = citizen
        if erased:
            events.append(("erased", datetime.combine(erased, time(2, 15)), None, c["stage"]))
        c["events"] = events
        c["proposals"] = proposals
        c["referral"] = referral
        self.tables[Course].append(c)

    def place_active(self):
        """Today's active courses and open proposals go to volunteers with room."""
        for kind, c, proposals in self.pending_now:
            if kind == "course":
                c["volunteer"] = self.volunteer_now()
            for proposal in proposals:
                if proposal["volunteer"] is None:
                    if proposal["status"] == ProposalStatus.MATCHED:
                        proposal["volunteer"] = c["volunteer"]
                    else:
                        proposal["volunteer"] = self.volunteer_now()

    def flush_courses(self):
        """The courses and what hangs off them, as rows."""
        course_rows, event_rows, proposal_rows = [], [], []
        log_from = datetime.combine(self.log_from, time(0))
        consent_rows, referral_rows, link_rows = [], [], []
        for c in self.tables[Course]:
            cid = c["id"]
            volunteer = c["volunteer"]
            events = c["events"]
            for action, at, actor, stage in events:
                if isinstance(actor, dict):  # the proposal the volunteer answered
                    actor = actor["volunteer"]
                event_rows.append((cid, at, actor, action, stage))
                seen = at >= log_from and actor in self.coordinators
                if seen and not c["erased_on"] and c["citizen"]:
                    self.views.append((cid, at - timedelta(minutes=2), actor, "courses.show"))
            updated = events[-1][1]
            course_rows.append(
                (
                    cid,
                    c["citizen"],
                    c["branch"],
                    c["stage"],
                    len(events),
                    c["received_on"],
                    c["channel"],
                    c["initiated_by"],
                    c["birth_year"],
                    c["target_group"],
                    c.get("first_contact_on"),
                    c.get("first_contact_working_days"),
                    c.get("intake_scheduled_at"),
                    c.get("intake_held_on"),
                    c.get("intake_outcome"),
                    c.get("who5_intake"),
                    c.get("needs"),
                    c.get("available_days"),
                    c.get("available_times"),
                    c.get("by_phone", False),
                    volunteer,
                    c.get("started_on"),
                    c.get("frequency"),
                    c.get("expected_end_on"),
                    c.get("ready_to_close_on"),
                    c.get("ended_on"),
                    c.get("goals_met"),
                    c.get("needs_more_support"),
                    c.get("followed_up_on"),
                    c.get("felt_heard"),
                    c.get("quality_of_life"),
                    c.get("follow_on_contact"),
                    c.get("who5_follow_up"),
                    c["created_at"],
                    updated,
                    c["erased_on"],
                )
            )
            for p in c["proposals"]:
                proposal_rows.append(
                    (
                        cid,
                        p["volunteer"],
                        p["by"],
                        p["proposed_at"],
                        p["status"],
                        p["answered_at"],
                        p["reason"],
                        p["meeting_on"],
                        p["yes"],
                        p["yes"],
                    )
                )
            for item in c.get("consents", ()):
                consent_rows.append((cid, item, True, c["intake_held_on"], "intake", events[0][2]))
            referral = c["referral"]
            if referral:
                referral_rows.append(
                    (
                        cid,
                        referral["form"],
                        referral["plugin"],
                        referral["organisation"],
                        referral["user"],
                        referral["name"],
                        "Visitationen",
                        referral["phone"],
                        referral["first_call"],
                        referral["created_at"],
                    )
                )
                for item, given in (
                    ("share_contact", True),
                    ("share_considerations", referral["share_considerations"]),
                ):
                    consent_rows.append(
                        (
                            cid,
                            item,
                            given,
                            c["received_on"],
                            f"referral:{referral['plugin']}",
                            referral["user"],
                        )
                    )
            for n, offer in enumerate(c.get("links", ())):
                went = c["went"][n] if c.get("went") else None
                link_rows.append((cid, offer, c["ended_on"], went))
            if c.get("started_on"):
                # Conversations are logged up to yesterday (today's may still come).
                stop = c.get("ended_on") or self.today - timedelta(days=1)
                self.started.append(
                    (
                        cid,
                        c["started_on"],
                        stop,
                        c["frequency"],
                        volunteer,
                        c["by_phone"],
                        c["erased_on"],
                        c["citizen"],
                    )
                )
        self.add(
            Citizen,
            columns(Citizen, "id name phone email goals postcode"),
            self.tables[Citizen],
        )
        self.add(
            Course,
            (
                Course.id,
                Course.citizen,
                Course.branch,
                Course.stage,
                Course.version,
                Course.received_on,
                Course.channel,
                Course.initiated_by,
                Course.birth_year,
                Course.target_group,
                Course.first_contact_on,
                Course.first_contact_working_days,
                Course.intake_scheduled_at,
                Course.intake_held_on,
                Course.intake_outcome,
                Course.who5_intake,
                Course.needs,
                Course.available_days,
                Course.available_times,
                Course.by_phone,
                Course.volunteer,
                Course.started_on,
                Course.frequency,
                Course.expected_end_on,
                Course.ready_to_close_on,
                Course.ended_on,
                Course.goals_met,
                Course.needs_more_support,
                Course.followed_up_on,
                Course.felt_heard,
                Course.quality_of_life,
                Course.follow_on_contact,
                Course.who5_follow_up,
                Course.created_at,
                Course.updated_at,
                Course.erased_on,
            ),
            course_rows,
        )
        self.add(
            CourseEvent,
            columns(CourseEvent, "course at actor action stage"),
            event_rows,
        )
        self.add(
            Proposal,
            columns(
                Proposal,
                "course volunteer proposed_by proposed_at status answered_at decline_reason "
                "meeting_on citizen_yes volunteer_yes",
            ),
            proposal_rows,
        )
        self.add(
            Consent,
            columns(Consent, "course item given recorded_on source recorded_by"),
            consent_rows,
        )
        self.add(
            Referral,
            columns(
                Referral,
                "course form plugin organisation referred_by referrer_name referrer_department "
                "referrer_phone first_call created_at",
            ),
            referral_rows,
        )
        self.add(
            OfferLink,
            (OfferLink.course, OfferLink.offer, OfferLink.linked_on, OfferLink.went),
            link_rows,
        )
        del self.tables

    # --- conversations -------------------------------------------------------------------

    def conversations(self):
        target = CONVERSATIONS * self.scale
        raw = [
            max(1.0, (stop - start).days / 7 * PER_WEEK[frequency])
            for _cid, start, stop, frequency, *_ in self.started
        ]
        factor = target / sum(raw) if raw else 0
        rows = []
        log_from = self.log_from
        rng = self.rng
        for weight, (cid, start, stop, _f, volunteer, by_phone, erased, citizen) in zip(
            raw, self.started, strict=True
        ):
            n = max(1, int(weight * factor + rng.random()))
            span = max(1, (stop - start).days)
            for k in range(n):
                held = start + timedelta(days=min(span, int((k + rng.random()) * span / n)))
                if held > stop:
                    held = stop
                if by_phone:
                    mode = "phone" if rng.random() < 0.85 else "home"
                else:
                    mode = self.pick((("home", 0.65), ("outside", 0.25), ("phone", 0.10)))
                logged = datetime.combine(held, time(19, rng.randrange(60)))
                rows.append((cid, held, mode, volunteer, logged))
                if held >= log_from and citizen and not erased:
                    self.views.append(
                        (
                            cid,
                            logged - timedelta(minutes=5),
                            volunteer,
                            "volunteer.log_conversation",
                        )
                    )
                    if rng.random() < 0.5:
                        self.views.append(
                            (cid, logged - timedelta(days=1), volunteer, "volunteer.home")
                        )
        self.add(
            Conversation,
            columns(Conversation, "course held_on mode logged_by logged_at"),
            rows,
        )
        del self.started

    # --- supervision ---------------------------------------------------------------------

    def supervision(self):
        """Group meetings every 14 days over the ten years, before the demo's series (which
        begins four weeks ago), each with the attendance of the volunteers active then."""
        first = datetime.combine(self.today - timedelta(days=28), time(17, 0))
        mid = self.bases[SupervisionMeeting]
        meetings, attendance = [], []
        k = 1
        while True:
            starts = first - timedelta(days=14 * k)
            if starts.date() < self.start:
                break
            k += 1
            mid += 1
            meetings.append(
                (mid, starts, "Frivilligcentret, mødelokale 2", True, self.coordinators[0])
            )
            day = starts.date()
            for vol in self.by_month.get(self._month(day), ()):
                if vol["active_on"] <= day and (vol["left_on"] is None or vol["left_on"] > day):
                    attendance.append((mid, vol["id"], self.rng.random() < 0.6))
        meetings.reverse()
        self.add(
            SupervisionMeeting,
            columns(SupervisionMeeting, "id starts_at place attendance_recorded created_by"),
            meetings,
        )
        self.add(
            SupervisionAttendance,
            columns(SupervisionAttendance, "meeting volunteer attended"),
            attendance,
        )

    # --- the access log ------------------------------------------------------------------

    def access_log(self):
        """A year of views of course pages: the coordinator's around each step, the
        volunteer's when logging a conversation and on their home page."""
        rows = sorted(
            (at, user, cid, "view", endpoint)
            for cid, at, user, endpoint in self.views
            if user is not None and at.date() < self.today
        )
        self.add(
            AccessLog,
            (AccessLog.at, AccessLog.user, AccessLog.course, AccessLog.action, AccessLog.endpoint),
            rows,
        )
        del self.views

    # --- writing -------------------------------------------------------------------------

    def write(self):
        profiles = [v["profile"] for v in self.vols]
        self.rows[VolunteerProfile] = (
            columns(
                VolunteerProfile,
                "user status paused_until applied_on declaration_signed_on suitability_notes "
                "motivation capacity available_days available_times phone_only interests avoids "
                "languages postcode background updated_at",
            ),
            [tuple(p) for p in profiles],
        )
        order = [
            User,
            VolunteerProfile,
            VolunteerStatusChange,
            Offer,
            Citizen,
            Course,
            CourseEvent,
            Proposal,
            Consent,
            Referral,
            OfferLink,
            Conversation,
            SupervisionMeeting,
            SupervisionAttendance,
            AccessLog,
        ]
        with database.atomic():
            for model in order:
                fields, rows = self.rows.get(model, ((), []))
                started = clock.perf_counter()
                self.counts[model._meta.table_name] = insert(model, fields, rows) if rows else 0
                self.echo(
                    f"  {model._meta.table_name:<24} {len(rows):>8} rows "
                    f"{clock.perf_counter() - started:6.1f} s"
                )
            # Mona has three active courses now (Gerda's and two of these): room for them.
            VolunteerProfile.update(capacity=3).where(
                VolunteerProfile.user == self.mona.id
            ).execute()
            if not is_sqlite():
                for model in (User, Citizen, Course, Offer, SupervisionMeeting):
                    table = model._meta.table_name
                    database.execute_sql(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                    )


def analyze():
    """Tell the planner the tables' new sizes. On PostgreSQL a VACUUM too, as after any bulk
    load: it marks the new rows visible to all, which lets a count read an index alone
    (autovacuum would do it within minutes; a benchmark right after would measure the
    minutes before)."""
    if is_sqlite():
        database.execute_sql("ANALYZE")
        database.execute_sql("PRAGMA optimize")
    else:
        database.execute_sql("VACUUM ANALYZE")


def generate(scale=1.0, offers=DEFAULT_OFFERS, seed=1, force=False, echo=print, today=None):
    """Generate the history on top of the demo. Raises RealData (and changes nothing) when the
    database holds more than the demo, unless `force`. Returns {table: rows inserted}."""
    from flask import current_app

    from trivsel.core.plugins import get_plugins

    with database.connection_context():
        reasons = demo_check()
        if reasons and not force:
            raise RealData(
                "The database holds data beyond the demo ("
                + "; ".join(reasons)
                + "). generate-data only adds synthetic data on top of a fresh demo; nothing "
                "was changed. Use --force to add it anyway."
            )
        started = clock.perf_counter()
        generator = Generator(
            scale, offers, seed, today or date.today(), current_app.config, get_plugins(), echo
        )
        counts = generator.run()
        analyzing = clock.perf_counter()
        analyze()
        echo(f"  analyze {clock.perf_counter() - analyzing:.1f} s")
        echo(f"generated {sum(counts.values())} rows in {clock.perf_counter() - started:.1f} s")
    return counts
