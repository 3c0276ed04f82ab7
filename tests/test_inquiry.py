"""Registering an inquiry: what is stored, anonymity, and bad input."""

from datetime import date, timedelta

import pytest

from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course, CourseEvent
from trivsel.schema import MODELS


def valid(**overrides):
    data = {
        "received_on": date.today().isoformat(),
        "channel": "phone",
        "initiated_by": "relative",
        "branch": "main",
        "name": "Jens",
        "phone": "30 40 50 60",
        "email": "",
        "birth_year": "2003",
        "target_group": "young_adult",
    }
    data.update(overrides)
    return data


@pytest.fixture
def coordinator(auth, users):
    auth.login(users["coordinator"])


def test_an_inquiry_becomes_a_course_waiting_for_first_contact(client, coordinator):
    response = client.post("/inquiries/new", data=valid())
    assert response.status_code == 303
    course = Course.get()
    assert (course.stage, course.channel, course.initiated_by, course.branch) == (
        flow.NEW,
        "phone",
        "relative",
        "main",
    )
    assert (course.birth_year, course.target_group) == (2003, "young_adult")
    assert (course.citizen.name, course.citizen.phone, course.citizen.email) == (
        "Jens",
        "30 40 50 60",
        None,
    )
    assert [e.action for e in CourseEvent.select()] == ["inquiry"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Henvendelsen er registreret" in page


def test_an_anonymous_inquiry_stores_no_personal_data(client, coordinator):
    response = client.post("/inquiries/new", data=valid(name="", phone="", email=""))
    assert response.status_code == 303
    assert Citizen.select().count() == 0
    assert Course.get().citizen is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Anonym henvendelse" in page


def test_personal_fields_live_only_in_the_citizen_table():
    personal = {"name", "phone", "email", "goals"}
    for model in MODELS:
        names = set(model._meta.fields)
        assert not any("cpr" in name.lower() for name in names), model
        if model is Citizen:
            assert personal <= names
        # Staff accounts are not citizens (nor is a partner user's work phone and department,
        # kept to prefill their referral forms); an offer's name is the offer's (its contact is
        # the association's published contact), not a person's.
        elif model.__name__ not in ("User", "ReferrerContact", "Offer"):
            assert not (personal & names), f"{model.__name__} holds personal fields"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"received_on": ""}, "received_on", "Udfyld feltet."),
        ({"received_on": "2026-13-01"}, "received_on", "Skriv en gyldig dato"),
        (
            {"received_on": (date.today() + timedelta(days=3)).isoformat()},
            "received_on",
            "Datoen kan ikke ligge i fremtiden.",
        ),
        ({"channel": ""}, "channel", "Vælg en af mulighederne."),
        ({"channel": "pigeon"}, "channel", "Vælg en af mulighederne."),
        ({"initiated_by": ""}, "initiated_by", "Vælg en af mulighederne."),
        ({"branch": "nope"}, "branch", "Vælg en af mulighederne."),
        ({"name": "x" * 101}, "name", "Højst 100 tegn."),
        ({"email": "not-an-address"}, "email", "Skriv en gyldig e-mailadresse."),
        ({"birth_year": "1850"}, "birth_year", "Skriv et fødselsår mellem"),
        ({"birth_year": "nitten"}, "birth_year", "Skriv et helt tal."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_keeps_the_rest(
    client, coordinator, overrides, field, message
):
    data = valid(**overrides)
    response = client.post("/inquiries/new", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert message in text
    assert f'id="{field}-error"' in text
    assert 'value="30 40 50 60"' in text  # what was typed elsewhere is kept
    assert Course.select().count() == 0
    assert Citizen.select().count() == 0


def test_a_double_submit_registers_one_inquiry(client, coordinator):
    data = valid(submission_key="form-1")
    first = client.post("/inquiries/new", data=data)
    second = client.post("/inquiries/new", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert Course.select().count() == 1
    assert Citizen.select().count() == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "var allerede registreret" in page
    client.post("/inquiries/new", data=valid(submission_key="form-2"))
    assert Course.select().count() == 2


def test_the_form_carries_a_fresh_submission_key(client, coordinator):
    import re

    keys = {
        re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
        for page in (client.get("/inquiries/new").get_data(as_text=True) for _ in range(2))
    }
    assert len(keys) == 2


def test_a_nul_character_is_dropped_not_stored(client, coordinator):
    response = client.post("/inquiries/new", data=valid(name="Je\x00ns"))
    assert response.status_code == 303
    assert Citizen.get().name == "Jens"
