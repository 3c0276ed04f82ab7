"""Invitations and password resets: making their links, mailing them, and using them once.

An invited user exists from the invitation on with an unusable (random) password, as an
applicant the coordinator registers always did: they cannot log in, and until they have
accepted they get no password reset either (that would pass by an expired or revoked
invitation). Accepting gives them the password they choose. `User.active` stays the
administrator's switch: an invitation neither sets nor clears it, and a user made inactive
cannot accept nor reset. Both links are single use, expire (INVITATION_VALID, RESET_VALID), and
die when the user's password or e-mail changes by any other means. Logs name row ids, never an
address or a token."""

import logging
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN

from trivsel.admin import service as users
from trivsel.auth import sessions, throttle
from trivsel.core import labels
from trivsel.core.auth import hash_password
from trivsel.core.db import database, now
from trivsel.core.users import User
from trivsel.invitations import kinds, tokens
from trivsel.invitations.models import Invitation, PasswordReset
from trivsel.notifications import outbox

INVITATION_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=1)
# Reset mails to one user in an hour: more requests are answered alike but send nothing, so
# the form cannot be used to flood someone's inbox.
RESETS_PER_HOUR = 3
# Reset requests are kept this long (for the count above and to tell "used" from "unknown").
RESET_KEPT = timedelta(days=30)
PER_PAGE = 50

# Whom each role may invite: a coordinator the scheme's people and colleagues, an admin also
# other admins.
INVITABLE = {
    "coordinator": ("volunteer", "partner", "coordinator"),
    "admin": ("volunteer", "partner", "coordinator", "admin"),
}

PENDING, EXPIRED, ACCEPTED, REVOKED = "pending", "expired", "accepted", "revoked"
STATUS_LABELS = {
    PENDING: _l("Venter på svar"),
    EXPIRED: _l("Udløbet"),
    ACCEPTED: _l("Accepteret"),
    REVOKED: _l("Trukket tilbage"),
}

log = logging.getLogger("trivsel.invitations")

Refused = users.Refused


class NotFound(LookupError):
    """No such invitation, or one the actor may not handle."""


class Closed(ValueError):
    """The invitation was accepted or revoked already: nothing changed."""


class Inactive(ValueError):
    """The invited user was made inactive by the administrator: nothing is sent."""


class LinkRefused(Exception):
    """A link that cannot be used, with the Danish message for the person and the status."""

    def __init__(self, message, status=410):
        super().__init__(str(message))
        self.message = message
        self.status = status


LINK_INVALID = _l("Linket er ikke gyldigt. Tjek, at hele linket fra e-mailen er kommet med.")
LINK_GONE = _l(
    "Linket gælder ikke længere. Er der sendt en nyere e-mail til dig, så brug linket i den."
)
LINK_CHANGED = _l(
    "Linket gælder ikke længere, fordi adgangskoden eller e-mailen er ændret, siden det blev sendt."
)
INVITATION_EXPIRED = _l(
    "Invitationen er udløbet. Bed den, der inviterede dig, om at sende den igen."
)
INVITATION_USED = _l(
    "Invitationen er allerede brugt, og adgangskoden er valgt. Log ind, eller brug “Glemt "
    "adgangskode?”, hvis du har glemt den."
)
INVITATION_REVOKED = _l(
    "Invitationen er trukket tilbage. Kontakt frivilligcentret, hvis du mener, det er en fejl."
)
RESET_EXPIRED = _l("Linket er udløbet: det virker kun i en time. Bed om et nyt link.")
RESET_USED = _l("Linket er allerede brugt. Bed om et nyt, hvis du stadig skal vælge adgangskode.")
ACCOUNT_CLOSED = _l(
    "Din bruger er lukket. Kontakt frivilligcentret, hvis du mener, det er en fejl."
)


# --- Inviting --------------------------------------------------------------------------------


def invitable_roles(role):
    """The roles a user of `role` may invite (none for volunteers and partners)."""
    return INVITABLE.get(role, ())


def invite(actor, name, email, role, organisation=None):
    """A new user with an unusable password, and their invitation mailed. Raises
    Refused (at a field) when the e-mail is taken, the actor may not invite the role, or a
    partner has no organisation."""
    if role not in invitable_roles(actor.role):
        raise Refused("role", _("Du kan ikke invitere en bruger med den rolle."))
    if role == "partner" and not organisation:
        raise Refused("organisation", _("Vælg samarbejdspartnerens organisation."))
    with database.atomic():
        user = users.create_user(
            name=name,
            email=email,
            role=role,
            password=secrets.token_urlsafe(32),
            organisation=organisation if role == "partner" else None,
        )
        issue(user, actor.id)
    return user


def issue(user, invited_by=None):
    """Invite an existing user who has no password of their own yet (a new one, or an
    applicant the coordinator registered): the invitation row and its mail, in the caller's
    transaction. Returns the invitation."""
    token, key_hash = tokens.make(tokens.INVITATION)
    moment = now()
    with database.atomic():
        invitation = Invitation.create(
            user=user.id,
            invited_by=invited_by,
            key_hash=key_hash,
            account_fingerprint=tokens.fingerprint(user),
            created_at=moment,
            sent_at=moment,
            expires_at=moment + INVITATION_VALID,
        )
        _mail_invitation(user, token)
    log.info("invitation %s made for user %s", invitation.id, user.id)
    return invitation


