"""Server-side sessions: a login is a row in `user_session`, and the signed cookie carries only
the row's random key. Logging out, a password change or reset, and deactivating a user delete
rows, so a copy of an old cookie opens nothing afterwards. A session ends by itself after
SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after the login.

Between the password and the second factor the login is *pending*: the cookie remembers whose
password was right (and when), and nothing else is open until the code is given."""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from trivsel.auth import throttle
from trivsel.auth.models import UserSession
from trivsel.core.db import database, kept_first, now, slot
from trivsel.core.users import User

log = logging.getLogger("trivsel.auth")

SESSION_KEY = "sid"
PENDING_KEY = "pending_login"
# How long the password step stays good while the second factor is asked for.
PENDING_MINUTES = 10
# A session's last_seen_at is written at most once a minute: one UPDATE, not one a request.
TOUCH_SECONDS = 60


def _hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _limits():
    config = current_app.config
    return (
        timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


def _device(user_agent):
    """A short, personal-data-free name for the browser: "Firefox på Linux"."""
    agent = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in agent
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS", "macOS"),
                ("Linux", "Linux"),
            )
            if token in agent
        ),
        "",
    )
    return " · ".join(part for part in (browser, system) if part)[:60]


def _fresh_cookie():
    """Start from an empty cookie session (no fixation), keeping the interface language."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _account_check(user):
    """An HMAC of what the password step proved: the password hash and the e-mail. A reset or
    a change of either ends a login that waits for its second factor."""
    secret = current_app.config["SECRET_KEY"].encode()
    material = f"{user.id}:{user.email}:{user.password_hash}".encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()


def begin_pending(user, next_url=None):
    """The password was right and a second factor is wanted: remember whose, for a while."""
    _fresh_cookie()
    session[PENDING_KEY] = {
        "user": user.id,
        "at": now().isoformat(),
        "next": next_url,
        "check": _account_check(user),
    }


def pending():
    """(user, next_url) of a login waiting for its second factor, or (None, None) when there is
    none or it is older than PENDING_MINUTES."""
    value = session.get(PENDING_KEY)
    if not isinstance(value, dict):
        return None, None
    try:
        started = datetime.fromisoformat(value["at"])
        user_id = int(value["user"])
    except (KeyError, TypeError, ValueError):
        return None, None
    if now() - started > timedelta(minutes=PENDING_MINUTES):
        session.pop(PENDING_KEY, None)
        return None, None
    user = User.get_or_none((User.id == user_id) & (User.active == True))  # noqa: E712
    if user is None or not hmac.compare_digest(str(value.get("check")), _account_check(user)):
        session.pop(PENDING_KEY, None)  # the password was reset or changed meanwhile
        return None, None
    return user, value.get("next")


def complete_login(user):
    """Log the user in (every factor given): a new session row, a fresh cookie carrying only
    its key, and the account's failed attempts forgotten."""
    throttle.clear(user.email)
    _fresh_cookie()
    key = secrets.token_urlsafe(32)
    UserSession.create(
        user=user.id, key_hash=_hash(key), device=_device(request.headers.get("User-Agent"))
    )
    session[SESSION_KEY] = key
    login_user(user)
    session.permanent = True
    log.info("login: user %d", user.id)


def current_key_hash():
    key = session.get(SESSION_KEY)
    return _hash(key) if isinstance(key, str) else None


def _session_with_user():
    return (
        UserSession.select(UserSession, User)
        .join(User)
        .where((UserSession.key_hash == slot("key_hash")) & (UserSession.user == slot("user")))
        .limit(1)
    )


def load_user(user_id):
    """Flask-Login's user loader: the user whose session row the cookie's key names, when the
    row is there, fresh, and the user active. One query; a write at most once a minute."""
    key_hash = current_key_hash()
    if key_hash is None:
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    key = ("sessions.load_user",)
    row = kept_first(key, _session_with_user, key_hash=key_hash, user=user_id)
    if row is None or not row.user.active:
        return None
    idle, absolute = _limits()
    moment = now()
    if moment - row.last_seen_at > idle or moment - row.created_at > absolute:
        UserSession.delete().where(UserSession.id == row.id).execute()
        return None
    if (moment - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        UserSession.update(last_seen_at=moment).where(UserSession.id == row.id).execute()
    return row.user


def end_current():
    """Log out: the session row goes, then the cookie is emptied."""
    key_hash = current_key_hash()
    if key_hash is not None:
        UserSession.delete().where(UserSession.key_hash == key_hash).execute()
    if current_user.is_authenticated:
        log.info("logout: user %d", current_user.id)
    logout_user()
    session.clear()


def end_sessions(user_id, keep_current=False):
    """End a user's sessions (every one, or all but the one making this request). Returns how
    many ended."""
    query = UserSession.delete().where(UserSession.user == user_id)
    current = current_key_hash() if keep_current else None
    if current is not None:
        query = query.where(UserSession.key_hash != current)
    return query.execute()


def end_session(user_id, session_id):
    """End one of the user's own sessions (by row id). Returns whether one ended."""
    return bool(
        UserSession.delete()
        .where((UserSession.id == session_id) & (UserSession.user == user_id))
        .execute()
    )


def active_sessions(user_id):
    """The user's sessions that are still good, newest first, the current one marked."""
    idle, absolute = _limits()
    moment = now()
    current = current_key_hash()
    rows = list(
        UserSession.select()
        .where(
            (UserSession.user == user_id)
            & (UserSession.last_seen_at > moment - idle)
            & (UserSession.created_at > moment - absolute)
        )
        .order_by(UserSession.last_seen_at.desc())
        .limit(50)
    )
    for row in rows:
        row.is_current = row.key_hash == current
    return rows


def purge_expired():
    """Delete the sessions that can no longer be used (the retention job calls it)."""
    idle, absolute = _limits()
    moment = now()
    with database.atomic():
        return (
            UserSession.delete()
            .where(
                (UserSession.last_seen_at <= moment - idle)
                | (UserSession.created_at <= moment - absolute)
            )
            .execute()
        )
