"""The one database handle: SQLite by default, PostgreSQL when TRIVSEL_DATABASE_URL says so."""

import functools
import hashlib
import logging
import os
import re
import sqlite3
import time
import weakref
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from peewee import CharField, DatabaseProxy, Model, SqliteDatabase, Value, __exception_wrapper__
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
    # The statements `run_prepared` prepares with parameters are short reads by an id or a
    # day, which one plan serves for any value: planned once, not again on every run (by
    # default PostgreSQL plans anew for each value as long as it guesses that pays). Those
    # that a value's plan matters for are prepared with their values written in. Nothing
    # else is prepared, so no other statement is touched (PostgreSQL 12 or newer).
    options = {"options": "-c plan_cache_mode=force_generic_plan"}
    if pool_size:
        scheme, _, rest = url.partition("://")
        if "+pool" not in scheme:
            url = f"{scheme}+pool://{rest}"
        return connect(url, max_connections=pool_size, stale_timeout=POOL_STALE_SECONDS, **options)
    return connect(url, **options)


def close_all(db):
    """Close every connection of a pool (and of a plain database, its one)."""
    if hasattr(db, "close_all"):
        db.close_all()
    elif not db.is_closed():
        db.close()


def init_app(app):
    """Bind the database to the app and open/close a connection around each request."""
    db = open_database(database_url(app), app.config["DATABASE_POOL_SIZE"])
    global _preparing
    _preparing = bool(app.config.get("DATABASE_PREPARED_STATEMENTS", True))
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
    held = {}  # by process: a connection is not to be used across a fork (gunicorn's workers)

    @app.before_request
    def _keep():
        pid = os.getpid()
        if pid not in held:
            # One made before a fork stays, unused and not closed: closing it in the child
            # would drop the child's own locks on the file.
            connection = sqlite3.connect(path, check_same_thread=False)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the log
            held[pid] = connection


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


class _Slot:
    """Where a kept query takes a value at run time (see `slot` and `kept`)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def slot(name):
    """A placeholder for the value `name` in a query built for `kept`: it goes into the written
    statement as a parameter, untouched by the column's conversion (`kept` binds it as given)."""
    return Value(_Slot(name), converter=False)


_KEPT = {}
# By connection (PostgreSQL's, which a pool hands from request to request): the names of the
# kept statements prepared on it. A connection that is closed and replaced drops out.
_PREPARED = weakref.WeakKeyDictionary()


def _kept(key, build):
    if key is None:  # written for this run alone
        query = build()
        sql, params = database.get_sql_context().sql(query).query()
        return (query, sql, tuple(params))
    key = (is_sqlite(), *key)
    found = _KEPT.get(key)
    if found is None:
        if len(_KEPT) >= STATEMENTS_KEPT:
            _KEPT.clear()
        query = build()
        sql, params = database.get_sql_context().sql(query).query()
        found = _KEPT[key] = (query, sql, tuple(params))
    return found


def _run(found, values):
    _query, sql, params = found
    return run_prepared(sql, [values[p.name] if isinstance(p, _Slot) else p for p in params])


def run_prepared(sql, params=(), fixed=False):
    """Run a statement a page runs all day (kept, or from `statement`): on PostgreSQL as a
    prepared statement, planned once per connection; planning a short read with joins took
    longer than running it (0.9 ms against 0.15 for a course's own row). On SQLite, as is
    (its own statement cache does the same).

    `fixed`: the values are part of what the statement is (`statement`'s key holds them), so
    it is prepared with them written in, and planned for them. PostgreSQL plans a prepared
    statement with parameters for their values at first, then may settle on one plan for any
    value; for a dashboard queue's page that plan read every course of a stage (50 ms)."""
    if is_sqlite() or not _preparing:
        return database.execute_sql(sql, params)
    if fixed:
        with database.cursor() as cursor:
            text = cursor.mogrify(sql, params).decode()
        types, arguments = (), ()
    else:
        types = _parameter_types(params)
        text, arguments = sql, params
    if types is None or sql in _UNPREPARED:
        return database.execute_sql(sql, params)
    name = _prepared_name(text, types)
    prepared = _PREPARED.setdefault(database.connection(), set())
    if name not in prepared:
        if len(prepared) >= PREPARED_PER_CONNECTION:
            with database.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")
            prepared.clear()
        if not _prepare(name, types, text, sql, numbered=not fixed):
            return database.execute_sql(sql, params)
        prepared.add(name)
    placeholders = f"({', '.join(['%s'] * len(arguments))})" if arguments else ""
    start = time.perf_counter()
    cursor = database.cursor()
    try:
        with __exception_wrapper__:
            cursor.execute(f"EXECUTE {name}{placeholders}", arguments)
    except Exception as exc:
        database._notify_hooks(sql, params, start, exc)
        raise
    # The query hooks (query counts, the tests' spies) see the statement itself.
    database._notify_hooks(sql, params, start, None)
    return cursor


