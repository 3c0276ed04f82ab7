"""All the goals counted: conversations per citizen by the share within 1-10 (the mean
beside it), seen and heard, quality of life, and bridging per offer and per category, per
branch, on the page, for an association, and after a correction of the data."""

from datetime import date, timedelta

import pytest
import test_statistics
from test_statistics_page import Tables

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.courses.models import Conversation, Course
from trivsel.directory.models import Offer, OfferLink
from trivsel.statistics import bridging, figures
from trivsel.statistics import report as annual_report

youth = test_statistics.youth
CALENDAR = (1, 1)
Y2013 = date(2013, 1, 1)
STARTED, ENDED, FOLLOWED_UP = date(2013, 1, 10), date(2013, 12, 1), date(2013, 12, 15)

# Main: eleven citizens and 132 conversations in 2013, a mean of 12 as in the report's
# year 1, yet nine of the eleven had 1-10: eight had 8, one had 1, two had 33 and 34.
MAIN_CONVERSATIONS = [8] * 8 + [1, 33, 34]
# (felt seen and heard, quality of life) of the five followed up, main's first five.
MAIN_FOLLOW_UPS = [(True, "better"), (True, "better"), (True, "better"), (True, "same")]
MAIN_FOLLOW_UPS += [(False, "worse")]
# Youth: two citizens, 12 and 3 conversations; the first followed up.
YOUTH_CONVERSATIONS = [12, 3]


def course(branch, n, follow_up=None):
    facts = {
        "branch": branch,
        "stage": "followed_up" if follow_up else "closed",
        "received_on": STARTED - timedelta(days=7),
        "initiated_by": "citizen",
        "started_on": STARTED,
        "ended_on": ENDED,
    }
    if follow_up:
        facts |= {
            "followed_up_on": FOLLOWED_UP,
            "felt_heard": follow_up[0],
            "quality_of_life": follow_up[1],
            "follow_on_contact": True,
        }
    made = Course.create(**facts)
    Conversation.insert_many(
        [{"course": made.id, "held_on": STARTED + timedelta(days=i)} for i in range(n)]
    ).execute()
    return made


def offer(owner, organisation_name, name, categories):
    return Offer.create(
        hsds_id=f"b0000000-0000-4000-8000-{len(name):012d}",
        source="local",
        owner_organisation=owner,
        organisation_name=organisation_name,
        name=name,
        categories=categories,
    )


@pytest.fixture
def plugins_dir():
    """The plugins in plugins/, for the associations' page."""
    return ROOT / "plugins"


@pytest.fixture
def goals(app, youth):
    with app.app_context():
        follow_ups = MAIN_FOLLOW_UPS + [None] * (11 - len(MAIN_FOLLOW_UPS))
        main = [course("main", n, f) for n, f in zip(MAIN_CONVERSATIONS, follow_ups, strict=True)]
        young = [
            course("youth", YOUTH_CONVERSATIONS[0], (True, "same")),
            course("youth", YOUTH_CONVERSATIONS[1]),
        ]
        computer = offer("aeldresagen", "Ældresagen", "Computerundervisning", " learning social ")
        walk = offer("gaa_sammen", "Gå-sammen-holdet", "Gåtur", " exercise social ")
        for linked, to, went in [
            (main[0], computer, True),
            (main[1], computer, False),
            (main[5], computer, None),  # not followed up yet: neither went nor not
            (main[0], walk, True),
            (main[3], walk, True),
            (young[0], computer, True),
        ]:
            OfferLink.create(course=linked, offer=to, linked_on=ENDED, went=went)
        yield {"main": main, "youth": young, "computer": computer, "walk": walk}


def year(branch):
    (only,) = [f for f in figures.annual_figures(branch, CALENDAR) if f.start == Y2013]
    return only


def build(app):
    with app.test_request_context():
        report = annual_report.build(CALENDAR, app.extensions["trivsel.plugins"].branches())
        goals = [(str(g.label), str(g.target), str(g.actual), g.met) for g in report.goals]
    return report, goals


def test_the_share_within_1_10_meets_the_goal_though_the_mean_is_above(app, goals):
    main = year("main")
    assert (main.citizens_in_courses, main.conversations) == (11, 132)
    assert main.conversations_per_citizen == 12.0
    assert (main.within_goal, main.within_goal_percent) == (9, 82)
    _report, listed = build(app)
    assert listed[0] == (
        "Samtaler pr. borger pr. år",
        "1-10 for over halvdelen af borgerne",
        "82 % af borgerne (9 af 11); gennemsnit 12,0",
        True,
    )


