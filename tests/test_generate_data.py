"""`flask generate-data`: a deterministic synthetic history on top of the demo, refused on a
database beyond the demo, whose annual report adds up (small scales: a few seconds)."""

import hashlib
import json
from datetime import date

import pytest
from conftest import TEST_HASH_METHOD, fresh_database_url

from trivsel import create_app
from trivsel.core.db import close_all, database
from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course
from trivsel.demo import generate
from trivsel.demo.loader import DEMO_PASSWORD, load_demo
from trivsel.referrals.models import Referral
from trivsel.schema import MODELS, prepare_database

SCALE = "0.01"

# The columns whose values the checksum covers, table by table, and the id column that tells
# the generated rows from the demo's (some of which carry the time they were loaded).
CHECKED = {
    "user": ("id", "id, email, name, role, active, organisation"),
    "volunteer_profile": ("user_id", "user_id, status, capacity, interests, postcode"),
    "citizen": ("id", "id, name, phone, email, goals"),
    "course": (
        "id",
        "id, citizen_id, branch, stage, received_on, first_contact_on, intake_held_on, "
        "volunteer_id, started_on, ended_on, followed_up_on, follow_on_contact, erased_on",
    ),
    "course_event": ("course_id", "course_id, at, actor_id, action, stage"),
    "proposal": ("course_id", "course_id, volunteer_id, status, proposed_at, decline_reason"),
    "conversation": ("course_id", "course_id, held_on, mode, logged_by_id"),
    "referral": ("course_id", "course_id, form, organisation, referred_by_id"),
    "offer_link": ("course_id", "course_id, offer_id, linked_on, went"),
    "supervision_attendance": ("meeting_id", "meeting_id, volunteer_id, attended"),
    "access_log": ("course_id", "at, user_id, course_id, endpoint"),
    "offer": ("id", "id, hsds_id, name, organisation_name, owner_organisation"),
}
# The table each id column counts in.
ID_OF = {
    "id": None,
    "user_id": "user",
    "course_id": "course",
    "meeting_id": "supervision_meeting",
}


@pytest.fixture
def plugins_dir():
    """The partner plugins in plugins/: the referral forms and organisations they bring."""
    return ROOT / "plugins"


def table_counts():
    return {m._meta.table_name: m.select().count() for m in MODELS}


def max_ids():
    tables = {t for t in CHECKED} | {"supervision_meeting"}
    return {
        t: database.execute_sql(f'SELECT COALESCE(MAX(id), 0) FROM "{t}"').fetchone()[0]
        for t in tables
    }


def checksum(before):
    """A digest of the generated rows (those past the ids the demo left)."""
    digest = hashlib.sha256()
    for table, (id_column, columns) in CHECKED.items():
        last = before[ID_OF[id_column] or table]
        cursor = database.execute_sql(
            f'SELECT {columns} FROM "{table}" WHERE {id_column} > {int(last)} ORDER BY {columns}'
        )
        rows = cursor.fetchall()
        assert rows, table
        for row in rows:
            digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()


def generated_database(tmp_path, name, seed="7"):
    """A fresh database with the demo and a small generated history: (counts, checksum)."""
    folder = tmp_path / name
    folder.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": fresh_database_url(folder),
            "SECRET_KEY": "test-secret",
            "PLUGINS_DIR": str(ROOT / "plugins"),
            "ENTRY_POINT_PLUGINS": False,
            "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
            "REQUIRE_TWO_FACTOR": False,
        }
    )
    try:
        with app.app_context():
            prepare_database()
            assert load_demo() is True
            before = max_ids()
        result = app.test_cli_runner().invoke(
            args=["generate-data", "--scale", SCALE, "--offers", "40", "--seed", seed]
        )
        assert result.exit_code == 0, result.output
        with app.app_context(), database.connection_context():
            return table_counts(), checksum(before)
    finally:
        close_all(database.obj)


@pytest.mark.database
def test_the_same_options_on_a_fresh_demo_give_the_same_rows(tmp_path):
    first = generated_database(tmp_path, "first")
    second = generated_database(tmp_path, "second")
    assert first == second
    assert first[0]["course"] > 250 and first[0]["conversation"] > 1000
    other_seed = generated_database(tmp_path, "other", seed="8")
    assert other_seed[1] != first[1]


def demo_and_history(app, runner, *args):
    with app.app_context():
        assert load_demo() is True
    result = runner.invoke(args=["generate-data", "--scale", "0.02", "--offers", "30", *args])
    assert result.exit_code == 0, result.output
    return result


