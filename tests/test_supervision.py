"""Supervision: the 14-day series, the agenda built from the data (each rule at its
boundary), attendance, individual requests, theme days, cover, and the corps' figures."""

from datetime import date, datetime, timedelta

import pytest
from conftest import make_profile, make_user, statements

from trivsel.corps import service as corps
from trivsel.corps.models import VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course
from trivsel.statistics import corps as corps_figures
from trivsel.statistics import figures as statistics
from trivsel.supervision import service as supervision
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

DAY = date(2026, 12, 10)  # the meeting's day


@pytest.fixture
def agenda_courses(app, users):
    """Active courses at both sides of each rule's boundary, and a waiting proposal."""
    from trivsel.courses.models import Proposal

    mona, poul = users["volunteer"], users["other_volunteer"]

    def active(name, volunteer, started, expected_end, last_conversation=None, ready=None):
        course = Course.create(
            stage=flow.ACTIVE,
            received_on=started - timedelta(days=10),
            channel="phone",
            initiated_by="citizen",
            volunteer=volunteer,
            started_on=started,
            expected_end_on=expected_end,
            ready_to_close_on=ready,
            ref=name,
        )
        if last_conversation:
            Conversation.create(course=course, held_on=last_conversation, mode="home")
        return course

    recent = DAY - timedelta(days=2)
    courses = {
        "ends_today": active("ends_today", mona, DAY - timedelta(days=60), DAY, recent),
        "ended_yesterday": active(
            "ended_yesterday", mona, DAY - timedelta(days=60), DAY - timedelta(days=1), recent
        ),
        "quiet_exactly_3_weeks": active(
            "quiet_21",
            poul,
            DAY - timedelta(days=50),
            DAY + timedelta(days=40),
            DAY - timedelta(21),
        ),
        "quiet_20_days": active(
            "quiet_20",
            poul,
            DAY - timedelta(days=50),
            DAY + timedelta(days=40),
            DAY - timedelta(20),
        ),
        "started_3_weeks_ago_no_talks": active(
            "no_talks_21", mona, DAY - timedelta(days=21), DAY + timedelta(days=70)
        ),
        "started_20_days_ago_no_talks": active(
            "no_talks_20", mona, DAY - timedelta(days=20), DAY + timedelta(days=70)
        ),
        "ready": active(
            "ready", poul, DAY - timedelta(days=80), DAY + timedelta(days=5), recent, ready=recent
        ),
    }
    waiting = Course.create(
        stage=flow.PROPOSED,
        received_on=DAY - timedelta(10),
        channel="phone",
        initiated_by="citizen",
    )
    courses["proposal"] = Proposal.create(course=waiting, volunteer=poul, status="pending")
    answered = Course.create(
        stage=flow.MATCHING,
        received_on=DAY - timedelta(10),
        channel="phone",
        initiated_by="citizen",
    )
    Proposal.create(course=answered, volunteer=mona, status="declined")
    return courses


def test_the_agenda_applies_each_rule_at_its_boundary(agenda_courses):
    agenda = supervision.agenda(DAY)
    refs = lambda rows: sorted(c.ref for c in rows)  # noqa: E731
    # Past the expected end: the day after it, not on the day itself.
    assert refs(agenda.past_end) == ["ended_yesterday"]
    # Quiet: exactly 3 weeks since the last conversation (or the start) is on; 20 days is not.
    assert refs(agenda.quiet) == ["no_talks_21", "quiet_21"]
    assert refs(agenda.ready_to_close) == ["ready"]
    assert [p.id for p in agenda.waiting] == [agenda_courses["proposal"].id]


def test_a_volunteer_sees_only_their_own_agenda_items(agenda_courses, users):
    mine = supervision.agenda(DAY).concerning(users["other_volunteer"].id)
    assert sorted(c.ref for c in mine.quiet) == ["quiet_21"]
    assert [c.ref for c in mine.ready_to_close] == ["ready"]
    assert mine.past_end == [] and len(mine.waiting) == 1


def count_queries(action):
    with statements() as executed:
        action()
    return len(executed)


