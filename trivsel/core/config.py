"""Configuration defaults and the TRIVSEL_* environment variables that override them."""

import os
from datetime import timedelta

# What a request may hold besides the imported files: the form's other fields, the
# multipart headers.
UPLOAD_MARGIN = 1024 * 1024

# Defaults; instance/config.py and TRIVSEL_* environment variables override them.
DEFAULTS = {
    "SECRET_KEY": None,  # generated into instance/secret_key when not configured
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    # PostgreSQL: connections each worker process keeps open for its requests (0: a new
    # connection a request). gunicorn's sync workers use one at a time.
    "DATABASE_POOL_SIZE": 4,
    # PostgreSQL: the statements pages run all day are prepared once per connection
    # (core.db.run_prepared). Off behind a pooler that hands a session's statements to other
    # sessions (PgBouncer in transaction mode).
    "DATABASE_PREPARED_STATEMENTS": True,
    "BABEL_DEFAULT_LOCALE": "da",
    "LANGUAGES": ("da", "en"),
    # Coordinators keep pages open all day; the token outlives a working day, and an
    # expired one still gets a clear message with the user's input kept (see errors.py).
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # Server-side sessions (trivsel/auth/sessions.py): a login ends after this long without a
    # request, and this long after it began, whatever the cookie says.
    "SESSION_IDLE_MINUTES": 120,
    "SESSION_ABSOLUTE_HOURS": 12,
    # Login throttling (trivsel/auth/throttle.py): failures allowed in the window per account,
    # and per client address (higher: colleagues may share one address behind a router).
    "LOGIN_FAILURE_LIMIT": 10,
    "LOGIN_ADDRESS_FAILURE_LIMIT": 50,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none). With one
    # (nginx before gunicorn), the throttle counts the client's address, not the proxy's.
    "TRUSTED_PROXIES": 0,
    # Two-factor (TOTP) for coordinators, admins and partner staff (trivsel/twofactor/).
    "REQUIRE_TWO_FACTOR": True,
    # `make bench`: a floor page at /_bench/floor and an X-Queries header on every response.
    # Never on in production.
    "BENCHMARK": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Flask-Login keeps the page asked for before the login in the session, not in a ?next=
    # query string (which lands in logs and history with whatever the page's URL held).
    "USE_SESSION_FOR_NEXT": True,
    # How passwords are hashed (werkzeug's generate_password_hash method). Deliberately not a
    # TRIVSEL_* variable: only the tests change it, to a cheap "pbkdf2:sha256:1", since a
    # scrypt hash per test user would cost most of the suite's time.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Working days an inquiry may wait for first contact before the queue flags it (5.1.2).
    "FIRST_CONTACT_FLAG_DAYS": 2,
    # Expected length of a course (a guideline, not a limit: 5.1.7).
    "COURSE_EXPECTED_WEEKS": 13,
    # The volunteer centre's name: in the page header, and on the annual report's print
    # version, PDF and downloads.
    "CENTRE_NAME": "Frivilligcenter",
    # The project year's first day (MM-DD) for the annual report; the report's project began
    # on 1 September.
    "PROJECT_YEAR_START": "01-01",
    # The scheme's goals (report 5.1.1): conversations per citizen a year, citizens over the
    # project period, share with contact to another voluntary offer afterwards.
    "GOAL_CONVERSATIONS_PER_CITIZEN": (1, 10),
    "GOAL_CITIZENS": 35,
    "GOAL_FOLLOW_ON_PERCENT": 75,
    # Imports (the history upload and `import-history`, `directory import-hsds`): the largest
    # file (a workbook, or the three CSV files together), the most rows a table may have,
    # and the most cells an .xlsx workbook may hold (openpyxl reads some 100,000 a second;
    # a workbook's XML may also unpack to at most 100 bytes a cell). Past a limit the import
    # is refused before anything is written.
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 200_000,
    "IMPORT_MAX_XLSX_CELLS": 1_000_000,
    # The largest request accepted: the history upload, and room for the form around it.
    # Raise it with IMPORT_MAX_BYTES (TRIVSEL_IMPORT_MAX_BYTES raises it by itself).
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024 + UPLOAD_MARGIN,
    # Retention (see trivsel/privacy.py and the README): months a citizen's personal data is
    # kept once its purpose is met. After the follow-up call the scheme is done with the person;
    # a closed course whose call never happened waits a little longer, since the call may
    # still come; an inquiry that never became a course (referred elsewhere, declined,
    # withdrawn, or never got past the intake) is counted from its end, or from its arrival.
    "RETENTION_AFTER_FOLLOW_UP_MONTHS": 3,
    "RETENTION_AFTER_CLOSE_MONTHS": 6,
    "RETENTION_INQUIRY_MONTHS": 6,
    # Months the access log is kept (purged by the retention job).
    "ACCESS_LOG_MONTHS": 12,
    # Plugins: folder of local plugins, and plugin names not to load.
    "PLUGINS_DIR": None,  # None: plugins/ in a checkout, instance/plugins when installed
    # Plugins installed with pip (entry points in the group "trivsel"); tests turn them off.
    "ENTRY_POINT_PLUGINS": True,
    "DISABLED_PLUGINS": (),
    # Notifications (see trivsel/notifications/ and the README's "Notifications"). Without an
    # SMTP_URL e-mails wait in the outbox (the admin's Udbakke shows them); accepted:
    # smtp://host:25, smtp+starttls://user:password@host:587, smtps://user:password@host:465.
    "SMTP_URL": None,
    "MAIL_FROM": "trivsel@localhost",
    # Where the links in messages point (the messages are sent without a request).
    "BASE_URL": "http://127.0.0.1:5000",
    "SMTP_TIMEOUT": 10,  # seconds
    # Tries before a message is "failed"; the waits between them are OUTBOX_RETRY_MINUTES
    # (the last repeats): 1, 5, 15 min, 1, 3, 6, 12 h, so it gives up after about 22 hours.
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_RETRY_MINUTES": (1, 5, 15, 60, 180, 360, 720, 1440),
    # A message claimed this long ago by a sender that never finished (it crashed) is taken
    # back and tried again.
    "OUTBOX_CLAIM_MINUTES": 10,
    # Seconds between the worker's rounds (`flask outbox worker`).
    "OUTBOX_POLL_SECONDS": 5,
    # The morning digest is gathered by the first send after this hour (local time).
    "DIGEST_HOUR": 7,
}

