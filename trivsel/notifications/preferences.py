"""Each user's choice: by which channel (or not at all) each kind of message their role may
get comes, and for coordinators the morning digest."""

from trivsel.core.db import database
from trivsel.notifications import digest
from trivsel.notifications.channels import EMAIL, OFF
from trivsel.notifications.kinds import KINDS
from trivsel.notifications.models import NotificationPreference, OutboxMessage
from trivsel.notifications.outbox import DIGEST, DIGEST_ROLES, HELD

# Kinds no one chooses: the admin's test message goes to a typed address, and the digest is
# the digest option. Account mails (invitations, password resets) always come, by e-mail.
NOT_CHOOSABLE = ("test", DIGEST)


class Refused(ValueError):
    """A choice that is not offered to this user."""


def kinds_for(role):
    """The kinds of message a role may get and choose a channel for, in registration order."""
    return [
        k
        for k in KINDS.values()
        if role in k.roles and k.key not in NOT_CHOOSABLE and not k.account
    ]


def offers_digest(role):
    """Whether the role is offered the morning digest (a coordinator, with kinds for it)."""
    return role in DIGEST_ROLES and any(k.digest for k in kinds_for(role))


def current(user):
    """({kind key: channel}, digest chosen) for the user's page; e-mail where no choice."""
    rows = {
        row.kind: row.channel
        for row in NotificationPreference.select().where(NotificationPreference.user == user.id)
    }
    chosen = {k.key: rows.get(k.key, EMAIL) for k in kinds_for(user.role)}
    return chosen, rows.get(DIGEST, OFF) != OFF


def save(user, chosen, wants_digest, channel_keys):
    """Save the user's choices in one transaction: `chosen` maps kind key → channel key
    (one of `channel_keys`) or "off". Turning the digest off sends what it held one by one."""
    kinds = {k.key for k in kinds_for(user.role)}
    for kind, channel in chosen.items():
        if kind not in kinds or (channel not in channel_keys and channel != OFF):
            raise Refused(kind)
    if wants_digest and not offers_digest(user.role):
        raise Refused(DIGEST)
    with database.atomic():
        NotificationPreference.delete().where(
            (NotificationPreference.user == user.id)
            & NotificationPreference.kind.in_([*chosen, DIGEST])
        ).execute()
        rows = [{"user": user.id, "kind": kind, "channel": ch} for kind, ch in chosen.items()]
        if wants_digest:
            rows.append({"user": user.id, "kind": DIGEST, "channel": EMAIL})
        if rows:
            NotificationPreference.insert_many(rows).execute()
        if not wants_digest:
            held = OutboxMessage.select(OutboxMessage.id).where(
                (OutboxMessage.user == user.id) & (OutboxMessage.status == HELD)
            )
            digest.release([row.id for row in held])
