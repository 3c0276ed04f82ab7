"""The signed tokens in the links of the account mails. A token is a random key, signed with
the app's SECRET_KEY (itsdangerous, with a salt per purpose and a timestamp): it carries no
personal data, cannot be made or changed without the key, and says when it was made. The
database keeps only the key's SHA-256 (see models.py), which makes the link single use and
revocable."""

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"
# Longer than any token made here (about 100 characters): not worth reading.
MAX_LENGTH = 400


class Invalid(ValueError):
    """Not a token made here for this purpose (or one changed on the way)."""


class Expired(ValueError):
    """A token made here, but longer ago than it may be used."""


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"trivsel.{purpose}")


def key_hash(key):
    return hashlib.sha256(key.encode()).hexdigest()


def make(purpose):
    """(token, the hash to store): a new random key, signed for `purpose`."""
    key = secrets.token_urlsafe(32)
    return _serializer(purpose).dumps(key), key_hash(key)


def read(purpose, token, max_age):
    """The stored hash of a token made for `purpose` at most `max_age` (a timedelta) ago.
    Raises Invalid or Expired."""
    if not isinstance(token, str) or len(token) > MAX_LENGTH:
        raise Invalid()
    try:
        key = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise Expired() from None
    except BadSignature:
        raise Invalid() from None
    if not isinstance(key, str) or not key:
        raise Invalid()
    return key_hash(key)


def fingerprint(user):
    """What a link is bound to: the user's password hash and e-mail as they are now (an HMAC,
    so the stored value tells nothing about either). A new password or e-mail kills the link."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"{user.password_hash}\0{user.email}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
