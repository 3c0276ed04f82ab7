"""The database: migrations match the models, init-db is safe to repeat, upgrades keep data."""

import ast
from pathlib import Path

import pytest
from conftest import ON_POSTGRES
from playhouse.schema_diff import diff_models

from trivsel.core import db
from trivsel.core.db import MIGRATIONS_DIR, database, migrate, migration_runner
from trivsel.core.users import User
from trivsel.courses.models import Course
from trivsel.schema import MODELS


def test_migrations_build_exactly_the_models_schema(app):
    assert not diff_models(database.obj, MODELS), diff_models(database.obj, MODELS)


def test_every_migration_is_applied(app):
    status = migration_runner().status()
    assert status and all(m.applied for m in status)


def test_init_db_twice_is_safe_and_keeps_data(app, runner, users):
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "up to date" in first.output
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0
    assert User.select().count() == len(users)


def test_migrate_on_an_empty_database_reports_it_new(app):
    with app.app_context():
        was_new, applied = migrate()
    assert (was_new, applied) == (False, [])  # the fixture already migrated


def _calls_in_up(path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "up":
            for call in ast.walk(node):
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                    yield call.func.attr
                if isinstance(call, ast.Constant) and isinstance(call.value, str):
                    yield call.value.upper()


def test_no_migration_drops_data_on_the_way_up():
    """An upgrade never loses data: up() may add and change, never drop."""
    for path in sorted(Path(MIGRATIONS_DIR).glob("[0-9]*.py")):
        words = list(_calls_in_up(path))
        assert "drop_table" not in words, path.name
        assert "drop_column" not in words, path.name
        assert not any("DROP " in w or "DELETE " in w for w in words), path.name


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    if not db.is_sqlite():
        pytest.skip("SQLite's pragmas")
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 5000


def test_foreign_keys_are_enforced(app):
    from peewee import IntegrityError

    with pytest.raises(IntegrityError), database.atomic():
        Course.create(
            stage="new",
            received_on="2026-01-01",
            channel="phone",
            initiated_by="citizen",
            volunteer=9999,
        )


def test_an_upgrade_keeps_the_data_of_the_version_before(app):
    """Roll back to the first schema, store an inquiry, upgrade: the inquiry is intact."""
    runner = migration_runner()
    applied = [m.name for m in runner.status() if m.applied]
    assert len(applied) > 1, applied  # there is a version before
    runner.down(applied[1])  # back to the first migration
    database.execute_sql(
        "INSERT INTO course (branch, stage, version, received_on, channel, initiated_by,"
        " created_at, updated_at) VALUES ('main', 'new', 1, '2026-01-05', 'phone', 'citizen',"
        " '2026-01-05 10:00:00', '2026-01-05 10:00:00')"
    )
    assert runner.up() == applied[1:]
    course = Course.get()
    assert (course.received_on.isoformat(), course.channel, course.stage) == (
        "2026-01-05",
        "phone",
        "new",
    )
    assert not diff_models(database.obj, MODELS)


def test_postgresql_is_opened_as_a_pool_and_sqlite_is_not():
    from playhouse.pool import PooledPostgresqlDatabase

    pooled = db.open_database("postgresql://trivsel@127.0.0.1:5432/trivsel", pool_size=4)
    assert isinstance(pooled, PooledPostgresqlDatabase)
    assert pooled._max_connections == 4
    plain = db.open_database("postgresql://trivsel@127.0.0.1:5432/trivsel")
    assert not isinstance(plain, PooledPostgresqlDatabase)
    assert not isinstance(
        db.open_database("sqlite:///:memory:", pool_size=4), PooledPostgresqlDatabase
    )


@pytest.mark.skipif(not ON_POSTGRES, reason="the pool is PostgreSQL's")
def test_requests_hand_their_connection_back_to_the_pool(app, client):
    from playhouse.pool import PooledPostgresqlDatabase

    assert isinstance(database.obj, PooledPostgresqlDatabase)
    for _ in range(3):
        assert client.get("/login").status_code == 200
    assert len(database.obj._connections) == 1  # one connection, handed back and reused


STATISTICS_INDEXES = {
    ("course", "started_on"),
    ("course", "ended_on"),
    ("course", "followed_up_on"),
    ("course", "received_on"),
    ("conversation", "held_on"),
    ("offer_link", "linked_on"),
}
STATISTICS_COMPOSITE_INDEXES = {("conversation", ("course_id", "held_on"))}


def test_the_dates_the_statistics_filter_on_are_indexed_after_migrate(app):
    indexed = {
        (table, index.columns[0])
        for table in database.get_tables()
        for index in database.get_indexes(table)
        if len(index.columns) == 1
    }
    assert indexed >= STATISTICS_INDEXES, STATISTICS_INDEXES - indexed
    composite = {
        (table, tuple(index.columns))
        for table in database.get_tables()
        for index in database.get_indexes(table)
    }
    assert composite >= STATISTICS_COMPOSITE_INDEXES


def test_a_migrate_that_applied_something_refreshes_the_planner_statistics(app):
    runner = migration_runner()
    last = [m.name for m in runner.status() if m.applied][-1]
    runner.down(last)
    if db.is_sqlite():
        database.execute_sql("DROP TABLE IF EXISTS sqlite_stat1")
    else:
        database.execute_sql("SELECT pg_stat_reset()")
    with app.app_context():
        _, applied = migrate()
    assert applied == [last]
    if db.is_sqlite():
        assert database.execute_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone() == (1,)
    else:
        (analyzed,) = database.execute_sql(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'course'"
            " AND last_analyze IS NOT NULL"
        ).fetchone()
        assert analyzed == 1


def test_a_statement_is_written_once_for_its_key(app):
    from datetime import date

    from trivsel.core.db import as_date, statement

    written = []

    def build():
        written.append(1)
        return User.select(User.id).where(User.role == "volunteer")

    first = statement(("test", "volunteers"), build)
    assert statement(("test", "volunteers"), build) == first and len(written) == 1
    assert database.execute_sql(*first).fetchall() == []
    assert as_date("2026-12-01") == date(2026, 12, 1) and as_date(None) is None
    assert as_date(date(2026, 12, 1)) == date(2026, 12, 1)