def _mail_invitation(user, token):
    outbox.queue_account_mail(
        kinds.INVITATION.key,
        user,
        {"token": token},
        context={"role": labels.ROLES[user.role], "days": INVITATION_VALID.days},
    )


def status(invitation, moment=None):
    if invitation.accepted_at is not None:
        return ACCEPTED
    if invitation.revoked_at is not None:
        return REVOKED
    return PENDING if invitation.expires_at > (moment or now()) else EXPIRED


def _open():
    return Invitation.accepted_at.is_null() & Invitation.revoked_at.is_null()


def open_invitations(roles, page=1, per_page=PER_PAGE):
    """(the page's invitations not accepted nor revoked, pending and expired, newest sent
    first, each with its `user` and `inviter`; how many there are in all, counted by the
    database), for invitations of users with one of `roles`."""
    inviter = User.alias()
    query = (
        Invitation.select(Invitation, User, inviter)
        .join(User, on=(Invitation.user == User.id))
        .switch(Invitation)
        .join(inviter, JOIN.LEFT_OUTER, on=(Invitation.invited_by == inviter.id), attr="inviter")
        .where(_open() & User.role.in_(list(roles)))
    )
    total = query.count()
    rows = list(
        query.order_by(Invitation.sent_at.desc(), Invitation.id.desc()).paginate(page, per_page)
    )
    moment = now()
    for row in rows:
        row.status = status(row, moment)
    return rows, total


def unaccepted():
    """{user id: status} of the users whose invitation is not accepted (pending, expired or
    revoked), for the admin's list of users."""
    moment = now()
    rows = Invitation.select().where(Invitation.accepted_at.is_null())
    return {row.user_id: status(row, moment) for row in rows}


def _handled(invitation_id, actor):
    """The open invitation `actor` may handle. Raises NotFound or Closed."""
    row = (
        Invitation.select(Invitation, User)
        .join(User, on=(Invitation.user == User.id))
        .where(Invitation.id == invitation_id)
        .first()
    )
    if row is None or row.user.role not in invitable_roles(actor.role):
        raise NotFound(invitation_id)
    if status(row) in (ACCEPTED, REVOKED):
        raise Closed(invitation_id)
    return row


def resend(invitation_id, actor):
    """A new link and a fresh week for an open invitation, and the mail again: every earlier
    link dies (the row's key is replaced). Returns the invitation's user. Raises NotFound,
    Closed or Inactive."""
    invitation = _handled(invitation_id, actor)
    user = invitation.user
    if not user.active:
        raise Inactive(invitation_id)
    token, key_hash = tokens.make(tokens.INVITATION)
    moment = now()
    with database.atomic():
        changed = (
            Invitation.update(
                key_hash=key_hash,
                account_fingerprint=tokens.fingerprint(user),
                sent_at=moment,
                expires_at=moment + INVITATION_VALID,
            )
            .where((Invitation.id == invitation.id) & _open())
            .execute()
        )
        if changed != 1:
            raise Closed(invitation_id)
        _mail_invitation(user, token)
    log.info("invitation %s sent again by user %s", invitation.id, actor.id)
    return user


def revoke(invitation_id, actor):
    """Revoke an open invitation: its link dies, and the user stays without a login. Returns
    the invitation's user. Raises NotFound or Closed."""
    invitation = _handled(invitation_id, actor)
    changed = (
        Invitation.update(revoked_at=now())
        .where((Invitation.id == invitation.id) & _open())
        .execute()
    )
    if changed != 1:
        raise Closed(invitation_id)
    log.info("invitation %s revoked by user %s", invitation.id, actor.id)
    return invitation.user


def password_given(user_id):
    """The user got a password by other means (the administrator typed one): an open
    invitation is done (its link is dead already, see tokens.fingerprint)."""
    Invitation.update(accepted_at=now()).where((Invitation.user == user_id) & _open()).execute()


# --- Using a link ----------------------------------------------------------------------------


def _row(model, purpose, token, valid_for, expired):
    """The row (with its `user`) a token names, or LinkRefused."""
    try:
        key_hash = tokens.read(purpose, token, valid_for)
    except tokens.Expired:
        raise LinkRefused(expired) from None
    except tokens.Invalid:
        raise LinkRefused(LINK_INVALID, 404) from None
    row = (
        model.select(model, User)
        .join(User, on=(model.user == User.id))
        .where(model.key_hash == key_hash)
        .first()
    )
    if row is None:  # replaced by a newer link (Resend), or long gone
        raise LinkRefused(LINK_GONE)
    return row


