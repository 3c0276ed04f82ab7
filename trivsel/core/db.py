"""The one database handle: SQLite by default, PostgreSQL when TRIVSEL_DATABASE_URL says so."""

import logging
import os
import sqlite3
from datetime import date, datetime
from pathlib import Path

from peewee import CharField, DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect
from playhouse.migrations import Runner

from trivsel.core import resources

database = DatabaseProxy()

MIGRATIONS_DIR = resources.PACKAGE / "migrations"
POOL_STALE_SECONDS = 300

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    # Erased means erased: deleted content is overwritten with zeros, not left in free pages.
    "secure_delete": 1,
}


class CodeListField(CharField):
    """A short list of codes from a fixed list (weekdays, interest areas), stored as "a,b"."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return ",".join(sorted(set(value))) or None

    def python_value(self, value):
        return [code for code in (value or "").split(",") if code]


def now():
    return datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def database_url(app):
    url = app.config.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{Path(app.instance_path) / 'trivsel.db'}"


def _lower(value):
    return value.lower() if isinstance(value, str) else value


def open_database(url, pool_size=0):
    """A peewee database for the URL, with the SQLite pragmas we rely on. On PostgreSQL with
    `pool_size`, a pool (playhouse.pool) of at most that many connections: closing one at the
    end of a request hands it back instead of ending it, so a request does not pay for a new
    connection (a connection left idle for POOL_STALE_SECONDS is replaced)."""
    if url.startswith("sqlite"):
        db = connect(url, pragmas=SQLITE_PRAGMAS)
        # SQLite's own LOWER folds only ASCII; searches for "Ørsted" or "ældre" need Python's.
        db.register_function(_lower, "lower", 1)
        return db
    if pool_size:
        scheme, _, rest = url.partition("://")
        if "+pool" not in scheme:
            url = f"{scheme}+pool://{rest}"
        return connect(url, max_connections=pool_size, stale_timeout=POOL_STALE_SECONDS)
    return connect(url)


def close_all(db):
    """Close every connection of a pool (and of a plain database, its one)."""
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()


def init_app(app):
    """Bind the database to the app and open/close a connection around each request."""
    db = open_database(database_url(app), app.config["DATABASE_POOL_SIZE"])
    database.initialize(db)
    app.extensions["trivsel.database"] = db

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    if isinstance(db, SqliteDatabase) and db.database != ":memory:":
        keep_write_ahead_log(app, db.database)

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()

    if app.config.get("BENCHMARK"):
        count_queries(app, db)


def keep_write_ahead_log(app, path):
    """Hold one idle connection to the SQLite file in each process, from its first request.

    When the last connection to a database in WAL mode closes, SQLite folds the log into the
    file and deletes it. Each request opens and closes its own connection, so on a quiet
    server every request that writes (a page view writes its access log) paid for that
    checkpoint and a new log. With one connection always open the log stays between
    requests and SQLite checkpoints it as it grows; an idle connection holds no snapshot, so
    `checkpoint()` still empties it after an erasure."""
    kept = {}  # by process: a connection is not to be used across a fork (gunicorn's workers)

    @app.before_request
    def _keep():
        pid = os.getpid()
        if pid not in kept:
            # One made before a fork stays, unused and not closed: closing it in the child
            # would drop the child's own locks on the file.
            connection = sqlite3.connect(path, check_same_thread=False)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the log
            kept[pid] = connection


def count_queries(app, db):
    """For `make bench`: each response says how many SQL statements it ran (X-Queries)."""
    from flask import g, has_request_context

    def hook(event):
        if has_request_context():
            g.trivsel_queries = g.get("trivsel_queries", 0) + 1

    db.query_hooks.append(hook)

    @app.after_request
    def _queries(response):
        response.headers["X-Queries"] = str(g.get("trivsel_queries", 0))
        return response


def is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def checkpoint():
    """Move the write-ahead log into the database file and truncate it, so erased values do not
    linger in the -wal file. PostgreSQL has no such step (see the README on VACUUM)."""
    if is_sqlite():
        # (busy, log frames, frames checkpointed): busy when a reader held the log past the
        # busy timeout. Tried again, then said, for each process keeps a connection open and
        # the log is no longer deleted when the last one closes.
        for _attempt in range(3):
            busy, _log, _done = database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
        logging.getLogger("trivsel.db").warning(
            "the write-ahead log could not be emptied after an erasure; run "
            "`PRAGMA wal_checkpoint(TRUNCATE)` when the app is quiet"
        )


def migration_runner():
    return Runner(database.obj, str(MIGRATIONS_DIR))


def migrate():
    """Create or upgrade the schema. Returns (was_new, applied migration names)."""
    runner = migration_runner()
    # SQLite's own tables (sqlite_stat1, left by ANALYZE) do not make a database old.
    tables = [name for name in database.get_tables() if not name.startswith("sqlite_")]
    was_new = not runner.applied() and not tables
    with database.connection_context():
        applied = runner.up()
        if applied:
            analyze()
    return was_new, applied


def analyze():
    """Refresh the query planner's statistics (row counts, index selectivity), after a change
    that may alter which plan is best: migrations that applied something, a history import.
    Cheap on an empty database; on a large one a matter of seconds."""
    if is_sqlite():
        database.execute_sql("ANALYZE")
        database.execute_sql("PRAGMA optimize")
    else:
        database.execute_sql("ANALYZE")


# Statements written once, by what they depend on (see `statement`); a bounded few.
_STATEMENTS = {}
STATEMENTS_KEPT = 512


def statement(key, build):
    """(sql, params) of the query `build()` makes, written once for `key` on this kind of
    database. For a page that runs the same statement all day: peewee takes longer to write a
    query with joins and subqueries than the database takes to answer it. `key` holds every
    value the query is built from."""
    key = (is_sqlite(), *key)
    found = _STATEMENTS.get(key)
    if found is None:
        if len(_STATEMENTS) >= STATEMENTS_KEPT:
            _STATEMENTS.clear()
        # Written in the database's own dialect (a Select bound to no model has none).
        sql, params = database.get_sql_context().sql(build()).query()
        found = _STATEMENTS[key] = (sql, tuple(params))
    return found


def as_date(value):
    """A date column's value as a date: SQLite hands back the stored text of a raw row."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value
