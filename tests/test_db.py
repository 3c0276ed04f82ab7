"""The database: migrations match the models, init-db is safe to repeat, upgrades keep data."""

import ast
from datetime import date
from pathlib import Path

import pytest
from conftest import ON_POSTGRES, statements
from playhouse.schema_diff import diff_models

from trivsel.core import db
from trivsel.core.db import MIGRATIONS_DIR, close_all, database, migrate, migration_runner
from trivsel.core.users import User
from trivsel.courses.models import Citizen, Course
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


def _kept_course_names():
    return (
        Course.select(Course.id, Citizen.name)
        .join(Citizen)
        .where(Course.id.in_([db.slot("first"), db.slot("second")]))
        .order_by(Course.id)
    )


def test_a_kept_query_binds_new_values_each_run_and_hands_out_its_models(app, users):
    from trivsel.courses.service import register_inquiry

    with app.app_context(), database.connection_context():
        ids = [
            register_inquiry(
                users["coordinator"].id,
                {"name": name, "phone": "12345678"},
                received_on=date(2026, 3, 2),
                channel="phone",
                initiated_by="citizen",
            )[0].id
            for name in ("Anna", "Bo", "Carl")
        ]
        key = ("test.course_names",)
        first = list(db.kept(key, _kept_course_names, first=ids[0], second=ids[1]))
        again = list(db.kept(key, _kept_course_names, first=ids[2], second=ids[1]))
        as_dicts = list(
            db.kept(("test.dicts",), lambda: _kept_course_names().dicts(), first=ids[2], second=0)
        )
    assert [(c.id, c.citizen.name) for c in first] == [(ids[0], "Anna"), (ids[1], "Bo")]
    assert [(c.id, c.citizen.name) for c in again] == [(ids[1], "Bo"), (ids[2], "Carl")]
    assert as_dicts == [{"id": ids[2], "name": "Carl"}]


@pytest.mark.skipif(not ON_POSTGRES, reason="prepared statements are PostgreSQL's")
def test_postgresql_plans_a_kept_query_once_per_connection(app, users):
    with app.app_context(), database.connection_context():
        key = ("test.prepared",)
        with statements() as seen:
            for course_id in (1, 2, 3):
                assert list(db.kept(key, _kept_course_names, first=course_id, second=0)) == []
        prepared = database.execute_sql(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%citizen%%'"
        ).fetchall()
    assert len(prepared) == 1 and "$1" in prepared[0][0]
    # The hooks (query counts, the tests' spies) see the statement, once a run.
    assert len(seen) == 3 and all('FROM "course"' in event.sql for event in seen)


@pytest.mark.database
@pytest.mark.skipif(not ON_POSTGRES, reason="prepared statements are PostgreSQL's")
def test_behind_a_transaction_pooler_nothing_is_prepared(tmp_path, plugins_dir):
    """TRIVSEL_DATABASE_PREPARED_STATEMENTS=0 (PgBouncer in transaction mode): the kept
    queries run as they are."""
    from conftest import app_config

    from trivsel import create_app
    from trivsel.schema import prepare_database

    app = create_app(app_config(tmp_path, plugins_dir, DATABASE_PREPARED_STATEMENTS=False))
    key = ("test.unprepared",)
    try:
        with app.app_context(), database.connection_context():
            prepare_database()
            for course_id in (1, 2):
                found = db.kept(key, _kept_course_names, first=course_id, second=0)
                assert list(found) == []
            prepared = database.execute_sql("SELECT COUNT(*) FROM pg_prepared_statements")
            assert prepared.fetchone() == (0,)
    finally:
        close_all(database.obj)


@pytest.mark.skipif(not ON_POSTGRES, reason="prepared statements are PostgreSQL's")
def test_a_statement_postgresql_cannot_prepare_runs_as_it_is_even_in_a_transaction(app):
    with app.app_context(), database.connection_context():
        with database.atomic():
            # "$1 IS NULL" has no type to prepare with; psycopg2's NULL literal has.
            assert db.run_prepared("SELECT %s IS NULL", [None]).fetchone() == (True,)
            assert db.run_prepared("SELECT %s IS NULL", [None]).fetchone() == (True,)
            assert Course.select().count() == 0  # the transaction was not aborted
        # A SUM over an integer is an integer, as in a plain statement.
        found = db.run_prepared("SELECT SUM(CASE WHEN %s THEN %s ELSE %s END)", [True, 1, 0])
        total = found.fetchone()[0]
    assert total == 1 and isinstance(total, int)


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
