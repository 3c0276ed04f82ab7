"""Confidentiality kept: retention at its boundaries, erasure that leaves no bytes behind,
consent withdrawal, subject access, the access log, and who sees contact data when."""

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date

from trivsel.core.db import database, is_sqlite
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.privacy import access_log, retention
from trivsel.privacy.models import AccessLog, Consent, RetentionRun

POLICY = retention.RetentionPolicy(
    after_follow_up_months=3, after_close_months=6, inquiry_months=6, access_log_months=12
)


def make_course(stage, name="Gerda Testesen", **facts):
    citizen = Citizen.create(name=name, phone="75 55 66 77", goals="Gå i Føtex selv")
    values = {
        "citizen": citizen,
        "stage": stage,
        "received_on": date(2025, 9, 1),
        "channel": "phone",
        "initiated_by": "citizen",
    }
    values.update(facts)
    return Course.create(**values)


# --- The policy's arithmetic ---------------------------------------------------------------


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -12, date(2025, 1, 10)),
    ],
)
def test_add_months(day, months, expected):
    assert retention.add_months(day, months) == expected


# --- Retention at the boundaries -----------------------------------------------------------

RULES = [
    # (stage, facts, the day it falls due)
    (
        flow.FOLLOWED_UP,
        {"ended_on": date(2025, 12, 1), "followed_up_on": date(2026, 1, 15)},
        date(2026, 4, 15),
    ),
    (flow.CLOSED, {"ended_on": date(2025, 12, 1)}, date(2026, 6, 1)),
    (flow.DECLINED, {"ended_on": date(2025, 10, 20)}, date(2026, 4, 20)),
    (flow.WITHDRAWN, {"ended_on": date(2025, 10, 20)}, date(2026, 4, 20)),
    (flow.REFERRED_ELSEWHERE, {"ended_on": date(2025, 10, 20)}, date(2026, 4, 20)),
    # An inquiry that never got past the intake counts from its arrival.
    (flow.CONTACTED, {"received_on": date(2025, 9, 1)}, date(2026, 3, 1)),
]


@pytest.mark.parametrize("stage, facts, due_on", RULES)
@pytest.mark.parametrize("offset, erased", [(-1, False), (0, True), (1, True)])
def test_retention_erases_exactly_what_is_due(app, stage, facts, due_on, offset, erased):
    course = make_course(stage, **facts)
    other = make_course(flow.ACTIVE, name="Inge Aktiv", started_on=date(2025, 9, 10))
    result = retention.run_retention(due_on + timedelta(days=offset), POLICY)
    assert result.erased == int(erased)
    course = Course.get_by_id(course.id)
    if erased:
        assert course.citizen_id is None and course.erased_on == due_on + timedelta(days=offset)
        assert not Citizen.select().where(Citizen.name == "Gerda Testesen").exists()
    else:
        assert course.citizen_id is not None and course.erased_on is None
    # A running course is never touched.
    assert Course.get_by_id(other.id).citizen.name == "Inge Aktiv"


def test_running_courses_and_anonymous_inquiries_have_nothing_due(app):
    for stage in (flow.MATCHING, flow.PROPOSED, flow.MATCH_MEETING, flow.ACTIVE):
        make_course(stage, started_on=date(2020, 1, 1) if stage == flow.ACTIVE else None)
    assert retention.due_courses(date(2030, 1, 1), POLICY) == []


def snapshot():
    """Every row of the tables erasure touches, as plain tuples."""
    return {
        model.__name__: sorted(model.select().tuples())
        for model in (Citizen, Course, Proposal, Conversation, CourseEvent, Consent, AccessLog)
    }


def test_twice_in_a_row_changes_nothing(app, users):
    course = make_course(
        flow.FOLLOWED_UP, ended_on=date(2025, 12, 1), followed_up_on=date(2026, 1, 15)
    )
    Proposal.create(
        course=course, volunteer=users["volunteer"], status="declined", decline_reason="Kender"
    )
    make_course(flow.CLOSED, name="Lene Venter", ended_on=date(2026, 3, 1))
    first = retention.run_retention(date(2026, 5, 1), POLICY)
    assert first.erased == 1
    before = snapshot()
    second = retention.run_retention(date(2026, 5, 1), POLICY)
    assert (second.erased, second.due) == (0, [])
    assert snapshot() == before
    assert RetentionRun.select().count() == 2