def test_the_configured_range_is_the_one_counted(app, goals):
    app.config["GOAL_CONVERSATIONS_PER_CITIZEN"] = (1, 7)
    with app.app_context():
        assert year("main").within_goal == 1  # only the citizen with one conversation
    _report, listed = build(app)
    assert listed[0][1:] == (
        "1-7 for over halvdelen af borgerne",
        "9 % af borgerne (1 af 11); gennemsnit 12,0",
        False,
    )


def test_seen_and_heard_and_quality_of_life(app, goals):
    main = year("main")
    assert (main.followed_up, main.felt_heard, main.felt_heard_percent) == (5, 4, 80)
    assert (main.quality_better, main.quality_same, main.quality_worse) == (3, 1, 1)
    assert (
        main.quality_better_percent,
        main.quality_same_percent,
        main.quality_worse_percent,
    ) == (60, 20, 20)


def test_every_figure_per_branch(app, goals):
    young, total = year("youth"), year("all")
    assert (young.citizens_in_courses, young.within_goal, young.within_goal_percent) == (2, 1, 50)
    assert (young.followed_up, young.felt_heard, young.quality_same) == (1, 1, 1)
    assert (total.citizens_in_courses, total.within_goal, total.within_goal_percent) == (13, 10, 77)
    assert (total.followed_up, total.felt_heard, total.quality_same_percent) == (6, 5, 33)


def counts(rows):
    return [(row.label, row.linked, row.asked, row.went, row.went_percent) for row in rows]


def by_label(rows):
    """Offers by label: the order by organisation name follows the database's collation."""
    return {label: rest for label, *rest in counts(rows)}


def test_bridging_per_offer_and_category_per_branch(app, goals):
    report, _goals = build(app)
    offers = {key: per_year for key, _label, per_year in report.bridging_offers}
    categories = {key: per_year for key, _label, per_year in report.bridging_categories}
    assert by_label(offers["main"][Y2013]) == {
        "Gå-sammen-holdet – Gåtur": [2, 2, 2, 100],
        "Ældresagen – Computerundervisning": [3, 2, 1, 50],
    }
    assert counts(offers["youth"][Y2013]) == [("Ældresagen – Computerundervisning", 1, 1, 1, 100)]
    assert by_label(offers["all"][Y2013])["Ældresagen – Computerundervisning"] == [4, 3, 2, 67]
    # In the directory's order; an offer in two categories counts in both.
    assert counts(categories["main"][Y2013]) == [
        ("Samvær og fællesskab", 5, 4, 3, 75),
        ("Motion og gåture", 2, 2, 2, 100),
        ("Læring og IT", 3, 2, 1, 50),
    ]
    assert counts(categories["youth"][Y2013]) == [
        ("Samvær og fællesskab", 1, 1, 1, 100),
        ("Læring og IT", 1, 1, 1, 100),
    ]


@pytest.fixture
def coordinator(client, auth, users):
    auth.login(users["coordinator"])
    return client


def statistics_page(client):
    response = client.get("/statistics/?year_start=01-01")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cells(table, key, column=0):
    return table["rows"][key][column]


def test_the_page_shows_the_share_beside_the_mean_and_the_goal_met(goals, coordinator):
    html = statistics_page(coordinator)
    tables = Tables(html).tables
    main = tables["goal-figures-main"]
    column = main["years"].index("2013-01-01")
    assert cells(main, "within_goal", column) == "9"
    assert cells(main, "within_goal_percent", column) == "82\u00a0%"
    assert cells(main, "conversations_per_citizen", column) == "12,0"
    assert cells(main, "felt_heard_percent", column) == "80\u00a0%"
    assert cells(main, "quality_worse", column) == "1"
    assert cells(tables["goal-figures-youth"], "within_goal_percent", column) == "50\u00a0%"
    assert "Andel med 1-10 samtaler" in html and "Følte sig set og hørt" in html
    assert "82 % af borgerne (9 af 11); gennemsnit 12,0" in html
    goals_row = html.split("82 % af borgerne")[1].split("</tr>")[0]
    assert "✓ Ja" in goals_row
    offers = tables["bridging-offers-main"]["rows"]
    computer = goals["computer"].id
    assert offers[f"2013-01-01/{computer}"] == ["3", "2", "1", "50\u00a0%"]
    categories = tables["bridging-categories-all"]["rows"]
    assert categories["2013-01-01/social"] == ["6", "5", "4", "80\u00a0%"]


