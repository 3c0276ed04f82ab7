"""Two-factor login: who must give a second factor, TOTP codes (RFC 6238) and recovery codes.

A code from the authenticator app is accepted for the current 30-second time step and the one
before it (a phone's clock may lag), and only for a step later than the last one accepted, so
a code seen over a shoulder or replayed from a log opens nothing. Claiming the step is one
conditional UPDATE: of two requests with the same code, one wins.

Ten recovery codes stand in for the app when the phone is lost; each works once (it is deleted
when used), and only their salted hashes are stored."""

import hashlib
import hmac
import logging
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from peewee import IntegrityError

from trivsel.auth import sessions
from trivsel.core.db import database
from trivsel.twofactor.models import RecoveryCode, TwoFactor

log = logging.getLogger("trivsel.twofactor")

ISSUER = "Trivsel"
STEP_SECONDS = 30
DIGITS = 6
CODE_SHAPE = re.compile(r"[0-9]{6}")  # ASCII digits only, as typed
# The roles that must have a second factor when REQUIRE_TWO_FACTOR is on; volunteers may
# choose one.
REQUIRED_ROLES = ("coordinator", "admin", "partner")
RECOVERY_CODES = 10
# No 0/o, 1/l/i: nothing to misread from paper. 31 letters, 8 of them: about 40 bits a code.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 8

# The clock the codes are checked against (the tests move it).
clock = time.time


def is_required(user):
    """Whether the user's role must have a second factor under the current settings."""
    return bool(current_app.config["REQUIRE_TWO_FACTOR"]) and user.role in REQUIRED_ROLES


def factor_of(user_id):
    """The user's confirmed factor, or None."""
    return TwoFactor.get_or_none(TwoFactor.user == user_id)


def required_step(user):
    """After a right password: None (log in now), "verify" (the user has a factor: ask for
    its code) or "enrol" (the user's role needs one and has none: set it up first)."""
    if factor_of(user.id) is not None:
        return "verify"
    if is_required(user):
        return "enrol"
    return None


# TOTP


def new_secret():
    """A new random TOTP secret (160 bits, base32)."""
    return pyotp.random_base32()


def grouped(secret):
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret, email):
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri):
    """The QR code of `uri` as an SVG data: URI (the CSP allows data: images), drawn here."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def current_step():
    return int(clock()) // STEP_SECONDS


def normalize_code(code):
    """What a person typed, without spaces."""
    return re.sub(r"\s", "", code or "")


def matching_step(secret, code, after=None):
    """The time step (the current one or the one before) whose code `code` is, when that step
    is later than `after`; otherwise None."""
    code = normalize_code(code)
    if not CODE_SHAPE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = current_step()
    for step in (now_step, now_step - 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_code(user_id, code):
    """Whether `code` is a good, unused code of the user's factor; the step is then used."""
    factor = factor_of(user_id)
    if factor is None:
        return False
    step = matching_step(factor.secret, code, after=factor.last_used_step)
    if step is None:
        return False
    claimed = (
        TwoFactor.update(last_used_step=step)
        .where(
            (TwoFactor.id == factor.id)
            & (TwoFactor.last_used_step.is_null() | (TwoFactor.last_used_step < step))
        )
        .execute()
    )
    return claimed == 1


def enrol(user_id, secret, code):
    """Confirm a new factor with a code from it. Returns the ten new recovery codes (to show
    once), or None when the code is wrong or the user has a factor already."""
    step = matching_step(secret, code)
    if step is None:
        return None
    try:
        with database.atomic():
            TwoFactor.create(user=user_id, secret=secret, last_used_step=step)
            codes = _replace_recovery_codes(user_id)
    except IntegrityError:  # a factor was confirmed meanwhile (another tab)
        return None
    log.info("two-factor enrolled: user %s", user_id)
    return codes


# Recovery codes


def _new_recovery_code():
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_recovery_code(code):
    """The letters and digits of a typed recovery code, lower case ("ABCD EFGH" works)."""
    return re.sub(r"[^0-9a-z]", "", (code or "").lower())


def _digest(salt, normalized):
    return hashlib.sha256(f"{salt}:{normalized}".encode()).hexdigest()


def _hash_recovery_code(code):
    salt = secrets.token_hex(8)
    return f"{salt}${_digest(salt, normalize_recovery_code(code))}"


def _recovery_code_matches(stored, normalized):
    salt, _, digest = stored.partition("$")
    return hmac.compare_digest(_digest(salt, normalized), digest)


def _replace_recovery_codes(user_id):
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    with database.atomic():
        RecoveryCode.delete().where(RecoveryCode.user == user_id).execute()
        RecoveryCode.insert_many(
            [{"user": user_id, "code_hash": _hash_recovery_code(code)} for code in codes]
        ).execute()
    return codes


def regenerate_recovery_codes(user_id):
    """Ten new recovery codes (the old ones stop working). Returns them, to show once."""
    codes = _replace_recovery_codes(user_id)
    log.info("recovery codes regenerated: user %s", user_id)
    return codes


def recovery_codes_left(user_id):
    return RecoveryCode.select().where(RecoveryCode.user == user_id).count()


def use_recovery_code(user_id, code):
    """Use one of the user's recovery codes: it is deleted. Returns how many are left, or None
    when `code` is none of them."""
    if factor_of(user_id) is None:
        return None
    normalized = normalize_recovery_code(code)
    if len(normalized) != RECOVERY_LENGTH:
        return None
    for row in RecoveryCode.select().where(RecoveryCode.user == user_id):
        if _recovery_code_matches(row.code_hash, normalized):
            if not RecoveryCode.delete().where(RecoveryCode.id == row.id).execute():
                return None  # another request used it a moment ago
            log.info("recovery code used: user %s", user_id)
            return recovery_codes_left(user_id)
    return None


# Turning it off


def _delete_factor(user_id):
    with database.atomic():
        RecoveryCode.delete().where(RecoveryCode.user == user_id).execute()
        return TwoFactor.delete().where(TwoFactor.user == user_id).execute() > 0


def disable(user_id):
    """The user turns their own factor off (only when their role does not require one: the
    view checks). Returns whether there was one."""
    removed = _delete_factor(user_id)
    log.info("two-factor turned off: user %s", user_id)
    return removed


def reset(user_id, actor_id=None):
    """An admin resets a user's second factor (the phone is lost): the factor and the
    recovery codes go, and every session of the user ends; the next login enrols again where
    the role requires it. Returns how many sessions ended."""
    _delete_factor(user_id)
    ended = sessions.end_sessions(user_id)
    log.info("two-factor reset: user %s by %s, %d sessions ended", user_id, actor_id, ended)
    return ended