def test_the_agenda_takes_two_queries_however_many_courses(agenda_courses, users):
    assert count_queries(lambda: supervision.agenda(DAY)) == 2
    for _ in range(5):
        Course.create(
            stage=flow.ACTIVE,
            received_on=DAY - timedelta(days=90),
            channel="phone",
            initiated_by="citizen",
            volunteer=users["volunteer"],
            started_on=DAY - timedelta(days=80),
            expected_end_on=DAY - timedelta(days=3),
        )
    assert count_queries(lambda: supervision.agenda(DAY)) == 2


def test_a_series_every_14_days_and_the_meeting_page_with_agenda_and_attendance(kit, users):
    kit.as_("coordinator")
    first = datetime.combine(date.today() - timedelta(days=14), datetime.min.time()).replace(
        hour=17
    )
    bad = kit.client.post("/supervision/series", data={"first_at": "", "count": "40"})
    assert bad.status_code == 422
    assert "Skriv et tal fra 1 til 26." in bad.get_data(as_text=True)
    assert SupervisionMeeting.select().count() == 0
    response = kit.client.post(
        "/supervision/series",
        data={
            "first_at": first.strftime("%Y-%m-%dT%H:%M"),
            "count": "4",
            "place": "Frivilligcentret",
        },
    )
    assert response.status_code == 303
    meetings = list(SupervisionMeeting.select().order_by(SupervisionMeeting.starts_at))
    assert [m.starts_at for m in meetings] == [first + timedelta(days=14 * i) for i in range(4)]

    # The next meeting (today) shows its agenda, computed now.
    course_id = kit.to(flow.ACTIVE)
    Course.update(expected_end_on=date.today() - timedelta(days=1)).where(
        Course.id == course_id
    ).execute()
    today_meeting = meetings[1]
    page = kit.client.get(f"/supervision/meetings/{today_meeting.id}").get_data(as_text=True)
    assert "Aktive forløb over forventet slut" in page and f"#{course_id}" in page

    # Attendance: one row per active volunteer, came or not.
    mona, poul = users["volunteer"], users["other_volunteer"]
    response = kit.client.post(
        f"/supervision/meetings/{meetings[0].id}", data={"attended": [str(mona.id)]}
    )
    assert response.status_code == 303
    rows = dict(
        SupervisionAttendance.select(
            SupervisionAttendance.volunteer, SupervisionAttendance.attended
        ).tuples()
    )
    assert rows == {mona.id: True, poul.id: False}
    # Not before the day of the meeting.
    future = meetings[3]
    kit.client.post(f"/supervision/meetings/{future.id}", data={"attended": [str(mona.id)]})
    assert (
        not SupervisionAttendance.select()
        .where(SupervisionAttendance.meeting == future.id)
        .exists()
    )


def test_the_volunteer_flags_ready_to_close_and_asks_for_supervision(kit, users):
    kit.as_("coordinator")
    SupervisionMeeting.create(starts_at=datetime.combine(date.today(), datetime.min.time()))
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    page = kit.client.get("/me/").get_data(as_text=True)
    assert "Næste gruppesupervision" in page
    response = kit.client.post(f"/me/courses/{course_id}/ready-to-close")
    assert response.status_code == 303
    assert Course.get_by_id(course_id).ready_to_close_on == date.today()
    page = kit.client.get("/me/").get_data(as_text=True)
    assert "Klar til at afslutte, siger den frivillige" in page  # on my agenda

    assert kit.client.post(f"/me/courses/{course_id}/supervision", data={"by_phone": "yes"})
    kit.client.post(f"/me/courses/{course_id}/supervision")  # twice: still one request
    assert SupervisionRequest.select().count() == 1
    assert SupervisionRequest.get().by_phone is True

    # Someone else's course: refused, nothing changed.
    kit.auth.logout()
    kit.auth.login(users["other_volunteer"])
    assert kit.client.post(f"/me/courses/{course_id}/supervision").status_code == 403
    assert (
        kit.client.post(f"/me/courses/{course_id}/ready-to-close", data={"flag": "off"}).status_code
        == 403
    )
    assert Course.get_by_id(course_id).ready_to_close_on == date.today()

    # The request is in the coordinators' queue on the dashboard; handled, it leaves it.
    kit.as_("coordinator")
    page = kit.client.get("/dashboard").get_data(as_text=True)
    queue = page[page.index('id="supervision-requests"') :]
    assert "Mona Jensen" in queue and "gerne i telefonen" in queue
    request_id = SupervisionRequest.get().id
    kit.client.post(f"/supervision/requests/{request_id}/handled", data={"next": "dashboard"})
    assert SupervisionRequest.get().handled_at is not None
    page = kit.client.get("/dashboard").get_data(as_text=True)
    assert "Ingen lige nu." in page[page.index('id="supervision-requests"') :]