def test_the_association_sees_its_own_offers_only(app, goals, client, auth, users):
    User.update(organisation="aeldresagen").where(User.id == users["partner"].id).execute()
    auth.login(users["partner"])
    response = client.get("/associations/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Computerundervisning" in html and "Gåtur" not in html
    row = f'<tr data-offer="{goals["computer"].id}">'
    overall, by_year = html.split('id="offer-years"')
    assert "<td>4</td><td>2</td><td>3</td><td>67\u00a0%</td>" in overall.split(row)[1]
    assert '<time datetime="2013-01-01">2013</time>' in by_year
    assert "<td>4</td><td>2</td><td>3</td><td>67\u00a0%</td>" in by_year.split(row)[1]
    with app.app_context():
        (only,) = bridging.offer_figures_by_year("aeldresagen", CALENDAR)
        assert [(o.name, o.bridged, o.asked, o.went) for o in only.offers] == [
            ("Computerundervisning", 4, 3, 2)
        ]
        assert bridging.offer_figures_by_year("nobody", CALENDAR) == []


def test_a_correction_of_the_data_moves_the_figures(app, goals):
    with app.app_context():
        one = goals["main"][8]  # the citizen with a single conversation
        Conversation.delete().where(Conversation.course == one.id).execute()
        main = year("main")
        assert (main.within_goal, main.within_goal_percent) == (8, 73)
        assert main.conversations_per_citizen == 11.9
        Course.update(felt_heard=True).where(Course.id == goals["main"][4].id).execute()
        assert year("main").felt_heard_percent == 100
        OfferLink.update(went=True).where(OfferLink.course == goals["main"][1].id).execute()
    report, listed = build(app)
    offers = dict((key, per_year) for key, _label, per_year in report.bridging_offers)
    assert by_label(offers["main"][Y2013])["Ældresagen – Computerundervisning"] == [3, 2, 2, 100]
    assert listed[0][2] == "73 % af borgerne (8 af 11); gennemsnit 11,9"


def test_the_page_shows_the_most_linked_offers_and_the_downloads_every_offer(
    goals, coordinator, monkeypatch
):
    from trivsel.statistics import presentation

    monkeypatch.setattr(presentation, "OFFER_ROWS", 1)
    html = statistics_page(coordinator)
    offers = Tables(html).tables["bridging-offers-main"]["rows"]
    computer, walk = goals["computer"].id, goals["walk"].id
    assert list(offers) == [f"2013-01-01/{computer}"]  # 3 links against the walk's 2
    left_off = html.split('id="bridging-offers-main-left-off"')[1].split("</p>")[0]
    assert "2013: 1 tilbud mere" in left_off and "annual.xlsx" in left_off
    response = coordinator.get("/statistics/annual-data.csv?year_start=01-01")
    data = response.get_data(as_text=True)
    assert f"2013-01-01/{walk}" in data and f"2013-01-01/{computer}" in data


def test_a_range_from_zero_counts_the_citizens_without_a_conversation(app, goals):
    with app.app_context():
        course("main", 0)  # ran in 2013 without a conversation
        app.config["GOAL_CONVERSATIONS_PER_CITIZEN"] = (1, 7)
        assert (year("main").within_goal, year("main").citizens_in_courses) == (1, 12)
        app.config["GOAL_CONVERSATIONS_PER_CITIZEN"] = (0, 7)
        assert year("main").within_goal == 2  # the one with 1, and the one with none


def test_the_page_shows_one_years_bridging_and_the_print_every_year(app, goals, coordinator):
    with app.app_context():
        OfferLink.create(
            course=goals["main"][2], offer=goals["walk"], linked_on=date(2014, 2, 1), went=None
        )
    walk, computer = goals["walk"].id, goals["computer"].id
    html = statistics_page(coordinator)  # the newest year with bridging, by default
    offers = Tables(html).tables["bridging-offers-main"]["rows"]
    assert list(offers) == [f"2014-01-01/{walk}"]
    assert '<option value="2013-01-01">2013</option>' in html
    assert '<option value="2014-01-01" selected>2014</option>' in html
    response = coordinator.get("/statistics/?year_start=01-01&bridging_year=2013-01-01")
    offers = Tables(response.get_data(as_text=True)).tables["bridging-offers-main"]["rows"]
    assert f"2013-01-01/{computer}" in offers and f"2014-01-01/{walk}" not in offers
    printed = coordinator.get("/statistics/?year_start=01-01&print=1").get_data(as_text=True)
    offers = Tables(printed).tables["bridging-offers-main"]["rows"]
    assert {f"2013-01-01/{computer}", f"2014-01-01/{walk}"} <= set(offers)
    assert 'name="bridging_year"' not in printed
    nonsense = coordinator.get("/statistics/?year_start=01-01&bridging_year=1999-13-45")
    assert nonsense.status_code == 200
    assert (
        f"2014-01-01/{walk}"
        in Tables(nonsense.get_data(as_text=True)).tables["bridging-offers-main"]["rows"]
    )
