"""In a real browser: the coordinator schedules the match meeting on the course page, and the
volunteer's invitation arrives over SMTP with an iCalendar attachment that names no citizen."""

import re
from datetime import date, timedelta

import pytest
from conftest import PASSWORD
from icalendar import Calendar
from playwright.sync_api import expect
from smtp_server import smtp_server  # noqa: F401 (fixture)

from trivsel.courses import flow
from trivsel.courses.models import Citizen, Course
from trivsel.notifications import sender

pytestmark = pytest.mark.browser


def test_a_scheduled_match_meeting_reaches_the_volunteers_calendar(
    page,
    live_server,
    kit,
    users,
    app,
    smtp_server,  # noqa: F811
):
    course_id = kit.to(flow.MATCH_MEETING, name="Gerda Hansen", phone="75 55 66 77")
    kit.auth.logout()
    when = date.today() + timedelta(days=3)

    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill(users["coordinator"].email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    page.goto(f"{live_server.url}/courses/{course_id}")
    step = page.locator("details.step-schedule_match_meeting")
    step.get_by_label("Matchmøde, dato og tid").fill(f"{when.isoformat()}T14:30")
    step.get_by_label("Sted", exact=True).fill("Frivilligcentret, mødelokale 2")
    step.get_by_role("button", name="Aftal matchmøde").click()
    expect(page.locator("#messages")).to_contain_text("Gemt")

    app.config["SMTP_URL"] = smtp_server.url
    with app.app_context():
        assert sender.send_due().sent >= 1

    # The volunteer had the proposal by mail earlier; now the invitation, with its .ics.
    def calendar_parts(message):
        return [p for p in message.walk() if p.get_content_type() == "text/calendar"]

    mails = [m.message for m in smtp_server.received if users["volunteer"].email in m.rcpt_tos]
    invitations = [m for m in mails if calendar_parts(m)]
    assert len(invitations) == 1
    mail = invitations[0]
    assert re.search(rf"#{course_id}\b", mail["Subject"]), mail["Subject"]
    parts = calendar_parts(mail)
    assert len(parts) == 1 and parts[0].get_param("method") == "REQUEST"
    event = Calendar.from_ical(parts[0].get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == f"{when.isoformat()} 14:30"
    assert str(event["location"]) == "Frivilligcentret, mødelokale 2"
    assert str(event["summary"]) == f"Matchmøde, forløb #{course_id}"
    # Nothing in the message or the calendar entry names the citizen.
    citizen = Citizen.get_by_id(Course.get_by_id(course_id).citizen_id)
    text = mail.as_string() + parts[0].get_payload(decode=True).decode()
    for personal in (citizen.name, "Gerda", citizen.phone):
        assert personal not in text