def count(sql, *params):
    return database.execute_sql(sql.replace("%s", database.param), params).fetchone()[0]


def test_the_annual_report_adds_up_to_the_generated_rows(app, runner):
    demo_and_history(app, runner)
    for branch in ("all", "main"):
        result = runner.invoke(args=["report", "annual", "--branch", branch, "--format", "json"])
        assert result.exit_code == 0, result.output
        years = json.loads(result.output)
        assert len(years) >= 10  # ten years ending today
        only = "" if branch == "all" else " AND branch = 'main'"
        for year in years:
            start = date.fromisoformat(year["start"])
            end = start.replace(year=start.year + 1)
            # Inquiries: the main branch counts every branch's, as the scheme's report does.
            assert year["inquiries"] == count(
                "SELECT COUNT(*) FROM course WHERE received_on >= %s AND received_on < %s",
                start,
                end,
            )
            assert year["citizens_in_courses"] == count(
                "SELECT COUNT(*) FROM course WHERE started_on IS NOT NULL AND started_on < %s "
                f"AND (ended_on IS NULL OR ended_on >= %s){only}",
                end,
                start,
            )
            assert year["conversations"] == count(
                "SELECT COUNT(*) FROM conversation JOIN course ON course.id = course_id "
                f"WHERE held_on >= %s AND held_on < %s{only}",
                start,
                end,
            )
    # The figures look like a centre's: some ten conversations a citizen, most bridged on.
    recent = [y for y in years if y["citizens_in_courses"] >= 10]
    assert recent
    for year in recent:
        assert 5 <= year["conversations_per_citizen"] <= 20
        if year["follow_on_percent"] is not None:
            assert 50 <= year["follow_on_percent"] <= 100


def test_the_history_keeps_the_demo_and_its_logins(app, runner, client):
    result = demo_and_history(app, runner)
    assert "course" in result.output and " s" in result.output  # progress and the time
    mona = User.get(User.email == "mona@trivsel.example")
    active = Course.select().where((Course.volunteer == mona) & (Course.stage == flow.ACTIVE))
    assert active.count() == 3
    # The partner's organisation sends about a fifth of the referrals; others the rest.
    partner = User.get(User.email == "partner@trivsel.example")
    referrals = Referral.select().count()
    theirs = Referral.select().where(Referral.organisation == partner.organisation).count()
    assert referrals > 30 and 0.08 < theirs / referrals < 0.35
    assert Referral.select().where(Referral.organisation != partner.organisation).count()
    # Citizens: fake names, phone numbers in the fake range; no personal data once erased.
    phones = [c.phone for c in Citizen.select() if c.phone]
    assert phones and all(p.startswith("10 ") for p in phones if p not in DEMO_PHONES)
    erased = Course.select().where(Course.erased_on.is_null(False))
    assert erased.count() > 100
    assert not erased.where(Course.citizen.is_null(False)).exists()
    # Every queue of the dashboard has someone in it, in proportion.
    stages = {s: Course.select().where(Course.stage == s).count() for s in flow.STAGES}
    assert stages[flow.ACTIVE] >= 5
    assert Conversation.select().where(Conversation.held_on > date.today()).count() == 0
    for login in ("mona@trivsel.example", "partner@trivsel.example"):
        response = client.post("/login", data={"email": login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        assert client.get(response.headers["Location"]).status_code == 200
        client.post("/logout")
        client.token = None


DEMO_PHONES = {"20 11 22 33", "75 55 66 77", "30 40 50 60", "40 10 20 30", "61 22 33 44"}


def test_a_database_beyond_the_demo_is_refused_unchanged(app, runner):
    refused = runner.invoke(args=["generate-data", "--scale", "0.01"])
    assert refused.exit_code == 1
    assert "The demo is not loaded" in refused.output
    demo_and_history(app, runner)
    with app.app_context():
        before = table_counts()
    again = runner.invoke(args=["generate-data", "--scale", "0.01", "--offers", "5"])
    assert again.exit_code == 1
    assert "beyond the demo" in again.output and "--force" in again.output
    assert "users who are not demo users" in again.output
    with app.app_context():
        assert table_counts() == before
    forced = runner.invoke(args=["generate-data", "--scale", "0.01", "--offers", "5", "--force"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        assert Course.select().count() > before["course"]


def test_every_chunk_stays_within_the_sqlite_variable_limit():
    for model in MODELS:
        assert generate.chunk_size(model) * len(model._meta.sorted_fields) <= 32766