def test_theme_day_sign_up_respects_the_places(kit, users):
    kit.as_("coordinator")
    bad = kit.client.post("/supervision/theme-days", data={"title": "", "starts_at": "x"})
    assert bad.status_code == 422
    when = (date.today() + timedelta(days=10)).isoformat() + "T10:00"
    response = kit.client.post(
        "/supervision/theme-days",
        data={"title": "Sorg og tab", "starts_at": when, "capacity": "1"},
    )
    assert response.status_code == 303
    day = ThemeDay.get()
    kit.as_("volunteer")
    assert "Sorg og tab" in kit.client.get("/me/").get_data(as_text=True)
    assert kit.client.post(f"/me/theme-days/{day.id}/signup").status_code == 303
    kit.client.post(f"/me/theme-days/{day.id}/signup")  # twice is once
    assert ThemeDaySignup.select().count() == 1
    kit.auth.logout()
    kit.auth.login(users["other_volunteer"])
    full = kit.client.post(f"/me/theme-days/{day.id}/signup")
    assert full.status_code == 409
    assert "fuldt booket" in full.get_data(as_text=True)
    assert ThemeDaySignup.select().count() == 1
    kit.as_("coordinator")
    page = kit.client.get("/supervision/").get_data(as_text=True)
    assert "1 af 1 pladser taget" in page and "Mona Jensen" in page