# Environment variables read as TRIVSEL_<NAME>, with how to parse each.
_ENV = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "DATABASE_POOL_SIZE": int,
    "DATABASE_PREPARED_STATEMENTS": lambda value: (
        value.strip().lower() not in ("0", "false", "no", "off")
    ),
    "FIRST_CONTACT_FLAG_DAYS": int,
    "COURSE_EXPECTED_WEEKS": int,
    "PLUGINS_DIR": str,
    "DISABLED_PLUGINS": lambda value: tuple(v.strip() for v in value.split(",") if v.strip()),
    "WTF_CSRF_TIME_LIMIT": int,
    "PROJECT_YEAR_START": str,
    "CENTRE_NAME": str,
    "GOAL_CITIZENS": int,
    "GOAL_FOLLOW_ON_PERCENT": int,
    "RETENTION_AFTER_FOLLOW_UP_MONTHS": int,
    "RETENTION_AFTER_CLOSE_MONTHS": int,
    "RETENTION_INQUIRY_MONTHS": int,
    "ACCESS_LOG_MONTHS": int,
    "SMTP_URL": str,
    "MAIL_FROM": str,
    "BASE_URL": str,
    "SMTP_TIMEOUT": float,
    "OUTBOX_MAX_ATTEMPTS": int,
    "OUTBOX_POLL_SECONDS": float,
    "DIGEST_HOUR": int,
    "IMPORT_MAX_BYTES": int,
    "IMPORT_MAX_ROWS": int,
    "IMPORT_MAX_XLSX_CELLS": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_ABSOLUTE_HOURS": int,
    "LOGIN_FAILURE_LIMIT": int,
    "LOGIN_ADDRESS_FAILURE_LIMIT": int,
    "LOGIN_FAILURE_WINDOW_MINUTES": int,
    "TRUSTED_PROXIES": int,
    "BENCHMARK": lambda value: value.strip().lower() in ("1", "true", "yes", "on"),
    "REQUIRE_TWO_FACTOR": lambda value: value.strip().lower() not in ("0", "false", "no", "off"),
}


def from_environment(environ=os.environ):
    """The settings given as TRIVSEL_* environment variables, parsed."""
    settings = {}
    for name, parse in _ENV.items():
        value = environ.get(f"TRIVSEL_{name}")
        if value is not None and value != "":
            settings[name] = parse(value)
    if "IMPORT_MAX_BYTES" in settings:  # an upload of that size must get through
        settings["MAX_CONTENT_LENGTH"] = settings["IMPORT_MAX_BYTES"] + UPLOAD_MARGIN
    return settings
