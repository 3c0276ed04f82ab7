"""The directory: search and filters, who keeps which entries, closing links offers and the
follow-up records who went, HSDS 3.0 import (idempotent) and export (valid)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from trivsel.core.users import User
from trivsel.courses import flow
from trivsel.directory import service as directory
from trivsel.directory.models import Offer, OfferLink

HSDS = Path("/work/shared/data/hsds-3.0")
if not HSDS.exists():
    HSDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "hsds-3.0"


@pytest.fixture
def plugins_dir():
    """The built-in partner plugins, whose associations keep directory entries."""
    from trivsel.core.resources import CHECKOUT as ROOT

    return ROOT / "plugins"


def offer(name, owner=None, **fields):
    return Offer.create(
        hsds_id=directory.new_id(),
        source="local",
        owner_organisation=owner,
        organisation_name=fields.pop("organisation_name", "Ældresagen"),
        name=name,
        **fields,
    )


def test_search_and_filters(app, kit):
    offer("Computerundervisning", categories=" learning ", target_group="senior", area="Fredericia")
    offer("Gåhold", categories=" exercise social ", target_group="senior", area="Taulov")
    offer("Ungdomsnetværk", categories=" social ", target_group="young_adult", area="Fredericia")
    kit.as_("volunteer")
    names = lambda url: [  # noqa: E731
        o
        for o in ("Computerundervisning", "Gåhold", "Ungdomsnetværk")
        if o in kit.client.get(url).get_data(as_text=True)
    ]
    assert names("/directory/") == ["Computerundervisning", "Gåhold", "Ungdomsnetværk"]
    assert names("/directory/?q=computer") == ["Computerundervisning"]
    assert names("/directory/?category=social") == ["Gåhold", "Ungdomsnetværk"]
    assert names("/directory/?target_group=senior&area=Fredericia") == ["Computerundervisning"]
    # The htmx search gets the results fragment alone, and varies on HX-Request.
    response = kit.client.get("/directory/?q=gå", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="offer-results"')
    assert "Gåhold" in body and "Computerundervisning" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_directory_pages_and_search_and_filters_page_with_it(app, kit, monkeypatch):
    from trivsel.directory import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    # By organisation and name: A1, A2 | B1, B2 | C1 (Gåhold, the one a search finds).
    for org, name, area in [
        ("Aa Forening", "Aa tilbud 1", "Fredericia"),
        ("Aa Forening", "Aa tilbud 2", "Taulov"),
        ("Bb Forening", "Bb tilbud 1", "Fredericia"),
        ("Bb Forening", "Bb tilbud 2", "Fredericia"),
        ("Cc Forening", "Gåhold", "Fredericia"),
    ]:
        offer(name, organisation_name=org, area=area, categories=" social ")
    kit.as_("volunteer")
    shown = lambda page: [  # noqa: E731
        n
        for n in ("Aa tilbud 1", "Aa tilbud 2", "Bb tilbud 1", "Bb tilbud 2", "Gåhold")
        if f'"offer-name">{n}<' in page
    ]
    first = kit.client.get("/directory/").get_data(as_text=True)
    assert shown(first) == ["Aa tilbud 1", "Aa tilbud 2"]
    assert "5 tilbud" in first and "Viser 1–2 af 5" in first
    assert 'href="/directory/?page=2"' in first and "Forrige side" not in first
    second = kit.client.get("/directory/?page=2").get_data(as_text=True)
    assert shown(second) == ["Bb tilbud 1", "Bb tilbud 2"]
    assert "Forrige side" in second and 'href="/directory/?page=3"' in second
    last = kit.client.get("/directory/?page=3").get_data(as_text=True)
    assert shown(last) == ["Gåhold"] and "Næste side" not in last
    # The search finds the offer on the last page, on its first page.
    found = kit.client.get("/directory/?q=gåhold").get_data(as_text=True)
    assert shown(found) == ["Gåhold"] and "1 tilbud" in found and "Næste side" not in found
    # A filter narrows what is paged, and the pager's links keep it.
    area = kit.client.get("/directory/?area=Fredericia&category=social").get_data(as_text=True)
    assert shown(area) == ["Aa tilbud 1", "Bb tilbud 1"] and "4 tilbud" in area
    assert "area=Fredericia" in area.split('class="pager"')[1]
    assert "category=social" in area.split('class="pager"')[1]
    later = kit.client.get("/directory/?area=Fredericia&category=social&page=2")
    assert shown(later.get_data(as_text=True)) == ["Bb tilbud 2", "Gåhold"]
    # The htmx search gets the fragment with its pager; a page past the end says so.
    fragment = kit.client.get("/directory/?q=tilbud", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="offer-results"')
    assert "4 tilbud" in body and "q=tilbud&amp;page=2" in body
    beyond = kit.client.get("/directory/?page=9").get_data(as_text=True)
    assert "Ingen tilbud passer på søgningen." in beyond and "Forrige side" in beyond


def test_the_directory_counts_in_sql_whatever_the_number_of_offers(app, kit):
    from test_supervision import count_queries

    kit.as_("coordinator")
    for i in range(30):
        offer(f"Tilbud {i:03}", description="Hver tirsdag")
    pages = []
    get = lambda url: lambda: pages.append(kit.client.get(url).get_data(as_text=True))  # noqa: E731
    few = count_queries(get("/directory/")), count_queries(get("/directory/?q=tirsdag"))
    for i in range(30, 90):
        offer(f"Tilbud {i:03}", description="Hver tirsdag")
    many = count_queries(get("/directory/")), count_queries(get("/directory/?q=tirsdag"))
    assert many == few
    for page in pages[2:]:
        assert "90 tilbud" in page and page.count('class="offer"') == 25


def test_association_staff_keep_their_own_entries(app, kit, users):
    User.update(organisation="aeldresagen").where(User.id == users["partner"].id).execute()
    others = offer("Andres tilbud", owner="dgi")
    kit.as_("partner")
    data = {"organisation_name": "Ældresagen", "name": "Strikkeklub", "categories": ["creative"]}
    data["active"] = "y"
    assert kit.client.post("/directory/new", data=data).status_code == 303
    mine = Offer.get(Offer.name == "Strikkeklub")
    assert (mine.owner_organisation, mine.category_codes) == ("aeldresagen", ["creative"])
    assert (
        kit.client.post(f"/directory/{mine.id}", data=data | {"name": "Strik"}).status_code == 303
    )
    assert Offer.get_by_id(mine.id).name == "Strik"
    assert kit.client.get(f"/directory/{others.id}").status_code == 403
    bad = data | {"minimum_age": "70", "maximum_age": "60", "name": ""}
    response = kit.client.post(f"/directory/{mine.id}", data=bad)
    assert response.status_code == 422
    assert Offer.get_by_id(mine.id).name == "Strik"


def test_closing_links_offers_and_the_follow_up_records_who_went(app, kit):
    walk = offer("Gåhold")
    computer = offer("Computerundervisning")
    course_id = kit.to(flow.ACTIVE)
    # The close form finds the offers by a search (the page no longer lists every offer).
    found = kit.client.get(
        "/courses/offers", query_string={"close-offer_q": "gåhold"}, headers={"HX-Request": "true"}
    )
    assert "Gåhold (Ældresagen)" in found.get_data(as_text=True)
    response = kit.step(
        course_id, flow.CLOSE, offers=[str(walk.id), str(computer.id)], follow_on_offers="Kirken"
    )
    assert response.status_code == 303
    links = {link.offer_id: link.went for link in OfferLink.select()}
    assert links == {walk.id: None, computer.id: None}
    response = kit.step(course_id, flow.FOLLOW_UP, went=str(computer.id))
    assert response.status_code == 303
    links = {link.offer_id: link.went for link in OfferLink.select()}
    assert links == {walk.id: False, computer.id: True}
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Computerundervisning (Ældresagen): kom i gang" in page
    assert "Gåhold (Ældresagen): gik ikke" in page


def test_an_unknown_offer_at_closing_is_refused(app, kit):
    offer("Gåhold")
    course_id = kit.to(flow.ACTIVE)
    assert kit.step(course_id, flow.CLOSE, offers="99999").status_code == 422
    assert OfferLink.select().count() == 0


def hsds_validator(name="service.json"):
    schemas = {path.name: json.loads(path.read_text()) for path in (HSDS / "schema").glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas.items()
    )
    return Draft202012Validator({"$ref": name}, registry=registry, format_checker=FormatChecker())


@pytest.fixture
def service_example():
    return json.loads((HSDS / "examples" / "service_full.json").read_text())


def test_hsds_import_twice_duplicates_nothing_and_export_validates(
    app, runner, service_example, tmp_path
):
    hsds_validator().validate(service_example)  # the validator itself works on the example
    path = tmp_path / "services.json"
    path.write_text(json.dumps([service_example]))
    first = runner.invoke(args=["directory", "import-hsds", str(path)])
    assert first.exit_code == 0, first.output
    assert "imported 1 new offers" in first.output
    second = runner.invoke(args=["directory", "import-hsds", str(path)])
    assert "imported 0 new offers, updated 1" in second.output
    assert Offer.select().count() == 1
    imported = Offer.get()
    assert imported.hsds_id == service_example["id"]
    assert imported.name == service_example["name"]
    # An organization with its services, and a single service, are read too.
    organisation = dict(service_example["organization"], services=[service_example])
    path.write_text(json.dumps(organisation))
    assert runner.invoke(args=["directory", "import-hsds", str(path)]).exit_code == 0
    path.write_text(json.dumps(service_example))
    assert runner.invoke(args=["directory", "import-hsds", str(path)]).exit_code == 0
    assert Offer.select().count() == 1

    offer(
        "Gåhold",
        categories=" exercise social ",
        target_group="senior",
        area="Fredericia",
        location="Prinsens Port",
        schedule="Torsdage kl. 10",
        contact_name="Ole",
        contact_phone="75 92 00 00",
        contact_email="ole@example.org",
        minimum_age=60,
        description="En rolig gåtur",
    )
    out = tmp_path / "export.json"
    result = runner.invoke(args=["directory", "export-hsds", str(out)])
    assert result.exit_code == 0, result.output
    services = json.loads(out.read_text())
    assert len(services) == 2
    validator = hsds_validator()
    for service in services:
        errors = sorted(validator.iter_errors(service), key=str)
        assert not errors, [e.message for e in errors]
    walk = next(s for s in services if s["name"] == "Gåhold")
    assert walk["organization"]["name"] == "Ældresagen"
    assert walk["service_at_locations"][0]["location"]["name"] == "Prinsens Port"
    codes = {a["taxonomy_term"]["code"] for a in walk["attributes"]}
    assert codes == {"exercise", "social", "senior"}
    # What Trivsel exports, it reads back as the same offers.
    out_again = tmp_path / "again.json"
    assert runner.invoke(args=["directory", "import-hsds", str(out)]).exit_code == 0
    assert Offer.select().count() == 2
    runner.invoke(args=["directory", "export-hsds", str(out_again)])
    again = {s["id"]: s["name"] for s in json.loads(out_again.read_text())}
    assert again == {s["id"]: s["name"] for s in services}


def test_a_broken_hsds_file_changes_nothing(app, runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"id": "x", "name": "Ok", "status": "active"}, {"name": "No id"}]))
    result = runner.invoke(args=["directory", "import-hsds", str(path)])
    assert result.exit_code != 0 and "nothing changed" in result.output
    assert Offer.select().count() == 0


def test_demo_offers_and_stories(app):
    from trivsel.demo.loader import load_demo
    from trivsel.referrals.models import Referral
    from trivsel.stories.models import Story

    with app.app_context():
        assert load_demo() is True
    inge = OfferLink.get()
    assert inge.offer.name == "Computerundervisning for begyndere" and inge.went is True
    assert Story.select().where(Story.published == True).count() == 5  # noqa: E712
    assert Referral.get().referred_by.organisation == "rehabilitation"


def test_staff_publish_under_their_own_name_and_referrers_add_no_offers(app, kit, users):
    User.update(organisation="aeldresagen").where(User.id == users["partner"].id).execute()
    kit.as_("partner")
    data = {"organisation_name": "Frivilligcenter Fredericia", "name": "Falsk", "active": "y"}
    assert kit.client.post("/directory/new", data=data).status_code == 303
    assert Offer.get(Offer.name == "Falsk").organisation_name != "Frivilligcenter Fredericia"
    User.update(organisation="rehabilitation").where(User.id == users["partner"].id).execute()
    kit.as_("partner")
    assert kit.client.get("/directory/new").status_code == 403
    assert kit.client.post("/directory/new", data=data | {"name": "Ny"}).status_code == 403
    assert not Offer.select().where(Offer.name == "Ny").exists()