def test_a_dry_run_lists_what_is_due_and_changes_nothing(app):
    course = make_course(flow.CLOSED, ended_on=date(2025, 12, 1))
    before = snapshot()
    result = retention.run_retention(date(2026, 6, 1), POLICY, dry_run=True)
    assert [d.course.id for d in result.due] == [course.id]
    assert snapshot() == before
    run = RetentionRun.get()
    assert (run.dry_run, run.erased) == (True, 1)
    assert retention.last_run() is None  # a dry run is not the job having run


def test_erasure_keeps_the_facts_and_clears_free_text_about_the_person(app, users):
    course = make_course(
        flow.FOLLOWED_UP,
        ended_on=date(2025, 12, 1),
        followed_up_on=date(2026, 1, 15),
        started_on=date(2025, 9, 20),
        birth_year=1945,
        follow_on_offers="Ældresagen: gåhold",
        who5_intake=40,
    )
    Proposal.create(
        course=course,
        volunteer=users["other_volunteer"],
        status="declined",
        decline_reason="Kender datteren Birthe",
    )
    Conversation.create(course=course, held_on=date(2025, 10, 1), mode="home")
    assert retention.erase_course(course.id, today=date(2026, 4, 15))
    course = Course.get_by_id(course.id)
    assert course.citizen_id is None and course.erased_on == date(2026, 4, 15)
    assert (course.birth_year, course.who5_intake, course.follow_on_offers) == (
        1945,
        40,
        "Ældresagen: gåhold",
    )
    assert Proposal.get(Proposal.course == course).decline_reason is None
    assert Proposal.get(Proposal.course == course).status == "declined"
    assert Conversation.select().where(Conversation.course == course).count() == 1
    assert Citizen.select().count() == 0
    assert CourseEvent.get(CourseEvent.course == course).action == "erased"
    assert not retention.erase_course(course.id)  # already erased


def test_erased_values_do_not_remain_in_the_sqlite_files(app, kit):
    if not is_sqlite():
        pytest.skip("reads the SQLite database file")
    name = "Zebulonia Quixwhistle"
    phone = "31 41 59 26"
    course_id = kit.to(flow.MATCHING, name=name, phone=phone)
    kit.client.post(
        f"/courses/{course_id}/citizen",
        data={"name": name + " Kvist", "phone": phone, "version": Course[course_id].version},
    )
    path = Path(database.obj.database)
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]

    def raw():
        return b"".join(f.read_bytes() for f in files if f.exists())

    assert name.encode() in raw()  # the test can see the name before erasure
    # Another process holding the database open (a second worker) keeps the -wal file from
    # being folded in when the request's connection closes: the checkpoint must do it.
    other = sqlite3.connect(path)
    try:
        other.execute("SELECT COUNT(*) FROM course").fetchone()
        response = kit.client.post(f"/courses/{course_id}/erase", data={"confirm": "y"})
        assert response.status_code == 303
        data = raw()
        for secret in (name, name + " Kvist", phone, "Gå i Føtex selv"):
            assert secret.encode() not in data, secret
        assert Path(f"{path}-wal").stat().st_size == 0
    finally:
        other.close()


# --- The command ---------------------------------------------------------------------------


