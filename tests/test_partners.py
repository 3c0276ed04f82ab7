"""Partner plugins: each new hook as documented, a throwaway installed plugin, the three
plugins in plugins/, the referrer's status view, and a plugin that raises."""

import json
import sys

import pytest
from babel.dates import format_date
from flowkit import days_ago
from test_plugins import build_app, make_distribution, plugins_of

from trivsel.api import NavItem, OfferData, Organisation, hookimpl
from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.models import Consent
from trivsel.referrals.models import Referral
from trivsel.schema import prepare_database


@pytest.fixture
def plugins_dir():
    return ROOT / "plugins"


@pytest.fixture(autouse=True)
def forget_fake_modules():
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name.startswith("trivsel_fake_"):
            del sys.modules[name]


def belong(user, organisation):
    User.update(organisation=organisation).where(User.id == user.id).execute()


REHAB = {
    "referrer_name": "Susanne Berg",
    "referrer_department": "Genoptræningen",
    "referrer_phone": "72 10 60 00",
    "citizen_name": "Gerda Hansen",
    "citizen_phone": "75 55 66 77",
    "first_call": "scheme",
    "share_contact": "y",
    "municipal_course_ends_on": days_ago(-14),
}


def refer(kit, key="rehabilitation", **fields):
    kit.as_("partner")
    data = dict(REHAB) | fields
    return kit.client.post(f"/referrals/{key}", data={k: v for k, v in data.items() if v})


# --- The rehabilitation department ---------------------------------------------------------


def test_hook_trivsel_referral_forms(app, kit, users):
    belong(users["partner"], "rehabilitation")
    kit.as_("partner")
    listing = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Henvisning fra genoptræningen" in listing
    response = refer(kit)
    assert response.status_code == 303
    course = Course.get()
    assert (course.stage, course.channel, course.initiated_by) == (
        flow.NEW,
        "referral",
        "professional",
    )
    citizen = Citizen.get_by_id(course.citizen_id)
    assert (citizen.name, citizen.phone, citizen.considerations) == (
        "Gerda Hansen",
        "75 55 66 77",
        None,
    )
    referral = Referral.get()
    assert (referral.referred_by_id, referral.organisation, referral.first_call) == (
        users["partner"].id,
        "rehabilitation",
        "scheme",
    )
    # Consent item by item: contact data yes, nothing beyond it by default.
    consents = {c.item: c.given for c in Consent.select()}
    assert consents == {
        "share_contact": True,
        "share_considerations": False,
        "contact_referrer": False,
    }
    assert {c.source for c in Consent.select()} == {"referral:rehabilitation"}
    # The coordinator sees it in the queue and on the course page with the municipal end.
    kit.as_("coordinator")
    assert "Gerda Hansen" in kit.client.get("/dashboard").get_data(as_text=True)
    page = kit.client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Kommunalt forløb slutter" in page
    assert "Susanne Berg" in page and "Genoptræningen" in page


def test_special_considerations_only_with_consent(app, kit, users):
    belong(users["partner"], "rehabilitation")
    response = refer(kit, considerations="Begyndende demens")
    assert response.status_code == 422
    assert "kun gives videre, når borgeren har sagt ja" in response.get_data(as_text=True)
    assert "Begyndende demens" in response.get_data(as_text=True)  # the input is kept
    assert Course.select().count() == 0
    assert refer(kit, share_contact="").status_code == 422
    response = refer(kit, considerations="Begyndende demens", share_considerations="y")
    assert response.status_code == 303
    assert Citizen.get().considerations == "Begyndende demens"
    assert Consent.get(Consent.item == "share_considerations").given is True


def test_the_rehabilitation_form_is_only_for_its_department(app, kit, users):
    kit.as_("partner")  # a partner user of no organisation
    assert kit.client.get("/referrals/rehabilitation").status_code == 403
    assert "Henvisning fra genoptræningen" not in kit.client.get("/referrals/").get_data(
        as_text=True
    )
    assert kit.client.post("/referrals/rehabilitation", data=REHAB).status_code == 403
    assert Course.select().count() == 0


