"""The ranking as named scenarios: the report's five stories against one corps."""

from datetime import date, timedelta

import pytest

from trivsel.corps.matching import (
    DECLINED,
    NOT_MATCHED,
    CourseFacts,
    Reason,
    VolunteerFacts,
    rank,
)
from trivsel.corps.reasons import reason_text

TODAY = date(2026, 11, 26)


def f(*codes):
    return frozenset(codes)


KAREN = VolunteerFacts(
    1,
    "Karen",
    declaration_on=date(2024, 1, 5),
    capacity=2,
    interests=f("loneliness", "digital_skills", "grief"),
    days=f("mon", "wed"),
    times=f("morning", "afternoon"),
    postcode="7000",
)
MONA = VolunteerFacts(
    2,
    "Mona",
    declaration_on=date(2023, 3, 1),
    capacity=2,
    load=1,
    interests=f("mobility", "structure", "unemployment"),
    days=f("tue", "thu"),
    times=f(
        "morning",
    ),
    postcode="7000",
)
HENRIK = VolunteerFacts(
    3,
    "Henrik",
    declaration_on=date(2025, 6, 1),
    capacity=1,
    interests=f("illness", "authorities", "unemployment"),
    avoids=f(
        "grief",
    ),
    days=f("mon", "tue", "wed", "thu", "fri"),
    times=f("afternoon", "evening"),
    postcode="7080",
)
POUL = VolunteerFacts(
    4,
    "Poul",
    declaration_on=date(2025, 2, 1),
    capacity=2,
    interests=f("mental_vulnerability", "structure"),
    phone_only=True,
    times=f(
        "evening",
    ),
    postcode="6000",
    languages=f("da", "en"),
)
LISE_PAUSED = VolunteerFacts(
    5,
    "Lise",
    status="paused",
    paused_until=TODAY + timedelta(days=30),
    declaration_on=date(2022, 1, 1),
    interests=f("loneliness", "digital_skills"),
    postcode="7000",
)
OLE_NO_DECLARATION = VolunteerFacts(
    6, "Ole", interests=f("loneliness", "digital_skills"), postcode="7000"
)
BENT_FULL = VolunteerFacts(
    7,
    "Bent",
    declaration_on=date(2022, 1, 1),
    capacity=1,
    load=1,
    interests=f("loneliness", "mobility"),
)
CORPS = [KAREN, MONA, HENRIK, POUL, LISE_PAUSED, OLE_NO_DECLARATION, BENT_FULL]

# name, course, history, the first suggestion, reasons it must show
SCENARIOS = [
    (
        "Inge: lonely widow who wants to write e-mails to her grandchildren",
        CourseFacts(
            needs=f("loneliness", "digital_skills"),
            days=f("mon"),
            times=f("morning"),
            postcode="7000",
        ),
        {},
        "Karen",
        {"shared_areas", "available", "same_postcode", "free_capacity", "no_load"},
    ),
    (
        "Lene: dismissed bookkeeper who wants structure and courage to apply for jobs",
        CourseFacts(
            needs=f("unemployment", "structure"),
            days=f("tue"),
            times=f("morning"),
            postcode="7000",
        ),
        {},
        "Mona",
        {"shared_areas", "available", "same_postcode", "load"},
    ),
    (
        "Gerda: afraid to walk outside after a fracture; walks to the supermarket",
        CourseFacts(needs=f("mobility"), days=f("tue", "thu"), postcode="7000"),
        {},
        "Mona",
        {"shared_areas", "available", "same_postcode"},
    ),
    (
        "Jens: young man in pain who gave up; meetings with the job centre",
        CourseFacts(
            needs=f("illness", "authorities"),
            days=f("wed"),
            times=f("afternoon"),
            postcode="7000",
        ),
        {},
        "Henrik",
        {"shared_areas", "available", "near"},
    ),
    (
        "Søren: anxiety after a divorce, by phone in the evening; Henrik said no before",
        CourseFacts(needs=f("mental_vulnerability"), times=f("evening"), by_phone=True),
        {HENRIK.id: {DECLINED}},
        "Poul",
        {"shared_areas", "available", "by_phone", "not_declined_before"},
    ),
]


@pytest.mark.parametrize(
    "name, course, history, first, reasons", SCENARIOS, ids=[s[0][:5] for s in SCENARIOS]
)
def test_the_five_stories(name, course, history, first, reasons):
    ranked = rank(course, CORPS, history, TODAY)
    assert ranked[0].volunteer.name == first, [(s.volunteer.name, s.score) for s in ranked]
    assert ranked[0].eligible
    assert reasons <= set(ranked[0].codes), ranked[0].codes
    # Every volunteer is shown, the ineligible last and with the reason.
    assert len(ranked) == len(CORPS)
    eligible = [s.eligible for s in ranked]
    assert eligible == sorted(eligible, reverse=True)
    refused = {s.volunteer.name: [r.code for r in s.refusals] for s in ranked if not s.eligible}
    assert refused == {
        "Lise": ["paused"],
        "Ole": ["no_declaration"],
        "Bent": ["at_capacity"],
    }