def check_invitation(token):
    """The invitation a link opens, with its `user`; LinkRefused when it cannot be used."""
    invitation = _row(Invitation, tokens.INVITATION, token, INVITATION_VALID, INVITATION_EXPIRED)
    state = status(invitation)
    if state == ACCEPTED:
        raise LinkRefused(INVITATION_USED)
    if state == REVOKED:
        raise LinkRefused(INVITATION_REVOKED)
    if state == EXPIRED:
        raise LinkRefused(INVITATION_EXPIRED)
    if not invitation.user.active:
        raise LinkRefused(ACCOUNT_CLOSED)
    if invitation.account_fingerprint != tokens.fingerprint(invitation.user):
        raise LinkRefused(LINK_CHANGED)
    return invitation


def accept(token, password):
    """Use an invitation link: the user's password is set and their login opens. The link is
    claimed with one conditional UPDATE, so two submissions at once set one password. Returns
    the user; LinkRefused when the link cannot be used."""
    invitation = check_invitation(token)
    user = invitation.user
    password_hash = hash_password(password)  # before the transaction: it takes a while
    moment = now()
    with database.atomic():
        claimed = (
            Invitation.update(accepted_at=moment)
            .where(
                (Invitation.id == invitation.id)
                & (Invitation.key_hash == invitation.key_hash)
                & _open()
                & (Invitation.expires_at > moment)
            )
            .execute()
        )
        if claimed != 1:
            raise LinkRefused(INVITATION_USED)
        User.update(password_hash=password_hash).where(User.id == user.id).execute()
        PasswordReset.update(used_at=moment).where(
            (PasswordReset.user == user.id) & PasswordReset.used_at.is_null()
        ).execute()
        sessions.end_sessions(user.id)
    throttle.clear(user.email)
    log.info("invitation %s accepted", invitation.id)
    return User.get_by_id(user.id)


# --- Password reset --------------------------------------------------------------------------


def request_reset(email):
    """Glemt adgangskode: mail a reset link when the address is an active user's; otherwise
    (no such user, an inactive one, one who has not accepted their invitation, or too many
    requests in the hour) nothing. The caller answers alike in every case."""
    moment = now()
    PasswordReset.delete().where(PasswordReset.created_at < moment - RESET_KEPT).execute()
    user = User.get_or_none(User.email == (email or "").strip().lower())
    if user is None or not user.active or _not_accepted(user.id):
        return None
    recent = (
        PasswordReset.select()
        .where(
            (PasswordReset.user == user.id)
            & (PasswordReset.created_at > moment - timedelta(hours=1))
        )
        .count()
    )
    if recent >= RESETS_PER_HOUR:
        log.warning("password reset for user %s not sent: %d in the last hour", user.id, recent)
        return None
    token, key_hash = tokens.make(tokens.PASSWORD_RESET)
    with database.atomic():
        reset = PasswordReset.create(
            user=user.id,
            key_hash=key_hash,
            account_fingerprint=tokens.fingerprint(user),
            created_at=moment,
            expires_at=moment + RESET_VALID,
        )
        outbox.queue_account_mail(
            kinds.PASSWORD_RESET.key,
            user,
            {"token": token},
            context={"minutes": int(RESET_VALID.total_seconds() // 60)},
        )
    log.info("password reset %s mailed to user %s", reset.id, user.id)
    return reset


def _not_accepted(user_id):
    """Whether the user was invited and has not accepted (pending, expired or revoked)."""
    return (
        Invitation.select()
        .where((Invitation.user == user_id) & Invitation.accepted_at.is_null())
        .exists()
    )


def check_reset(token):
    """The reset a link opens, with its `user`; LinkRefused when it cannot be used."""
    reset = _row(PasswordReset, tokens.PASSWORD_RESET, token, RESET_VALID, RESET_EXPIRED)
    if reset.used_at is not None:
        raise LinkRefused(RESET_USED)
    if reset.expires_at <= now():
        raise LinkRefused(RESET_EXPIRED)
    if not reset.user.active:
        raise LinkRefused(ACCOUNT_CLOSED)
    if reset.account_fingerprint != tokens.fingerprint(reset.user):
        raise LinkRefused(LINK_CHANGED)
    return reset


def reset_password(token, password):
    """Use a reset link: the new password is set, every session of the user ends (whoever
    had one open is logged out), the login throttle forgets the account's failures, and every
    other outstanding reset link of the user dies. Returns the user; LinkRefused when the link
    cannot be used."""
    reset = check_reset(token)
    user = reset.user
    password_hash = hash_password(password)
    moment = now()
    with database.atomic():
        claimed = (
            PasswordReset.update(used_at=moment)
            .where(
                (PasswordReset.id == reset.id)
                & PasswordReset.used_at.is_null()
                & (PasswordReset.expires_at > moment)
            )
            .execute()
        )
        if claimed != 1:
            raise LinkRefused(RESET_USED)
        User.update(password_hash=password_hash).where(User.id == user.id).execute()
        PasswordReset.update(used_at=moment).where(
            (PasswordReset.user == user.id) & PasswordReset.used_at.is_null()
        ).execute()
        password_given(user.id)
        sessions.end_sessions(user.id)
    throttle.clear(user.email)
    log.info("password reset %s used", reset.id)
    return User.get_by_id(user.id)