def test_the_command_dry_run_and_run(app, runner):
    course = make_course(flow.CLOSED, ended_on=date(2025, 12, 1))
    dry = runner.invoke(args=["retention", "run", "--as-of", "2026-06-01", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"due: course {course.id}" in dry.output and "nothing changed" in dry.output
    assert Course.get_by_id(course.id).citizen_id is not None
    real = runner.invoke(args=["retention", "run", "--as-of", "2026-06-01"])
    assert real.exit_code == 0, real.output
    assert "erased 1 courses" in real.output
    again = runner.invoke(args=["retention", "run", "--as-of", "2026-06-01"])
    assert "erased 0 courses" in again.output
    bad = runner.invoke(args=["retention", "run", "--as-of", "1. juni"])
    assert bad.exit_code != 0


def test_the_job_purges_the_access_log_after_its_period(app, users):
    course = make_course(flow.ACTIVE, started_on=date(2025, 9, 10))
    old = access_log.log_access("view", course.id, users["coordinator"].id, "courses.show")
    AccessLog.update(at="2025-01-01 10:00:00").execute()
    access_log.log_access("view", course.id, users["coordinator"].id, "courses.show")
    assert old == 1
    result = retention.run_retention(date(2026, 1, 2), POLICY)
    assert result.log_purged == 1
    assert AccessLog.select().count() == 1


def test_dashboard_and_policy_page_show_the_last_run_and_what_falls_due(kit, users):
    kit.as_("coordinator")
    page = kit.client.get("/dashboard").get_data(as_text=True)
    assert "Sletningen har endnu ikke kørt" in page
    soon = date.today() - timedelta(days=6 * 31 - 10)
    course = make_course(flow.CLOSED, ended_on=soon)
    retention.run_retention(date.today(), POLICY)
    page = kit.client.get("/dashboard").get_data(as_text=True)
    assert "Sletningen kørte sidst" in page
    assert "1 forløb får slettet personoplysninger inden for 30 dage" in page
    policy = kit.client.get("/privacy").get_data(as_text=True)
    assert "3 måneder efter den opfølgende samtale" in policy
    assert f"#{course.id}" in policy
    kit.as_("admin")
    assert kit.client.get("/privacy").status_code == 200


# --- Consent -------------------------------------------------------------------------------


def record(kit, course_id, item, recorded_on=None, source="intake"):
    return kit.client.post(
        f"/courses/{course_id}/consents",
        data={
            "item": item,
            "recorded_on": recorded_on or date.today().isoformat(),
            "source": source,
        },
    )


def withdraw(kit, course_id, item, on=None):
    consent = Consent.get((Consent.course == course_id) & (Consent.item == item))
    return kit.client.post(
        f"/courses/{course_id}/consents/{consent.id}/withdraw",
        data={f"w{consent.id}-withdrawn_on": on or date.today().isoformat()},
    )


def test_consent_is_recorded_with_date_and_source(kit):
    course_id = kit.to(flow.MATCHING)
    assert record(kit, course_id, "who5", source="phone").status_code == 303
    consent = Consent.get(Consent.course == course_id)
    assert (consent.item, consent.source, consent.recorded_on) == ("who5", "phone", date.today())
    page = kit.client.get(f"/courses/{course_id}/privacy").get_data(as_text=True)
    assert "WHO-5-besvarelser må registreres" in page and "Telefonisk" in page


def test_bad_consent_input_changes_nothing(kit):
    course_id = kit.to(flow.MATCHING)
    future = (date.today() + timedelta(days=3)).isoformat()
    response = record(kit, course_id, "who5", recorded_on=future)
    assert response.status_code == 422
    assert "Datoen kan ikke ligge i fremtiden." in response.get_data(as_text=True)
    assert record(kit, course_id, "not_an_item").status_code == 422
    assert Consent.select().count() == 0


def test_withdrawing_who5_erases_the_scores(kit):
    course_id = kit.to(flow.FOLLOWED_UP)
    Course.update(who5_intake=40, who5_follow_up=68).where(Course.id == course_id).execute()
    record(kit, course_id, "who5")
    assert withdraw(kit, course_id, "who5").status_code == 303
    course = Course.get_by_id(course_id)
    assert (course.who5_intake, course.who5_follow_up) == (None, None)
    assert Consent.get(Consent.course == course_id).withdrawn_on == date.today()
    assert withdraw(kit, course_id, "who5").status_code == 303  # twice: nothing more


def test_after_withdrawing_who5_no_new_score_is_saved(kit):
    course_id = kit.to(flow.CLOSED)
    record(kit, course_id, "who5")
    withdraw(kit, course_id, "who5")
    answers = {f"who5_{i}": "3" for i in range(1, 6)}
    assert kit.step(course_id, flow.FOLLOW_UP, **answers).status_code == 303
    assert Course.get_by_id(course_id).who5_follow_up is None


def test_withdrawing_the_follow_up_call_stops_the_call(kit):
    course_id = kit.to(flow.CLOSED)
    record(kit, course_id, "follow_up_call")
    withdraw(kit, course_id, "follow_up_call")
    page = kit.client.get(f"/courses/{course_id}").get_data(as_text=True)
    assert "Borgeren har frabedt sig en opfølgende samtale." in page
    assert f"/courses/{course_id}/steps/follow_up" not in page
    response = kit.step(course_id, flow.FOLLOW_UP)
    assert response.status_code == 409
    assert Course.get_by_id(course_id).stage == flow.CLOSED


def test_a_declined_follow_up_call_leaves_the_waiting_queue(kit):
    declined = kit.to(flow.CLOSED)
    waiting = kit.to(flow.CLOSED)
    record(kit, declined, "follow_up_call")
    withdraw(kit, declined, "follow_up_call")
    page = kit.client.get("/dashboard").get_data(as_text=True)
    queue = page.split('id="queue-awaiting_follow_up"')[1].split("</section>")[0]
    assert f"#{waiting}<" in queue
    assert f"#{declined}<" not in queue


def test_withdrawing_share_contact_erases_phone_and_email(kit):
    course_id = kit.to(flow.MATCHING, email="gerda@example.dk")
    record(kit, course_id, "share_contact", source="written")
    withdraw(kit, course_id, "share_contact")
    citizen = Course.get_by_id(course_id).citizen
    assert (citizen.name, citizen.phone, citizen.email) == ("Gerda", None, None)


def test_a_withdrawal_before_the_consent_was_given_is_refused(kit):
    course_id = kit.to(flow.MATCHING)
    record(kit, course_id, "who5")
    response = withdraw(kit, course_id, "who5", on=(date.today() - timedelta(days=5)).isoformat())
    assert response.status_code == 422
    assert "før samtykket blev givet" in response.get_data(as_text=True)
    assert Consent.get(Consent.course == course_id).withdrawn_on is None


# --- Subject access and erasure on request -------------------------------------------------


def codes(record):
    """The values as stored of a record of the subject access JSON (each value a fact)."""
    return {key: fact["kode"] for key, fact in record.items()}


def test_subject_access_lists_everything_and_the_download_is_logged(kit, users):
    course_id = kit.to(flow.ACTIVE, email="gerda@example.dk")
    record(kit, course_id, "who5")
    Proposal.create(
        course=course_id, volunteer=users["other_volunteer"], status="declined", decline_reason="X"
    )
    Conversation.create(course=course_id, held_on=date.today(), mode="phone")
    page = kit.client.get(f"/courses/{course_id}/privacy").get_data(as_text=True)
    for text in (
        "Gerda",
        "75 55 66 77",
        "gerda@example.dk",
        "Gå i Føtex selv",
        "WHO-5-besvarelser må registreres",
        "Poul Madsen",
        "Mona Jensen",
        format_date(date.today(), "medium", locale="da"),
        "Så personoplysninger",
        "Startsamtale holdt",
        "1945",
    ):
        assert text in page, text
    response = kit.client.get(f"/courses/{course_id}/privacy.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert codes(data["personal"]) == {
        "name": "Gerda",
        "phone": "75 55 66 77",
        "email": "gerda@example.dk",
        "goals": "Gå i Føtex selv",
        "postcode": None,
        "considerations": None,
    }
    assert data["facts"]["birth_year"]["kode"] == 1945
    assert data["facts"]["stage"]["kode"] == flow.ACTIVE
    assert [c["item"]["kode"] for c in data["consents"]] == ["who5"]
    assert [p["decline_reason"]["kode"] for p in data["proposals"]] == [None, "X"]
    assert [codes(c) for c in data["conversations"]] == [
        {"held_on": date.today().isoformat(), "mode": "phone"}
    ]
    assert "export" in [e["action"]["kode"] for e in data["access_log"]]
    actions = {
        (e.action, e.endpoint, e.user_id)
        for e in AccessLog.select().where(AccessLog.course == course_id)
    }
    coordinator = users["coordinator"].id
    assert ("export", "privacy.export", coordinator) in actions
    assert ("view", "privacy.course", coordinator) in actions


def test_erasure_on_request_needs_confirmation_and_leaves_nothing_personal(kit, users):
    course_id = kit.to(flow.ACTIVE, email="gerda@example.dk")
    kit.as_("coordinator")
    confirm = kit.client.get(f"/courses/{course_id}/erase")
    assert confirm.status_code == 200 and "Slet personoplysninger" in confirm.get_data(True)
    refused = kit.client.post(f"/courses/{course_id}/erase", data={})
    assert refused.status_code == 422
    assert "Sæt kryds for at bekræfte." in refused.get_data(as_text=True)
    assert Course.get_by_id(course_id).citizen_id is not None
    no_token = kit.client.post(f"/courses/{course_id}/erase", data={"confirm": "y"}, csrf=False)
    assert no_token.status_code == 400
    assert Course.get_by_id(course_id).citizen_id is not None
    done = kit.client.post(f"/courses/{course_id}/erase", data={"confirm": "y"})
    assert done.status_code == 303
    assert Citizen.select().count() == 0
    data = kit.client.get(f"/courses/{course_id}/privacy.json").get_json()
    assert data["personal"] is None
    assert data["facts"]["erased_on"]["kode"] == date.today().isoformat()
    assert all(p["decline_reason"]["kode"] is None for p in data["proposals"])
    for url in (f"/courses/{course_id}", f"/courses/{course_id}/privacy", "/courses"):
        page = kit.client.get(url).get_data(as_text=True)
        assert "Gerda" not in page and "75 55 66 77" not in page
    assert "Slettet" in kit.client.get("/courses").get_data(as_text=True)
    erase_log = AccessLog.get((AccessLog.course == course_id) & (AccessLog.action == "erase"))
    assert erase_log.user_id == users["coordinator"].id
    # The job later finds nothing due for it.
    assert course_id not in [d.course.id for d in retention.due_courses(date(2099, 1, 1), POLICY)]


# --- The access log ------------------------------------------------------------------------


def entries(course_id):
    return [
        (e.action, e.endpoint)
        for e in AccessLog.select().where(AccessLog.course == course_id).order_by(AccessLog.id)
    ]


def test_the_access_log_records_views_and_edits_without_the_data(kit, users):
    course_id = kit.to(flow.ACTIVE)
    AccessLog.delete().execute()
    kit.client.get(f"/courses/{course_id}")
    kit.client.get(f"/courses/{course_id}/citizen")
    kit.client.post(
        f"/courses/{course_id}/citizen",
        data={"name": "Gerda H.", "phone": "", "version": Course[course_id].version},
    )
    assert entries(course_id) == [
        ("view", "courses.show"),
        ("view", "courses.edit_citizen"),
        ("edit", "courses.edit_citizen"),
    ]
    kit.as_("volunteer")
    kit.client.get("/me/")
    assert entries(course_id)[-1] == ("view", "volunteer.home")
    assert AccessLog.select().where(AccessLog.user == users["volunteer"].id).count() == 1
    # The log holds ids, an action and a screen: nothing of the citizen's own data.
    columns = set(AccessLog._meta.fields)
    assert columns == {"id", "at", "user", "course", "action", "endpoint"}


def test_an_anonymous_course_page_logs_nothing(kit):
    course_id = kit.to(flow.NEW, name="", phone="")
    kit.client.get(f"/courses/{course_id}")
    assert entries(course_id) == []


# --- Who sees what -------------------------------------------------------------------------


def test_a_volunteer_loses_sight_of_contact_data_when_the_course_ends(kit):
    course_id = kit.to(flow.ACTIVE, name="Gerda Sommer")
    kit.as_("volunteer")
    home = kit.client.get("/me/").get_data(as_text=True)
    assert "Gerda Sommer" in home and "75 55 66 77" in home
    kit.as_("coordinator")
    kit.step(course_id, flow.CLOSE)
    kit.as_("volunteer")
    home = kit.client.get("/me/").get_data(as_text=True)
    assert f"#{course_id}" in home  # the ended course is still listed, by number
    assert "Gerda Sommer" not in home and "75 55 66 77" not in home
    page = kit.client.get(f"/me/courses/{course_id}/conversations").get_data(as_text=True)
    assert "Gerda Sommer" not in page


def test_subject_access_includes_postcode_and_considerations_and_their_withdrawal(kit):
    from trivsel.courses.models import Citizen

    course_id = kit.to(flow.MATCHING)
    citizen_id = Course.get_by_id(course_id).citizen_id
    Citizen.update(postcode="7000", considerations="Begyndende demens").where(
        Citizen.id == citizen_id
    ).execute()
    data = json.loads(kit.client.get(f"/courses/{course_id}/privacy.json").get_data(as_text=True))
    assert (data["personal"]["postcode"]["kode"], data["personal"]["considerations"]["kode"]) == (
        "7000",
        "Begyndende demens",
    )
    record(kit, course_id, "share_considerations")
    withdraw(kit, course_id, "share_considerations")
    assert Citizen.get_by_id(citizen_id).considerations is None


def test_personal_data_entered_after_an_erasure_can_be_erased_again(kit):
    from trivsel.courses.models import Citizen

    course_id = kit.to(flow.CLOSED)
    assert kit.client.post(f"/courses/{course_id}/erase", data={"confirm": "y"}).status_code == 303
    assert Course.get_by_id(course_id).citizen_id is None
    response = kit.client.post(
        f"/courses/{course_id}/citizen",
        data={"name": "Karla Igen", "version": Course.get_by_id(course_id).version},
    )
    assert response.status_code == 303
    assert Citizen.select().where(Citizen.name == "Karla Igen").exists()
    assert kit.client.post(f"/courses/{course_id}/erase", data={"confirm": "y"}).status_code == 303
    assert not Citizen.select().where(Citizen.name == "Karla Igen").exists()


def test_the_access_log_on_the_page_is_paged_newest_first_and_the_download_has_it_all(
    kit, users, monkeypatch
):
    from datetime import datetime

    from trivsel.privacy import subject_access

    monkeypatch.setattr(subject_access, "ACCESS_LOG_PAGE", 5)
    course_id = kit.to(flow.ACTIVE)
    AccessLog.delete().execute()
    # Eight older views, one a minute, from 10:01 to 10:08 on 1 March 2026.
    AccessLog.insert_many(
        [
            {
                "at": datetime(2026, 3, 1, 10, minute),
                "user": users["coordinator"].id,
                "course": course_id,
                "action": "view",
                "endpoint": "courses.show",
            }
            for minute in range(1, 9)
        ]
    ).execute()

    def log_rows(page):
        section = page[page.index('id="access_log-title"') :]
        return section[: section.index("</table>")].count("<tr>") - 1  # less the head row

    url = f"/courses/{course_id}/privacy"
    first = kit.client.get(url).get_data(as_text=True)  # logs a ninth view, today
    assert log_rows(first) == 5
    section = first[first.index('id="access_log-title"') :]
    assert section.index("10.08") < section.index("10.05") and "10.04" not in section
    assert f'href="{url}?page=2"' in section
    # Page 2 of ten entries (the tenth the view of page 2 itself, the newest): the five oldest.
    second = kit.client.get(f"{url}?page=2").get_data(as_text=True)
    section = second[second.index('id="access_log-title"') :]
    assert log_rows(second) == 5 and "10.05" in section and "10.01" in section
    assert "10.06" not in section
    assert "Forrige side" in section and "Næste side" not in section
    data = json.loads(kit.client.get(f"{url}.json").get_data(as_text=True))
    assert len(data["access_log"]) == 11  # eight, two page views and the download
