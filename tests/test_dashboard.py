"""The coordinator's queues and the first-contact flag."""

from datetime import date, timedelta

from flowkit import days_ago

from trivsel.core.workdays import is_working_day
from trivsel.courses import flow, queries
from trivsel.courses.models import Course


def working_days_ago(n):
    day = date.today()
    while n:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def test_each_course_sits_in_its_queue(kit):
    new = kit.to(flow.NEW)
    intake = kit.to(flow.INTAKE_SCHEDULED)
    matching = kit.to(flow.PROPOSED)
    meeting = kit.to(flow.MATCH_MEETING)
    closed = kit.to(flow.CLOSED)
    active = kit.to(flow.ACTIVE)
    overdue = kit.to(flow.ACTIVE)
    Course.update(expected_end_on=date.today() - timedelta(days=1)).where(
        Course.id == overdue
    ).execute()
    queues = queries.dashboard_queues()
    ids = {key: [c.id for c in rows] for key, rows in queues.items()}
    assert ids == {
        "awaiting_contact": [new],
        "intake": [intake],
        "matching": [matching],
        "match_meeting": [meeting],
        "overdue": [overdue],
        "awaiting_follow_up": [closed],
    }
    assert active not in sum(ids.values(), [])


def test_waiting_is_counted_in_working_days_and_flagged_after_two(kit):
    kit.as_("coordinator")
    two = kit.inquiry(received_on=working_days_ago(2).isoformat(), name="To dage")
    three = kit.inquiry(received_on=working_days_ago(3).isoformat(), name="Tre dage")
    rows = {c.id: c for c in queries.dashboard_queues()["awaiting_contact"]}
    assert (rows[two].waited, rows[two].flagged) == (2, False)
    assert (rows[three].waited, rows[three].flagged) == (3, True)
    page = kit.client.get("/dashboard").get_data(as_text=True)
    assert page.count('class="flagged"') == 1


def test_the_dashboard_runs_a_fixed_number_of_queries(kit, app):
    """No query per row: the same count of queries for 2 courses as for 12."""
    from trivsel.core.db import database

    def count_queries():
        executed = []
        original = database.obj.execute_sql

        def spy(sql, params=None, *args, **kwargs):
            executed.append(sql)
            return original(sql, params, *args, **kwargs)

        database.obj.execute_sql = spy
        try:
            assert kit.client.get("/dashboard").status_code == 200
            assert kit.client.get("/courses").status_code == 200
        finally:
            database.obj.execute_sql = original
        return len(executed)

    kit.to(flow.ACTIVE)
    kit.to(flow.NEW)
    few = count_queries()
    for _ in range(5):
        kit.inquiry(received_on=days_ago(3))
    for _ in range(5):
        kit.to(flow.INTAKE_SCHEDULED)
    assert count_queries() == few


def search(client, q, **fields):
    """The course list's search, posted as its form does (the term stays out of the URL)."""
    return client.post("/courses", data={"q": q, **fields})


def test_course_list_search_and_filters(kit, users):
    gerda = kit.to(flow.ACTIVE, name="Gerda")
    kit.to(flow.NEW, name="Inge")
    client = kit.client
    text = search(client, "ger").get_data(as_text=True)
    assert "Gerda" in text and "Inge" not in text
    text = search(client, f"#{gerda}").get_data(as_text=True)
    assert "Gerda" in text and "Inge" not in text
    text = client.get("/courses?stage=new").get_data(as_text=True)
    assert "Inge" in text and "Gerda" not in text
    text = client.get(f"/courses?volunteer={users['volunteer'].id}").get_data(as_text=True)
    assert "Gerda" in text and "Inge" not in text
    # The filters come in the form too, beside the term.
    assert "Gerda" not in search(client, "ger", stage="new").get_data(as_text=True)
    assert "Gerda" in search(client, "ger", stage="active").get_data(as_text=True)
    fragment = client.post("/courses", data={"q": "ing"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Inge" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "Ingen forløb passer" in search(client, "zzz").get_data(as_text=True)


def test_search_folds_danish_letters_and_odd_input_is_harmless(kit):
    kit.to(flow.NEW, name="Åse Ørsted")
    client = kit.client
    for q in ("åse", "ÅSE", "ørsted", "Ørsted"):
        assert "Åse Ørsted" in search(client, q).get_data(as_text=True), q
    for odd in ("²", "#³", "9" * 40, "#" + "9" * 40):
        assert search(client, odd).status_code == 200, odd
    for args in ("page=" + "9" * 30, "volunteer=" + "9" * 30, "page=-3"):
        assert client.get(f"/courses?{args}").status_code == 200, args
        assert search(client, "åse", **dict([args.split("=")])).status_code == 200, args
    assert client.get("/courses/" + "9" * 30).status_code == 404


def test_wtforms_own_messages_are_danish(kit):
    course_id = kit.to(flow.MATCHING)
    response = kit.step(course_id, flow.PROPOSE, volunteer="x")
    assert response.status_code == 422
    assert "Vælg en af mulighederne." in response.get_data(as_text=True)
    assert "could not coerce" not in response.get_data(as_text=True)


def test_the_course_list_pages_without_skipping_or_repeating_a_course(app, users):
    from trivsel.courses.models import Course
    from trivsel.courses.queries import search_courses

    for n in range(7):
        Course.create(stage="new", received_on=date(2026, 1, 1 + n), initiated_by="citizen")
    seen, page, has_more = [], 1, True
    while has_more:
        rows, has_more = search_courses(page=page, per_page=3)
        seen += [c.id for c in rows]
        page += 1
    assert sorted(seen) == sorted(c.id for c in Course.select()) and len(seen) == 7
    assert page - 1 == 3  # 3 + 3 + 1