def test_a_covering_coordinator_sees_and_works_the_same_queues(kit, users):
    birgit = users["coordinator"]
    anne = make_user("coordinator", "Anne Dahl")
    matching = kit.to(flow.MATCHING)
    # The dashboard links to the cover's own page, where the form is (Birgit away, by default).
    assert 'href="/dashboard/cover/new"' in kit.client.get("/dashboard").get_data(as_text=True)
    form = kit.client.get("/dashboard/cover/new").get_data(as_text=True)
    assert '<label for="away">Koordinator der er væk' in form
    assert f'<option selected value="{birgit.id}">' in form
    response = kit.client.post(
        "/dashboard/cover",
        data={
            "away": birgit.id,
            "covered_by": birgit.id,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Vælg en anden koordinator" in response.get_data(as_text=True)
    response = kit.client.post(
        "/dashboard/cover",
        data={
            "away": birgit.id,
            "covered_by": anne.id,
            "starts_on": date.today().isoformat(),
            "ends_on": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 303
    birgits_page = kit.client.get("/dashboard").get_data(as_text=True)
    kit.auth.logout()
    kit.auth.login(anne)
    annes_page = kit.client.get("/dashboard").get_data(as_text=True)
    assert "Birgit Holm er væk til og med" in annes_page and "Anne Dahl dækker" in annes_page

    def queue(page):
        return page[page.index('id="queue-matching"') : page.index('id="queue-match_meeting"')]

    assert f"#{matching}" in queue(annes_page)
    assert queue(annes_page) == queue(birgits_page)
    # Anne acts on the queue: she proposes a volunteer for Birgit's course.
    assert kit.step(matching, flow.PROPOSE).status_code == 303
    assert Course.get_by_id(matching).stage == flow.PROPOSED


def test_the_corps_figures_by_project_year(app, users):
    """New and departed from the status history, courses per volunteer, attendance rate."""
    aase = make_user("volunteer", "Aase Holm")
    make_profile(aase)
    for user, status, on in (
        (users["volunteer"], "active", date(2024, 3, 1)),
        (users["other_volunteer"], "active", date(2025, 2, 1)),
        (aase, "active", date(2025, 5, 1)),
        (aase, "paused", date(2025, 8, 1)),
        (aase, "active", date(2025, 9, 1)),  # back from a pause: not new again
        (aase, "left", date(2025, 11, 1)),
    ):
        VolunteerStatusChange.create(user=user, status=status, changed_on=on)
    for volunteer, started in (
        (users["volunteer"], date(2025, 2, 1)),
        (users["volunteer"], date(2025, 6, 1)),
        (users["other_volunteer"], date(2025, 3, 1)),
    ):
        Course.create(
            stage=flow.ACTIVE,
            received_on=started,
            channel="phone",
            initiated_by="citizen",
            volunteer=volunteer,
            started_on=started,
        )
    meeting = SupervisionMeeting.create(starts_at=datetime(2025, 4, 2, 17, 0))
    supervision.record_attendance(
        meeting, [users["volunteer"].id, users["other_volunteer"].id, aase.id], [aase.id]
    )
    years = [(date(2024, 1, 1), date(2025, 1, 1)), (date(2025, 1, 1), date(2026, 1, 1))]
    py = statistics.years_table(years)
    y24, y25 = date(2024, 1, 1), date(2025, 1, 1)
    assert corps_figures.new_and_departed(py) == {y24: (1, 0), y25: (2, 1)}
    assert corps_figures.courses_per_volunteer(py) == {y25: 1.5}
    assert corps_figures.attendance_rate(py) == {y25: 33}
    assert corps.active_volunteers() == 3


def test_no_sign_up_for_a_theme_day_that_has_been_held(kit, users):
    day = ThemeDay.create(title="Sidste år", starts_at=datetime(2020, 1, 1, 10, 0))
    kit.as_("volunteer")
    response = kit.client.post(f"/me/theme-days/{day.id}/signup")
    assert response.status_code == 409
    assert "allerede holdt" in response.get_data(as_text=True)
    assert ThemeDaySignup.select().count() == 0


def test_the_agenda_for_one_volunteer_is_queried_for_them_only(agenda_courses, users):
    poul = users["other_volunteer"]
    whole = supervision.agenda(DAY)
    mine = supervision.agenda(DAY, volunteer_id=poul.id)
    expected = whole.concerning(poul.id)
    for section in ("past_end", "ready_to_close", "quiet", "waiting"):
        assert [r.id for r in getattr(mine, section)] == [r.id for r in getattr(expected, section)]
    # The volunteer is in the WHERE of both queries: other volunteers' rows are never read.
    with statements() as executed:
        supervision.agenda(DAY, volunteer_id=poul.id)
    assert len(executed) == 2
    assert all(poul.id in (event.params or ()) for event in executed)


def test_the_agenda_pages_in_sql_and_every_item_is_on_a_page(agenda_courses):
    whole = supervision.agenda(DAY)
    first = supervision.agenda(DAY, page=1, per_page=2)
    second = supervision.agenda(DAY, page=2, per_page=2)
    assert first.has_more and not second.has_more
    assert count_queries(lambda: supervision.agenda(DAY, page=2, per_page=2)) == 2
    for section in ("past_end", "ready_to_close", "quiet", "waiting"):
        paged = [r.id for r in getattr(first, section) + getattr(second, section)]
        assert sorted(paged) == sorted(r.id for r in getattr(whole, section))
    courses = {c.id for a in (first,) for c in a.past_end + a.ready_to_close + a.quiet}
    assert len(courses) == 2


def test_the_meeting_page_pages_its_agenda(kit, users, monkeypatch):
    from trivsel.supervision import views

    monkeypatch.setattr(views, "AGENDA_PAGE", 2)
    kit.as_("coordinator")
    meeting = SupervisionMeeting.create(
        starts_at=datetime.combine(date.today(), datetime.min.time()).replace(hour=23)
    )
    courses = [
        Course.create(
            stage=flow.ACTIVE,
            received_on=date.today() - timedelta(days=90),
            channel="phone",
            initiated_by="citizen",
            volunteer=users["volunteer"],
            started_on=date.today() - timedelta(days=80 - i),
            expected_end_on=date.today() - timedelta(days=3),
        )
        for i in range(3)
    ]
    url = f"/supervision/meetings/{meeting.id}"
    first = kit.client.get(url).get_data(as_text=True)
    assert "Næste side" in first and f"{url}?page=2" in first
    second = kit.client.get(f"{url}?page=2").get_data(as_text=True)
    assert "Forrige side" in second and "Næste side" not in second
    numbers = lambda page: {c.id for c in courses if f'courses/{c.id}"' in page}  # noqa: E731
    assert numbers(first) == {courses[0].id, courses[1].id}
    assert numbers(second) == {courses[2].id}


def test_the_attendance_list_pages_and_records_a_volunteer_on_a_later_page(kit, users, monkeypatch):
    from trivsel.supervision import views

    monkeypatch.setattr(views, "ATTENDANCE_PAGE", 2)
    mona, poul = users["volunteer"], users["other_volunteer"]
    # By name: Anna, Bent | Carl, Mona | Poul, Rita; Lis is paused and not on the list.
    others = {}
    for name in ("Anna Andersen", "Bent Bach", "Carl Clausen", "Rita Rask"):
        others[name] = make_user("volunteer", name)
        make_profile(others[name])
    paused = make_user("volunteer", "Lis Lund")
    make_profile(paused, status="paused", paused_until=date.today() + timedelta(days=30))
    held = SupervisionMeeting.create(
        starts_at=datetime.combine(date.today() - timedelta(days=1), datetime.min.time())
    )
    kit.as_("coordinator")
    url = f"/supervision/meetings/{held.id}"
    names = lambda page: [  # noqa: E731
        n for n in ("Anna", "Bent", "Carl", "Mona", "Poul", "Rita", "Lis") if f"> {n} " in page
    ]
    first = kit.client.get(url).get_data(as_text=True)
    assert names(first) == ["Anna", "Bent"] and "6 aktive frivillige" in first
    assert f"{url}?attendance_page=2#attendance-title" in first
    third = kit.client.get(f"{url}?attendance_page=3").get_data(as_text=True)
    assert names(third) == ["Poul", "Rita"]
    assert "Næste side" not in third.split("attendance-title")[-1]

    # Rita came: saved from the last page, the rest of the list is counted as not come.
    rita = others["Rita Rask"]
    response = kit.client.post(
        f"{url}?attendance_page=3", data={"shown": [str(rita.id)], "attended": [str(rita.id)]}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url}?attendance_page=3")
    rows = lambda: dict(  # noqa: E731
        SupervisionAttendance.select(
            SupervisionAttendance.volunteer, SupervisionAttendance.attended
        )
        .where(SupervisionAttendance.meeting == held.id)
        .tuples()
    )
    expected = {u.id: False for u in [mona, poul, *others.values()]}
    assert rows() == expected | {rita.id: True}
    # Mona came too, saved from her page: Rita's record stands, Carl is unticked.
    second = kit.client.get(f"{url}?attendance_page=2").get_data(as_text=True)
    assert names(second) == ["Carl", "Mona"]
    carl = others["Carl Clausen"]
    data = {"shown": [str(carl.id), str(mona.id)], "attended": [str(mona.id)]}
    assert kit.client.post(f"{url}?attendance_page=2", data=data).status_code == 303
    assert rows() == expected | {rita.id: True, mona.id: True}
    # Who came, alone, and counted.
    came = kit.client.get(f"{url}?attendance=came").get_data(as_text=True)
    assert names(came) == ["Mona", "Rita"] and "2 af 6 frivillige kom" in came
    assert 'value="came" selected' in came
    # A volunteer not on the list (on a pause since the page was shown) is not recorded; the
    # rest of the page is, and the coordinator is told.
    data = {"shown": [str(paused.id), str(carl.id)], "attended": [str(paused.id), str(carl.id)]}
    response = kit.client.post(url, data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "1 frivillig på siden er ikke længere på listen og er ikke gemt." in response.get_data(
        as_text=True
    )
    assert paused.id not in rows()
    assert rows() == expected | {rita.id: True, mona.id: True, carl.id: True}
    assert kit.client.post(url, data={"attended": ["x"]}).status_code == 400


def test_the_meeting_page_takes_the_same_queries_however_large_the_corps(kit, users):
    held = SupervisionMeeting.create(
        starts_at=datetime.combine(date.today() - timedelta(days=1), datetime.min.time())
    )
    kit.as_("coordinator")
    url = f"/supervision/meetings/{held.id}"
    few = count_queries(lambda: kit.client.get(url))
    for i in range(80):
        make_profile(make_user("volunteer", f"Frivillig {i:02}", email=f"f{i}@trivsel.test"))
    pages = []
    many = count_queries(lambda: pages.append(kit.client.get(url).get_data(as_text=True)))
    assert many == few
    assert pages[0].count('name="attended"') == 50 and "82 aktive frivillige" in pages[0]