def test_hook_trivsel_organisations(app, kit, users):
    """The admin ties a partner to an organisation; the coordinator sees its contact."""
    app.config["REHABILITATION"] = {"contact": "Lise Holm, tlf. 72 10 60 01"}
    kit.as_("admin")
    partner = users["partner"]
    page = kit.client.get(f"/admin/users/{partner.id}").get_data(as_text=True)
    assert 'value="rehabilitation"' in page and 'value="aeldresagen"' in page
    data = {"name": partner.name, "email": "susanne@example.org", "role": "partner", "active": "y"}
    response = kit.client.post(
        f"/admin/users/{partner.id}", data=data | {"organisation": "rehabilitation"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    assert User.get_by_id(partner.id).organisation == "rehabilitation"
    partner.email = "susanne@example.org"
    refer(kit)
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{Course.get().id}").get_data(as_text=True)
    assert "Fast kontaktperson" in page and "Lise Holm, tlf. 72 10 60 01" in page


def test_hook_trivsel_consent_items(app, kit, users):
    belong(users["partner"], "rehabilitation")
    refer(kit, contact_referrer="y")
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{Course.get().id}").get_data(as_text=True)
    assert "Ordningen må kontakte henviseren om borgeren: Ja" in page


def test_hook_trivsel_template_slot(app, kit, users):
    belong(users["partner"], "rehabilitation")
    refer(kit, municipal_course_ends_on="2031-03-02")
    kit.as_("coordinator")
    page = kit.client.get(f"/courses/{Course.get().id}").get_data(as_text=True)
    assert '<dd class="municipal-end">2. mar. 2031 <span class="hint">' in page  # the date sent
    # A course that did not come from the form shows nothing from the plugin.
    other = kit.inquiry()
    assert "municipal-end" not in kit.client.get(f"/courses/{other}").get_data(as_text=True)


class ExplodingSlot:
    @hookimpl(tryfirst=True)
    def trivsel_template_slot(self, slot, context):
        raise RuntimeError("boom in slot")

    @hookimpl(tryfirst=True)
    def trivsel_offers(self):
        raise RuntimeError("boom in offers")


def test_a_plugin_raising_in_a_slot_or_offers_is_survived(app, kit, users):
    plugins = plugins_of(app)
    plugins.register(ExplodingSlot(), "exploding-slot", "test")
    try:
        belong(users["partner"], "rehabilitation")
        refer(kit)
        kit.as_("coordinator")
        response = kit.client.get(f"/courses/{Course.get().id}")
        assert response.status_code == 200
        # The other plugin's part is still there.
        assert "municipal-end" in response.get_data(as_text=True)
        # Preparing the database stores the offers of the plugins that answer.
        with app.app_context():
            prepare_database()
        assert kit.client.get("/directory/").status_code == 200
        failed = {(f.plugin, f.hook) for f in plugins.failures}
        assert ("exploding-slot", "trivsel_template_slot") in failed
        assert ("exploding-slot", "trivsel_offers") in failed
        kit.as_("admin")
        assert "boom in slot" in kit.client.get("/admin/settings").get_data(as_text=True)
    finally:
        plugins.unregister("exploding-slot")


def test_a_referral_form_whose_plugin_raises_saves_nothing_and_keeps_input(app, kit, users):
    plugins = plugins_of(app)
    _, form = plugins.referral_forms()["youth"]

    def broken(form):
        raise RuntimeError("boom in submit")

    class Broken:
        @hookimpl(tryfirst=True)
        def trivsel_referral_forms(self):
            from dataclasses import replace

            return [replace(form, key="broken", submit=broken)]

    plugins.register(Broken(), "broken", "test")
    try:
        kit.as_("coordinator")
        response = kit.client.post(
            "/referrals/broken",
            data=REHAB | {"citizen_name": "Jonas", "share_contact": "y"},
        )
        assert response.status_code == 500
        assert "Intet er gemt" in response.get_data(as_text=True)
        assert 'value="Jonas"' in response.get_data(as_text=True)
        assert Course.select().count() == 0
    finally:
        plugins.unregister("broken")


# --- The referrer's status view: the four statuses, nothing else -----------------------------


def test_the_status_view_shows_only_the_four_statuses(app, kit, users):
    belong(users["partner"], "rehabilitation")
    refer(kit, citizen_name="Gerda Hansen")
    course_id = Course.get().id
    kit.as_("partner")
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Modtaget" in page

    # Take the course all the way: goals at intake, conversations, a closing.
    today = days_ago(0)
    kit.as_("coordinator")
    same_day = {
        flow.FIRST_CONTACT: {"contacted_on": today},
        flow.SCHEDULE_INTAKE: {"scheduled_at": f"{today}T10:00"},
        flow.HOLD_INTAKE: {"held_on": today},
        flow.PROPOSE: {},
    }
    for action, fields in same_day.items():
        assert kit.step(course_id, action, **fields).status_code == 303
    kit.as_("partner")
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Første kontakt skabt" in page
    kit.as_("volunteer")
    assert kit.answer(course_id).status_code == 303
    kit.as_("coordinator")
    assert kit.step(course_id, flow.MATCH_MEETING_HELD, meeting_on=today).status_code == 303
    kit.as_("volunteer")
    for key in ("a", "b", "c"):
        response = kit.client.post(
            f"/me/courses/{course_id}/conversations",
            data={"held_on": today, "mode": "outside", "submission_key": key},
        )
        assert response.status_code == 303, response.get_data(as_text=True)
    kit.as_("partner")
    assert "I forløb" in kit.client.get("/referrals/").get_data(as_text=True)
    kit.as_("coordinator")
    closing = kit.step(course_id, flow.CLOSE, ended_on=today, follow_on_offers="Ældresagen")
    assert closing.status_code == 303

    kit.as_("partner")
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Afsluttet" in page
    course = Course.get_by_id(course_id)
    never = [
        "Gerda",  # not even the name the referrer sent
        "75 55 66 77",
        "Gå i Føtex selv",  # goals
        "Mona Jensen",  # the volunteer
        "Ældresagen",  # where she went on to
        "Samtaler",
        "Mål nået",
        "Ude",
    ]
    for text in never:
        assert text not in page, text
    status_cells = [cell for cell in page.split('class="status-')[1:] if cell.split('"')[0]]
    assert [c.split('"')[0] for c in status_cells] == ["closed"]
    first_contact = format_date(course.first_contact_on, "medium", locale="da")
    assert f"Afsluttet (første kontakt {first_contact})" in page  # the first contact's date


def test_a_partner_sees_only_their_own_referrals(app, kit, users):
    from conftest import make_user

    belong(users["partner"], "rehabilitation")
    refer(kit)
    colleague = make_user("partner", "Karin Dahl")
    belong(colleague, "rehabilitation")
    kit.auth.logout()
    kit.auth.login(colleague)
    page = kit.client.get("/referrals/").get_data(as_text=True)
    assert "Du har ikke sendt nogen henvisninger endnu." in page
    assert "status-received" not in page


# --- The youth branch ---------------------------------------------------------------------


def test_the_youth_form_makes_a_youth_branch_inquiry(app, kit, users):
    kit.as_("partner")
    data = {
        "referrer_name": "Ida",
        "referrer_department": "Jobcentret",
        "referrer_phone": "70 00 00 00",
        "citizen_name": "Jonas",
        "citizen_email": "jonas@example.org",
        "birth_year": str(days_ago(0)[:4] and int(days_ago(0)[:4]) - 22),
        "first_call": "citizen",
        "share_contact": "y",
    }
    assert kit.client.post("/referrals/youth", data=data).status_code == 303
    course = Course.get()
    assert (course.branch, course.target_group) == ("youth", "young_adult")
    too_old = data | {"birth_year": "1950"}
    response = kit.client.post("/referrals/youth", data=too_old)
    assert response.status_code == 422
    assert Course.select().count() == 1


# --- Navigation, blueprints, template folders -----------------------------------------------


def test_hook_trivsel_navigation_items(app, kit, users):
    belong(users["partner"], "aeldresagen")
    kit.as_("partner")
    page = kit.client.get("/partner/").get_data(as_text=True)
    assert 'href="/associations/"' in page and "Vores tilbud" in page
    belong(users["partner"], "rehabilitation")
    assert 'href="/associations/"' not in kit.client.get("/partner/").get_data(as_text=True)
    kit.as_("volunteer")  # not allowed at the endpoint: not in the menu
    assert 'href="/associations/"' not in kit.client.get("/me").get_data(as_text=True)


def test_hook_trivsel_blueprints(app, kit, users):
    """The associations plugin's page: its own offers and counts of bridged and went."""
    belong(users["partner"], "aeldresagen")
    offer = Offer.create(
        hsds_id="b0000000-0000-4000-8000-000000000001",
        source="local",
        owner_organisation="aeldresagen",
        organisation_name="Ældresagen",
        name="Computerundervisning",
    )
    course_id = kit.to(flow.CLOSED)
    OfferLink.create(course=course_id, offer=offer, linked_on=days_ago(1), went=True)
    kit.as_("partner")
    response = kit.client.get("/associations/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Computerundervisning" in page
    assert "<td>1</td><td>1</td>" in page
    assert "Gerda" not in page


def test_hook_trivsel_template_folders(tmp_path):
    """A plugin's folder serves its namespaced templates; a core template cannot be replaced."""
    folder = tmp_path / "plugins" / "extra"
    (folder / "templates" / "extra").mkdir(parents=True)
    (folder / "templates" / "extra" / "page.html").write_text("extra page")
    (folder / "templates" / "base.html").write_text("hijacked")
    (folder / "__init__.py").write_text(
        "from pathlib import Path\n"
        "from trivsel.api import hookimpl\n\n"
        "@hookimpl\n"
        "def trivsel_template_folders():\n"
        "    return [Path(__file__).parent / 'templates']\n"
    )
    app = build_app(tmp_path)
    env = app.jinja_env
    assert env.get_template("extra/page.html").render() == "extra page"
    assert env.get_template("base.html").filename == str(ROOT / "templates" / "base.html")
    with app.app_context():
        assert "hijacked" not in env.loader.get_source(env, "base.html")[0]
    login = app.test_client().get("/login")  # a page built on base.html
    assert login.status_code == 200
    assert "hijacked" not in login.get_data(as_text=True)


def test_a_plugin_failing_in_a_setup_hook_stops_start_up(tmp_path):
    from trivsel.core.plugins import PluginLoadError

    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "bad.py").write_text(
        "from trivsel.api import hookimpl\n\n"
        "@hookimpl\n"
        "def trivsel_blueprints():\n"
        "    raise RuntimeError('no blueprint')\n"
    )
    with pytest.raises(PluginLoadError, match="Plugin 'bad'.*trivsel_blueprints"):
        build_app(tmp_path)


# --- A throwaway installed plugin: its referral form and its offers appear -------------------

THROWAWAY = """
    from trivsel.api import hookimpl
    from trivsel.api import Form, required
    from trivsel.api import OfferData, ReferralForm, ReferralSubmission
    from wtforms import StringField

    class CallForm(Form):
        who = StringField("Navn", validators=[required()])

    def submit(form):
        return ReferralSubmission(
            citizen={"name": form.who.data}, consents={"share_contact": True}
        )

    @hookimpl
    def trivsel_referral_forms():
        return [ReferralForm("library", "Henvisning fra biblioteket", CallForm, submit,
                             roles=("partner",))]

    @hookimpl
    def trivsel_offers():
        return [OfferData("reading", "Fredericia Bibliotek", "Læseklub for seniorer",
                          area="Fredericia", categories=("learning", "social"),
                          target_group="senior")]
"""


@pytest.mark.database
def test_hook_trivsel_offers(tmp_path, monkeypatch):
    """An installed distribution with an entry point adds a referral form and offers."""
    from conftest import CsrfClient, fresh_database_url, make_user

    from trivsel.core.db import database
    from trivsel.schema import prepare_database

    make_distribution(
        tmp_path / "site",
        "trivsel-fake-library",
        {"library": "trivsel_fake_library"},
        {"trivsel_fake_library": THROWAWAY},
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    url = fresh_database_url(tmp_path)
    app = build_app(tmp_path, entry_points=True, DATABASE_URL=url)
    app.test_client_class = CsrfClient
    listing = {row["name"]: row for row in plugins_of(app).listing()}
    assert listing["library"]["source"] == "entry point in trivsel-fake-library"
    assert listing["library"]["hooks"] == ["trivsel_offers", "trivsel_referral_forms"]
    with app.app_context():
        prepare_database()  # what `flask init-db` does: it stores the plugins' offers
        partner = make_user("partner", "Pia Bibliotekar")
        make_user("volunteer", "Mona Jensen")
    client = app.test_client()
    client.post("/login", data={"email": partner.email, "password": "correct horse battery"})
    client.token = None
    assert "Henvisning fra biblioteket" in client.get("/referrals/").get_data(as_text=True)
    assert client.post("/referrals/library", data={"who": "Aase"}).status_code == 303
    page = client.get("/directory/?q=læseklub").get_data(as_text=True)
    assert "Læseklub for seniorer" in page and "Fredericia Bibliotek" in page
    with app.app_context(), database.connection_context():
        assert Citizen.get().name == "Aase"
        offer = Offer.get()
        assert (offer.source, offer.source_key, offer.category_codes) == (
            "plugin:library",
            "reading",
            ["learning", "social"],
        )
    # Stored once however often the database is prepared; a plugin that stops contributing
    # it leaves it inactive.
    with app.app_context():
        prepare_database()
        assert Offer.select().count() == 1
    app2 = build_app(tmp_path, entry_points=True, DATABASE_URL=url, DISABLED_PLUGINS=("library",))
    with app2.app_context():
        prepare_database()
    with app2.app_context(), database.connection_context():
        assert [(o.name, o.active) for o in Offer.select()] == [("Læseklub for seniorer", False)]
    database.close()


def test_hook_trivsel_course_closed(app, kit):
    heard = []

    class Listener:
        @hookimpl
        def trivsel_course_closed(self, course, offer_ids):
            heard.append((course.id, course.stage, offer_ids))

    offer = Offer.create(
        hsds_id="c0000000-0000-4000-8000-000000000001",
        source="local",
        organisation_name="Ældresagen",
        name="Gåhold",
    )
    plugins_of(app).register(Listener(), "listener", "test")
    try:
        course_id = kit.to(flow.ACTIVE)
        response = kit.step(course_id, flow.CLOSE, offers=str(offer.id))
        assert response.status_code == 303
        assert heard == [(course_id, flow.CLOSED, [offer.id])]
        kit.step(course_id, flow.FOLLOW_UP)
        assert len(heard) == 1
    finally:
        plugins_of(app).unregister("listener")


def test_plugins_command_lists_plugins(app, runner):
    result = runner.invoke(args=["plugins"])
    assert result.exit_code == 0
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
    assert lines["rehabilitation"][1] == "plugins/rehabilitation/__init__.py"
    assert "trivsel_referral_forms" in lines["rehabilitation"][2]
    assert "trivsel_branches" in lines["youth_bridge"][2]
    assert "trivsel_blueprints" in lines["associations"][2]
    assert lines["trivsel.core"][1] == "default"


def test_organisation_and_nav_item_types():
    assert Organisation("x", "X").kind == "referrer"
    assert NavItem("a.b", "B").endpoint == "a.b"
    assert OfferData("k", "Org", "Name").categories == ()


# --- The demo -------------------------------------------------------------------------------


class ExplodingDemo:
    @hookimpl
    def trivsel_demo(self, demo):
        raise RuntimeError("boom in demo")


def test_hook_trivsel_demo(app):
    """The partners add their part of the demo: the rehabilitation department's referral of
    Gerda (with its own extra fact and consents), the partner logins' organisations and the
    associations' offers. A plugin raising in its demo leaves the rest of the demo loaded."""
    from trivsel.demo.loader import load_demo

    plugins = plugins_of(app)
    plugins.register(ExplodingDemo(), "exploding-demo", "test")
    try:
        with app.app_context():
            assert load_demo() is True
    finally:
        plugins.unregister("exploding-demo")
    referral = Referral.get()
    gerda = Citizen.get_by_id(referral.course.citizen_id)
    assert gerda.name == "Gerda"
    assert (referral.form, referral.plugin, referral.organisation) == ("rehabilitation",) * 3
    assert referral.referred_by.email == "partner@trivsel.example"
    assert json.loads(referral.extra)["municipal_course_ends_on"] == days_ago(112)
    assert referral.created_at.date() == referral.course.received_on
    consents = {
        (c.item, c.given, c.source)
        for c in Consent.select().where(
            Consent.course == referral.course_id, Consent.source != "written"
        )
    }
    assert consents == {
        ("share_contact", True, "referral:rehabilitation"),
        ("share_considerations", False, "referral:rehabilitation"),
    }
    organisations = {u.email: u.organisation for u in User.select() if u.organisation}
    assert organisations == {
        "partner@trivsel.example": "rehabilitation",
        "forening@trivsel.example": "aeldresagen",
    }
    owned = {o.name: o.owner_organisation for o in Offer.select() if o.owner_organisation}
    assert owned["Computerundervisning for begyndere"] == "aeldresagen"
    assert set(owned.values()) == {"aeldresagen", "frivilligcenter"}
    assert ("exploding-demo", "trivsel_demo") in {(f.plugin, f.hook) for f in plugins.failures}