# Whether run_prepared prepares: the last app's DATABASE_PREPARED_STATEMENTS (a process
# serves one app).
_preparing = True
# A bound on the statements prepared on one connection (each holds its plan in the server's
# memory); past it they are all dropped and prepared again as they come.
PREPARED_PER_CONNECTION = 256

# The types PostgreSQL gives the literals psycopg2 writes for these values (its plain
# execution), so a prepared statement's results have the types a plain one's have (a SUM over
# an integer is a bigint, not a numeric); "unknown" lets the statement's context decide, as
# it does for a quoted string or NULL.
_PARAMETER_TYPES = {
    bool: "boolean",
    str: "unknown",
    type(None): "unknown",
    float: "numeric",
    Decimal: "numeric",
    date: "date",
    datetime: "timestamp",
}
# Statements PostgreSQL could not prepare with those types: run as they are.
_UNPREPARED = set()


def _parameter_types(params):
    types = []
    for value in params:
        kind = type(value)
        if kind is int:
            types.append("integer" if -(2**31) <= value < 2**31 else "bigint")
        elif kind in _PARAMETER_TYPES:
            types.append(_PARAMETER_TYPES[kind])
        else:
            return None  # a value with no plain literal type (a list, bytes): not prepared
    return tuple(types)


def _prepare(name, types, text, sql, numbered):
    if numbered:
        count = iter(range(1, len(types) + 1))
        text = re.sub(r"%s", lambda _match: f"${next(count)}", text).replace("%%", "%")
    declared = f"({', '.join(types)})" if types else ""
    # In a transaction a failed PREPARE would abort it: tried under a savepoint there.
    savepoint = database.in_transaction()
    with database.cursor() as cursor:
        if savepoint:
            cursor.execute("SAVEPOINT trivsel_prepare")
        try:
            cursor.execute(f"PREPARE {name}{declared} AS {text}")
        except Exception:
            if savepoint:
                cursor.execute("ROLLBACK TO SAVEPOINT trivsel_prepare")
            logging.getLogger("trivsel.db").warning("not prepared, run as it is: %s", name)
            _UNPREPARED.add(sql)
            return False
        if savepoint:
            cursor.execute("RELEASE SAVEPOINT trivsel_prepare")
    return True


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _prepared_name(sql, types):
    return "kept_" + hashlib.sha1(repr((sql, types)).encode()).hexdigest()[:20]


def kept(key, build, **values):
    """The rows of the query `build()` makes, as that query hands them out (models with their
    joined attributes, tuples, dicts), with `values` bound to its `slot`s. The query is built
    and written once per `key` on this kind of database, for a page that runs it all day with
    other ids (writing the SQL is most of peewee's cost for a short read), and on PostgreSQL
    prepared once per connection. `key` holds every value the query's shape depends on; a
    value that varies goes in a slot, and is given as the database takes it (an id, a date).
    With `key` None the query is built for this run alone (one that holds personal data)."""
    found = _kept(key, build)
    # The query's own reader, over a cursor of the kept statement (peewee's Select.execute
    # does the same with the statement it has just written).
    return found[0]._get_cursor_wrapper(_run(found, values))


def kept_first(key, build, **values):
    """The first row `kept` hands out, or None (a query limited to one row)."""
    return next(iter(kept(key, build, **values)), None)


def run_kept(key, build, **values):
    """Run the write `build()` makes (an insert, an update), kept as `kept` keeps a read;
    returns the cursor."""
    return _run(_kept(key, build), values)
