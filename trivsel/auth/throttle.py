"""Login throttling: after LOGIN_FAILURE_LIMIT failures in LOGIN_FAILURE_WINDOW_MINUTES an
account waits until the oldest of them leaves the window; a client address that fails
LOGIN_ADDRESS_FAILURE_LIMIT times in the window waits the same way (one address behind a
centre's router may serve several colleagues, so its limit is higher). The failures are rows in
the database, so every worker process counts the same; they are keyed by HMACs, so the table
names no one. A refused attempt is not counted: a steady attack keeps the account waiting one
window at a time, never for good, and a password reset or a successful login clears the
account's count."""

import hashlib
import hmac
import logging
import math
from datetime import timedelta

from flask import current_app, request

from trivsel.auth.models import LoginFailure
from trivsel.core.db import now

log = logging.getLogger("trivsel.auth")


def _key(kind, value):
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def account_key(email):
    return _key("account", (email or "").strip().lower())


def address_key(address=None):
    return _key("address", address if address is not None else (request.remote_addr or ""))


def _window():
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _wait(field, key, limit):
    """How long until fewer than `limit` failures under `key` are left in the window, or None
    when there are fewer already."""
    since = now() - _window()
    nth_newest = (
        LoginFailure.select(LoginFailure.at)
        .where((field == key) & (LoginFailure.at > since))
        .order_by(LoginFailure.at.desc())
        .offset(limit - 1)
        .limit(1)
        .scalar()
    )
    if nth_newest is None:
        return None
    return max(nth_newest + _window() - now(), timedelta(seconds=1))


def wait_for(email, address=None):
    """None when a login for `email` from this client may be tried now; otherwise how long it
    has to wait."""
    config = current_app.config
    waits = [
        _wait(LoginFailure.account_key, account_key(email), config["LOGIN_FAILURE_LIMIT"]),
        _wait(
            LoginFailure.address_key,
            address_key(address),
            config["LOGIN_ADDRESS_FAILURE_LIMIT"],
        ),
    ]
    waits = [wait for wait in waits if wait is not None]
    if not waits:
        return None
    wait = max(waits)
    log.warning(
        "login throttled: account %s, address %s, waits %d s",
        account_key(email)[:12],
        address_key(address)[:12],
        wait.total_seconds(),
    )
    return wait


def record_failure(email, address=None, reason="password"):
    """Count a failed login (a wrong password, or a wrong second-factor code)."""
    moment = now()
    LoginFailure.delete().where(LoginFailure.at <= moment - _window()).execute()
    LoginFailure.create(account_key=account_key(email), address_key=address_key(address), at=moment)
    log.info(
        "login failed (%s): account %s, address %s",
        reason,
        account_key(email)[:12],
        address_key(address)[:12],
    )


def clear(email):
    """Forget an account's failures (after a successful login or a password reset)."""
    LoginFailure.delete().where(LoginFailure.account_key == account_key(email)).execute()


def minutes(wait):
    """A wait as the whole minutes a person is told (at least one)."""
    return max(1, math.ceil(wait.total_seconds() / 60))
