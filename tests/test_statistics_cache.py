"""The annual report is kept between requests and built afresh after any write to the data it
counts: the counter's triggers, the tables they watch, and the page following at once."""

import re
from datetime import date

import pytest
import test_i18n
from conftest import ON_POSTGRES, statements
from test_statistics_page import Tables

from trivsel.core import db
from trivsel.core.db import database
from trivsel.core.plugins import get_plugins
from trivsel.courses import flow
from trivsel.courses.models import Conversation, Course
from trivsel.statistics import cache
from trivsel.statistics import report as annual_report

compiled = test_i18n.compiled  # the English catalogue, compiled
TODAY = date.today()
YEAR = date(TODAY.year, 1, 1).isoformat()


def conversations_this_year(client):
    response = client.get("/statistics/?year_start=01-01")
    assert response.status_code == 200
    table = Tables(response.get_data(as_text=True)).tables.get("figures-main")
    if table is None or YEAR not in table["years"]:
        return "–"
    return table["rows"]["conversations"][table["years"].index(YEAR)]


def log(client, course_id, key):
    data = {"held_on": TODAY.isoformat(), "mode": "home", "submission_key": key}
    response = client.post(f"/me/courses/{course_id}/conversations", data=data)
    assert response.status_code == 303


def test_a_new_conversation_changes_the_page_at_once(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    log(kit.client, course_id, "k-1")
    kit.as_("coordinator")
    assert conversations_this_year(kit.client) == "1"
    assert conversations_this_year(kit.client) == "1"  # the kept report
    kit.as_("volunteer")
    log(kit.client, course_id, "k-2")
    kit.as_("coordinator")
    assert conversations_this_year(kit.client) == "2"
    conversation = Conversation.select().where(Conversation.course == course_id).first()
    kit.as_("volunteer")
    response = kit.client.post(
        f"/me/conversations/{conversation.id}/remove",
        data={"version": Course.get_by_id(course_id).version},
    )
    assert response.status_code == 303
    kit.as_("coordinator")
    assert conversations_this_year(kit.client) == "1"


def test_the_second_view_reads_the_kept_figures(kit):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    log(kit.client, course_id, "k-1")
    kit.as_("coordinator")
    with statements() as first:
        conversations_this_year(kit.client)
    with statements() as second:
        conversations_this_year(kit.client)
    reads_courses = [e.sql for e in first if re.search(r'FROM "course"|JOIN "course"', e.sql)]
    assert len(reads_courses) > 10  # the report, built
    assert not [e.sql for e in second if re.search(r'FROM "course"|JOIN "course"', e.sql)]
    assert any("statistics_generation" in e.sql for e in second)


def test_a_write_in_a_watched_table_moves_the_counter(app, users, kit):
    course_id = kit.to(flow.ACTIVE)
    with app.app_context():
        before = cache.generation()
        Course.update(branch="main").where(Course.id == course_id).execute()
        after_update = cache.generation()
        Conversation.create(course=course_id, held_on=TODAY, mode="phone")
        after_insert = cache.generation()
        Conversation.delete().where(Conversation.course == course_id).execute()
        after_delete = cache.generation()
    values = [g[1] for g in (before, after_update, after_insert, after_delete)]
    assert values == sorted(set(values)), values  # each write moved it forward
    assert len({g[0] for g in (before, after_delete)}) == 1  # the same database's epoch


def test_a_transaction_moves_the_counter_once_on_postgresql(app, kit):
    course_id = kit.to(flow.ACTIVE)
    with app.app_context():
        before = cache.generation()[1]
        with database.atomic():
            for _ in range(20):
                Conversation.create(course=course_id, held_on=TODAY, mode="phone")
        moved = cache.generation()[1] - before
    # SQLite has row triggers only (a move per row); PostgreSQL counts the transaction once.
    assert moved == (20 if db.is_sqlite() else 1)


def test_a_write_elsewhere_keeps_the_counter(app, users):
    with app.app_context():
        before = cache.generation()
        users["volunteer"].name = "Mona J."
        users["volunteer"].save()
        assert cache.generation() == before


def triggered_tables():
    if db.is_sqlite():
        rows = database.execute_sql(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE '%statistics_changed%'"
        )
    else:
        rows = database.execute_sql(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE strpos(t.tgname, 'statistics_changed') > 0"
        )
    return {row[0] for row in rows}


def test_every_table_the_report_reads_is_watched(app, kit):
    """The report's SQL names its tables; each must carry the counter's trigger, or a write
    to it would leave the kept report behind."""
    kit.to(flow.ACTIVE)
    with app.test_request_context():
        with statements() as seen:
            annual_report.build((1, 1), get_plugins().branches())
        read = {
            name
            for event in seen
            for name in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', event.sql)
            if name in database.get_tables()
        }
        assert read, seen
        assert read <= set(cache.WATCHED), read - set(cache.WATCHED)
        assert triggered_tables() == set(cache.WATCHED)


def test_the_kept_page_follows_the_language(kit, compiled):
    course_id = kit.to(flow.ACTIVE)
    kit.as_("volunteer")
    log(kit.client, course_id, "k-1")
    kit.as_("coordinator")
    danish = kit.client.get("/statistics/").get_data(as_text=True)
    assert "Nøgletal" in danish
    assert "af borgerne (1 af 1); gennemsnit 1,0" in danish
    kit.client.post("/language", data={"language": "en", "next": "/statistics/"})
    english = kit.client.get("/statistics/").get_data(as_text=True)
    assert "Nøgletal" not in english and "Key figures" in english
    # Texts the report makes when it is built follow the language too.
    assert "of citizens (1 of 1); mean 1.0" in english
    kit.client.post("/language", data={"language": "da", "next": "/statistics/"})
    assert "Nøgletal" in kit.client.get("/statistics/").get_data(as_text=True)


@pytest.mark.skipif(not ON_POSTGRES, reason="the deferred trigger is PostgreSQL's")
def test_the_counter_is_taken_only_at_commit_on_postgresql(app, kit):
    """Two transactions writing different courses do not wait on each other through the
    counter row: the trigger runs at commit, so an open transaction holds no lock on it."""
    first_course = kit.to(flow.ACTIVE)
    second_course = kit.to(flow.ACTIVE)
    with app.app_context():
        before = cache.generation()[1]
    first = db.open_database(app.config["DATABASE_URL"])
    second = db.open_database(app.config["DATABASE_URL"])
    try:
        one, two = first.connection(), second.connection()
        for connection in (one, two):
            connection.autocommit = False
            connection.cursor().execute("SET lock_timeout = '5s'")
        one.cursor().execute(
            "UPDATE course SET version = version + 1 WHERE id = %s", (first_course,)
        )
        # With the counter updated at once, this would wait for the first transaction.
        two.cursor().execute(
            "UPDATE course SET version = version + 1 WHERE id = %s", (second_course,)
        )
        two.commit()
        one.commit()
    finally:
        first.close()
        second.close()
    with app.app_context():
        assert cache.generation()[1] == before + 2