def test_soren_the_volunteer_who_said_no_goes_to_the_bottom_of_the_eligible():
    _, course, history, _, _ = SCENARIOS[4]
    ranked = [s for s in rank(course, CORPS, history, TODAY) if s.eligible]
    assert ranked[-1].volunteer.name == "Henrik"
    assert "declined_before" in ranked[-1].codes
    assert ranked[-1].eligible  # the coordinator may still choose him


def test_a_no_at_the_match_meeting_is_remembered():
    course = CourseFacts(needs=f("loneliness", "digital_skills"), postcode="7000")
    assert rank(course, CORPS, {}, TODAY)[0].volunteer.name == "Karen"
    ranked = rank(course, CORPS, {KAREN.id: {NOT_MATCHED}}, TODAY)
    assert ranked[0].volunteer.name != "Karen"
    karen = next(s for s in ranked if s.volunteer.name == "Karen")
    assert "match_meeting_no" in karen.codes


def test_gerda_outside_a_phone_only_volunteer_is_told_apart():
    _, course, _, _, _ = SCENARIOS[2]
    poul = next(s for s in rank(course, CORPS, {}, TODAY) if s.volunteer.name == "Poul")
    assert "phone_only" in poul.codes


def test_an_area_the_volunteer_would_rather_not_counts_against():
    course = CourseFacts(needs=f("grief", "illness"))
    henrik = next(s for s in rank(course, CORPS, {}, TODAY) if s.volunteer.name == "Henrik")
    assert {"shared_areas", "avoided_areas"} <= set(henrik.codes)
    assert rank(course, CORPS, {}, TODAY)[0].volunteer.name == "Karen"


def test_the_citizens_language_counts():
    course = CourseFacts(needs=f("structure"), language="en")
    ranked = rank(course, CORPS, {}, TODAY)
    poul = next(s for s in ranked if s.volunteer.name == "Poul")
    mona = next(s for s in ranked if s.volunteer.name == "Mona")
    assert "speaks" in poul.codes and "does_not_speak" in mona.codes


@pytest.mark.parametrize(
    "volunteer, codes",
    [
        (VolunteerFacts(10, "A", status=None), ["no_profile"]),
        (VolunteerFacts(10, "A", status="applicant", declaration_on=TODAY), ["applicant"]),
        (VolunteerFacts(10, "A", status="left", declaration_on=TODAY), ["left"]),
        (
            VolunteerFacts(10, "A", status="paused", paused_until=TODAY, declaration_on=TODAY),
            ["paused"],
        ),
        (
            VolunteerFacts(
                10,
                "A",
                status="paused",
                paused_until=TODAY - timedelta(days=1),
                declaration_on=TODAY,
            ),
            [],
        ),
        (VolunteerFacts(10, "A"), ["no_declaration"]),
        (VolunteerFacts(10, "A", declaration_on=TODAY, capacity=2, load=2), ["at_capacity"]),
        (VolunteerFacts(10, "A", declaration_on=TODAY, capacity=2, load=1), []),
    ],
)
def test_eligibility_rules_at_their_boundaries(volunteer, codes):
    suggestion = rank(CourseFacts(), [volunteer], {}, TODAY)[0]
    assert [r.code for r in suggestion.refusals] == codes
    assert suggestion.eligible is (not codes)


def test_no_needs_recorded_says_so():
    assert "needs_unknown" in rank(CourseFacts(), [KAREN], {}, TODAY)[0].codes


def test_reasons_read_in_plain_danish(app):
    with app.test_request_context():
        course = SCENARIOS[0][1]
        texts = [reason_text(r) for r in rank(course, [KAREN], {}, TODAY)[0].reasons]
        assert "Vil gerne hjælpe med det borgeren har brug for: ensomhed, digitale færdigheder" in (
            texts
        )
        assert "Kan når borgeren kan: mandag" in texts
        assert "Bor i samme postnummer" in texts
        assert reason_text(Reason("at_capacity", n=1, m=1)) == (
            "Har ikke plads: 1 af 1 forløb i gang"
        )
        paused = reason_text(Reason("paused", until=date(2026, 12, 24)))
        assert paused.startswith("Holder pause til og med 24.")
