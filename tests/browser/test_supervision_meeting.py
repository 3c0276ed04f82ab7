"""A group meeting's attendance on a phone: the list pages by name, a volunteer on a later
page is recorded and stays recorded, only who came can be shown; axe and the tap targets."""

from datetime import date, datetime, time, timedelta

import pytest
from conftest import make_profile, make_user
from playwright.sync_api import expect

from trivsel.supervision.models import SupervisionAttendance, SupervisionMeeting

from .conftest import login
from .test_accessibility import PHONE_WIDTH, Audit
from .test_every_page import TAP_TARGETS, TARGET

pytestmark = pytest.mark.browser


def test_attendance_for_a_volunteer_on_the_second_page_on_a_phone(
    new_context, live_server, app, people
):
    with app.app_context():
        # 58 more, by name before Mona and Poul: they stand on the second page of 50.
        for i in range(58):
            make_profile(make_user("volunteer", f"Frivillig {i:02}", email=f"f{i}@trivsel.test"))
        held = SupervisionMeeting.create(
            starts_at=datetime.combine(date.today() - timedelta(days=1), time(17, 0))
        )
    audit = Audit(new_context, PHONE_WIDTH, 740)
    page, base = audit.page, live_server.url
    login(page, base, people["coordinator"].email)
    page.goto(f"{base}/supervision/meetings/{held.id}")
    attendance = page.get_by_role("group", name="Hvem kom?")
    expect(attendance.get_by_role("checkbox")).to_have_count(50)
    expect(page.get_by_text("60 aktive frivillige")).to_be_visible()
    audit.check("meeting, first page of the attendance")
    assert page.evaluate(TAP_TARGETS, TARGET) == []

    page.get_by_role("navigation", name="Sider").get_by_role("link", name="Næste side").click()
    expect(page).to_have_url(
        f"{base}/supervision/meetings/{held.id}?attendance_page=2#attendance-title"
    )
    expect(attendance.get_by_role("checkbox")).to_have_count(10)
    attendance.get_by_label("Mona Jensen").check()
    page.get_by_role("button", name="Gem fremmøde").click()
    expect(page.locator("#messages")).to_have_text("Fremmødet er gemt.")
    expect(page).to_have_url(f"{base}/supervision/meetings/{held.id}?attendance_page=2")
    expect(attendance.get_by_label("Mona Jensen")).to_be_checked()
    expect(page.get_by_text("1 af 60 frivillige kom")).to_be_visible()
    audit.check("meeting, second page of the attendance")
    with app.app_context():
        rows = SupervisionAttendance.select().where(SupervisionAttendance.meeting == held.id)
        came = [row.volunteer_id for row in rows if row.attended]
        assert came == [people["volunteer"].id] and rows.count() == 60

    # Only who came: Mona, saved from the second page.
    page.get_by_label("Vis frivillige").select_option(label="Kun dem, der kom")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(attendance.get_by_role("checkbox")).to_have_count(1)
    expect(attendance.get_by_label("Mona Jensen")).to_be_checked()
    assert audit.found == {}
