"""The one database handle: SQLite by default, PostgreSQL when TRIVSEL_DATABASE_URL says so."""

from datetime import datetime
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

    @app.teardown_appcontext
    def _close(exc):
        if not database.is_closed():
            database.close()

    if app.config.get("BENCHMARK"):
        count_queries(app, db)


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
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")


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
