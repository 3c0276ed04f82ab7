"""The coordinator's queues and the first-contact flag."""

from datetime import date, timedelta

from conftest import statements
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

    def count_queries():
        with statements() as executed:
            assert kit.client.get("/dashboard").status_code == 200
            assert kit.client.get("/courses").status_code == 200
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


def _queue_section(page, key):
    start = page.index(f'<section class="queue" id="queue-{key}"')
    return page[start : page.index("</section>", start)]


def _shown(section, ids):
    return [i for i in ids if f'href="/courses/{i}"' in section]


def test_a_long_queue_shows_a_page_and_its_total_and_the_next_page_the_rest(kit):
    from trivsel.courses.queries import QUEUE_PAGE_SIZE

    kit.as_("coordinator")
    total = QUEUE_PAGE_SIZE + 5
    ids = [
        Course.create(
            stage=flow.NEW, received_on=date(2026, 1, 1) + timedelta(days=n), initiated_by="citizen"
        ).id
        for n in range(total)
    ]
    page = kit.client.get("/dashboard").get_data(as_text=True)
    section = _queue_section(page, "awaiting_contact")
    assert _shown(section, ids) == ids[:QUEUE_PAGE_SIZE]  # oldest first
    assert f'<span class="count">{total}</span>' in section
    assert f'<span class="count">{total}</span> ' in page  # the count in the list of queues
    assert "queue=awaiting_contact&amp;page=2" in section
    # Without JavaScript the link opens the dashboard with that queue at page 2.
    second = kit.client.get("/dashboard?queue=awaiting_contact&page=2").get_data(as_text=True)
    section = _queue_section(second, "awaiting_contact")
    assert _shown(section, ids) == ids[QUEUE_PAGE_SIZE:]
    assert f'<span class="count">{total}</span>' in section
    assert "queue=awaiting_contact&amp;page=1" in section and "page=3" not in section
    # With htmx, the queue's section alone.
    response = kit.client.get(
        "/dashboard?queue=awaiting_contact&page=2", headers={"HX-Request": "true"}
    )
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "HX-Request" in response.headers["Vary"]
    assert fragment.strip().startswith("<section") or "<section" in fragment
    assert _shown(fragment, ids) == ids[QUEUE_PAGE_SIZE:]
    # Odd pages are harmless.
    for args in ("queue=awaiting_contact&page=999", "queue=nope&page=2", "page=-1"):
        assert kit.client.get(f"/dashboard?{args}").status_code == 200, args


def test_the_first_contact_flag_cut_off_matches_the_working_days_waited():
    from trivsel.core.workdays import working_days_waited

    today = date(2026, 12, 28)  # between Christmas and the new year: holidays nearby
    for flag_after in (0, 2, 5):
        cutoff = queries.first_contact_flag_cutoff(today, flag_after)
        for back in range(40):
            received = today - timedelta(days=back)
            assert (received <= cutoff) == (working_days_waited(received, today) > flag_after)


def test_overdue_marks_are_the_same_on_every_page_and_counted(kit):
    from trivsel.courses.queries import QUEUE_PAGE_SIZE

    kit.as_("coordinator")
    flagged = [
        Course.create(
            stage=flow.NEW, received_on=working_days_ago(10 + n), initiated_by="citizen"
        ).id
        for n in range(QUEUE_PAGE_SIZE)
    ]
    fresh = kit.inquiry(received_on=working_days_ago(1).isoformat(), name="Frisk")
    counts, n_flagged = queries.queue_counts()
    assert counts["awaiting_contact"] == QUEUE_PAGE_SIZE + 1 and n_flagged == QUEUE_PAGE_SIZE
    first = _queue_section(kit.client.get("/dashboard").get_data(as_text=True), "awaiting_contact")
    assert first.count('class="flagged"') == QUEUE_PAGE_SIZE
    second = _queue_section(
        kit.client.get("/dashboard?queue=awaiting_contact&page=2").get_data(as_text=True),
        "awaiting_contact",
    )
    assert _shown(second, [fresh]) == [fresh] and 'class="flagged"' not in second
    assert _shown(second, flagged) == []


