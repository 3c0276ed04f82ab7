"""The demo tells the report's five stories at different steps."""

from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course
from trivsel.demo.loader import DEMO_PASSWORD, load_demo


def test_the_five_stories_at_different_steps(app):
    with app.app_context():
        assert load_demo() is True
    stages = {c.citizen.name: c.stage for c in Course.select(Course, Citizen).join(Citizen)}
    assert stages == {
        "Inge": flow.FOLLOWED_UP,
        "Lene": flow.CLOSED,
        "Gerda": flow.ACTIVE,
        "Jens": flow.INTAKE_SCHEDULED,
        "Søren": flow.PROPOSED,
        "Ulla": flow.MATCHING,  # waits for a match, so the suggestions show
    }
    anonymous = Course.select().where(Course.citizen.is_null() & Course.erased_on.is_null())
    assert anonymous.count() == 2  # anonymous inquiries
    erased = Course.get(Course.erased_on.is_null(False))  # last year's course, since erased
    assert (erased.citizen_id, erased.stage) == (None, flow.FOLLOWED_UP)
    assert Conversation.select().count() > 30
    roles = {u.role for u in User.select()}
    assert roles == {"coordinator", "volunteer", "partner", "admin"}


def test_loading_twice_changes_nothing(app):
    with app.app_context():
        assert load_demo() is True
        courses = Course.select().count()
        assert load_demo() is False
    assert Course.select().count() == courses


def test_make_run_path_init_db_with_demo_and_logins(app, runner, client):
    from trivsel.core.db import database

    # Start from an empty schema, as `make run` does on a new machine.
    database.drop_tables(list(reversed(__import__("trivsel.schema").schema.MODELS)))
    database.execute_sql('DROP TABLE IF EXISTS "schema_migration"')
    result = runner.invoke(args=["init-db", "--demo-if-new"])
    assert result.exit_code == 0, result.output
    assert "demo data loaded" in result.output
    logins = runner.invoke(args=["demo-logins"])
    assert "koordinator@trivsel.example" in logins.output and DEMO_PASSWORD in logins.output
    response = client.post(
        "/login", data={"email": "koordinator@trivsel.example", "password": DEMO_PASSWORD}
    )
    assert response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    for name in ("Gerda", "Lene", "Jens", "Søren"):
        assert name in page
    # The demo's anonymous call waited three working days: flagged.
    assert "Over 2 dage" in page


def test_the_demo_suggestions_show_reasons_and_the_ineligible(app):
    from trivsel.corps import service as corps

    with app.test_request_context():
        load_demo()
        ulla = Course.select().join(Citizen).where(Citizen.name == "Ulla").get()
        ranked = corps.suggestions(ulla)
        assert ranked[0].volunteer.name == "Karen Nielsen"
        assert "shared_areas" in ranked[0].codes
        refused = {s.volunteer.name: [r.code for r in s.refusals] for s in ranked if not s.eligible}
        assert refused == {"Lise Kjær": ["paused"], "Mona Jensen": ["at_capacity"]}


def test_without_partner_plugins_the_demo_names_no_partner(app):
    """The core's demo holds no partner's data: the referral, the organisations and who owns
    which offer come from the partner plugins' own demos (tests/test_partners.py)."""
    from trivsel.directory.models import Offer
    from trivsel.referrals.models import Referral

    with app.app_context():
        assert load_demo() is True
    assert Referral.select().count() == 0
    assert User.select().where(User.organisation.is_null(False)).count() == 0
    assert Offer.select().where(Offer.owner_organisation.is_null(False)).count() == 0