def test_overdue_and_declined_follow_up_are_filtered_in_the_queries(kit):
    from trivsel.privacy import consent
    from trivsel.privacy.models import Consent

    today = date.today()
    late = Course.create(
        stage=flow.ACTIVE,
        received_on=today,
        initiated_by="citizen",
        expected_end_on=today - timedelta(days=1),
    )
    Course.create(
        stage=flow.ACTIVE, received_on=today, initiated_by="citizen", expected_end_on=today
    )
    Course.create(stage=flow.ACTIVE, received_on=today, initiated_by="citizen")
    closed = {
        name: Course.create(stage=flow.CLOSED, received_on=today, initiated_by="citizen").id
        for name in ("withdrawn", "given", "again", "refused", "none")
    }

    def record(name, on, given=True, withdrawn_on=None):
        Consent.create(
            course=closed[name],
            item="follow_up_call",
            given=given,
            recorded_on=on,
            source="intake",
            withdrawn_on=withdrawn_on,
        )

    record("withdrawn", date(2026, 1, 1), withdrawn_on=date(2026, 2, 1))
    record("given", date(2026, 1, 1))
    record("again", date(2026, 1, 1), given=False)
    record("again", date(2026, 1, 1))  # the same day, later: given again
    record("refused", date(2026, 1, 1))
    record("refused", date(2026, 3, 1), given=False)
    exclude = {"awaiting_follow_up": consent.withdrawn_condition(consent.FOLLOW_UP_CALL, Course.id)}
    queues = queries.dashboard_queues(exclude=exclude)
    waiting = {c.id for c in queues["awaiting_follow_up"]}
    assert waiting == set(closed.values()) - consent.courses_withdrawn(
        "follow_up_call", closed.values()
    )
    assert waiting == {closed["given"], closed["again"], closed["none"]}
    assert [c.id for c in queues["overdue"]] == [late.id]
    counts, _ = queries.queue_counts(exclude=exclude)
    assert (counts["awaiting_follow_up"], counts["overdue"]) == (3, 1)


def test_the_dashboard_queries_do_not_grow_with_the_queues(kit):
    """Counted around two sizes of queue, each longer than a page the second time: the same
    statements, and none of them reads the whole conversation table."""
    from trivsel.courses.models import Conversation
    from trivsel.courses.queries import QUEUE_PAGE_SIZE

    def statements_of(path):
        with statements() as executed:
            assert kit.client.get(path).status_code == 200
        return [event.sql for event in executed]

    def grow(n):
        for stage in (flow.NEW, flow.CONTACTED, flow.MATCHING, flow.CLOSED):
            for _ in range(n):
                course = Course.create(
                    stage=stage,
                    received_on=date(2026, 1, 5),
                    initiated_by="citizen",
                    ended_on=date(2026, 2, 1),
                )
                Conversation.create(
                    course=course, held_on=date(2026, 1, 20), logged_by=kit.users["volunteer"].id
                )

    kit.as_("coordinator")
    grow(2)
    few = [len(statements_of("/dashboard")), len(statements_of("/dashboard?queue=intake&page=1"))]
    grow(QUEUE_PAGE_SIZE + 3)
    many = statements_of("/dashboard")
    assert [len(many), len(statements_of("/dashboard?queue=intake&page=2"))] == few
    # A queue's row shows no conversation totals, so no statement reads the conversations.
    assert not [sql for sql in many if '"conversation"' in sql]


def test_the_due_count_is_the_number_of_due_courses(app):
    from trivsel.courses.models import Citizen
    from trivsel.privacy import retention

    policy = retention.RetentionPolicy(
        after_follow_up_months=12, after_close_months=6, inquiry_months=1, access_log_months=24
    )
    # Month ends (which a shorter month folds), each rule, erased and erased-but-back courses.
    for day in (date(2025, 1, 28), date(2025, 1, 31), date(2025, 3, 31), date(2024, 2, 29)):
        for stage in (flow.FOLLOWED_UP, flow.CLOSED, flow.NEW, flow.DECLINED, flow.ACTIVE):
            Course.create(stage=stage, received_on=day, initiated_by="citizen", ended_on=day)
        Course.create(
            stage=flow.FOLLOWED_UP,
            received_on=day,
            initiated_by="citizen",
            ended_on=day,
            followed_up_on=day + timedelta(days=20),
        )
        Course.create(
            stage=flow.CLOSED, received_on=day, initiated_by="citizen", ended_on=day, erased_on=day
        )
        Course.create(
            stage=flow.CLOSED,
            received_on=day,
            initiated_by="citizen",
            ended_on=day,
            erased_on=day,
            citizen=Citizen.create(name="Igen"),
        )
    as_of = date(2025, 1, 20)
    while as_of < date(2026, 6, 1):
        for within in (0, retention.DUE_SOON_DAYS):
            expected = len(retention.due_courses(as_of, policy, within_days=within))
            assert retention.due_count(as_of, policy, within_days=within) == expected, as_of
        as_of += timedelta(days=3)


def test_a_queue_row_shows_the_name_the_badge_and_the_volunteer(kit, users):
    """What a queue's row shows, read from the one statement of the queues: the citizen's
    name (or "Anonym", or "Slettet"), the referral badge with the referrer's department, the
    stage, the day received and, for the overdue, the volunteer and the expected end."""
    from trivsel.core.templating import danish_date
    from trivsel.referrals.models import Referral

    kit.as_("coordinator")
    named = kit.inquiry(received_on=date(2026, 1, 5).isoformat(), name="Inge Hansen")
    anonymous = Course.create(stage=flow.NEW, received_on=date(2026, 1, 6), initiated_by="citizen")
    erased = Course.create(
        stage=flow.NEW,
        received_on=date(2026, 1, 7),
        initiated_by="citizen",
        erased_on=date(2026, 2, 1),
    )
    Referral.create(course=named, form="f", plugin="p", referrer_department="Jobcenter Vest")
    Referral.create(course=anonymous.id, form="f", plugin="p")
    overdue = kit.to(flow.ACTIVE, name="Gerda")
    Course.update(expected_end_on=date(2026, 3, 1)).where(Course.id == overdue).execute()

    page = kit.client.get("/dashboard").get_data(as_text=True)
    waiting = _queue_section(page, "awaiting_contact")
    rows = {
        course_id: waiting[waiting.index(f'href="/courses/{course_id}"') :].split("</tr>")[0]
        for course_id in (named, anonymous.id, erased.id)
    }
    assert "Inge Hansen" in rows[named]
    assert '<span class="badge referred">Henvist · Jobcenter Vest</span>' in rows[named]
    assert "Anonym" in rows[anonymous.id]
    assert '<span class="badge referred">Henvist</span>' in rows[anonymous.id]
    assert "Slettet" in rows[erased.id] and "Henvist" not in rows[erased.id]
    with kit.client.application.test_request_context():
        received = danish_date(date(2026, 1, 5))
        expected_end = danish_date(date(2026, 3, 1))
    assert f"<td>{received}</td>" in rows[named]
    assert "<td>Venter på første kontakt</td>" in rows[named]
    late = _queue_section(page, "overdue")
    assert "Gerda" in late and users["volunteer"].name in late
    assert f"<td>{expected_end}</td>" in late and "<td>Aktivt forløb</td>" in late
    # The queue fetched alone (its pager, with htmx) shows the same words.
    fragment = kit.client.get(
        "/dashboard?queue=awaiting_contact&page=1", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert "Henvist · Jobcenter Vest" in fragment and "Anonym" in fragment
    assert '<th scope="col">Modtaget</th>' in fragment


def test_the_course_list_rows_count_their_own_conversations(kit, users):
    """Each row of the course list: its own conversations' count and last date (the page's
    courses totalled, not every course's), the stage and the volunteer; the volunteer filter
    keeps the chosen volunteer selected."""
    from trivsel.core.templating import danish_date
    from trivsel.courses.models import Conversation

    busy = kit.to(flow.ACTIVE, name="Gerda")
    quiet = kit.to(flow.ACTIVE, name="Inge")
    for day in (date(2026, 2, 3), date(2026, 3, 4)):
        Conversation.create(course=busy, held_on=day, logged_by=users["volunteer"].id)
    kit.as_("coordinator")

    def row(page, course_id):
        return page[page.index(f'href="/courses/{course_id}"') :].split("</tr>")[0]

    page = kit.client.get("/courses").get_data(as_text=True)
    with kit.client.application.test_request_context():
        last = danish_date(date(2026, 3, 4))
    assert "<td>2</td>" in row(page, busy) and f"<td>{last}</td>" in row(page, busy)
    assert "<td>0</td>" in row(page, quiet) and "<td></td>" in row(page, quiet)
    assert "<td>Aktivt forløb</td>" in row(page, busy)
    assert f"<td>{users['volunteer'].name}</td>" in row(page, busy)
    mine = kit.client.get(f"/courses?volunteer={users['volunteer'].id}").get_data(as_text=True)
    assert f'<option value="{users["volunteer"].id}" selected>' in mine
    assert f'<option value="{users["other_volunteer"].id}">' in mine
