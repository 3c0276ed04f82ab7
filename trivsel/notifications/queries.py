"""What the admin's outbox page reads: the messages paged, counts by status, and the people
who cannot be reached."""

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from trivsel.core.users import User
from trivsel.notifications import outbox
from trivsel.notifications.models import OutboxMessage
from trivsel.notifications.sender import FAILED, GAVE_UP, NO_ADDRESS, NO_CHANNEL, UNREACHABLE

PER_PAGE = 50
STATUS_LABELS = {
    "queued": _l("I kø"),
    "sending": _l("Sendes nu"),
    "sent": _l("Sendt"),
    "failed": _l("Fejlet"),
    "held": _l("Venter på morgenoversigten"),
    "digested": _l("Sendt i morgenoversigten"),
}
STATUSES = tuple(STATUS_LABELS)
FAILURE_LABELS = {
    NO_ADDRESS: _l("Modtageren har ingen adresse til kanalen."),
    NO_CHANNEL: _l("Ingen plugin leverer kanalen."),
    GAVE_UP: _l("Opgivet efter det sidste forsøg."),
}


def counts():
    """{status: number of messages}, every status present (0 when none), from one query."""
    found = dict.fromkeys(STATUSES, 0)
    rows = (
        OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id).alias("n"))
        .group_by(OutboxMessage.status)
        .tuples()
    )
    for status, number in rows:
        found[status] = number
    return found


def messages(page=1, status=None, per_page=PER_PAGE):
    """(messages newest first with their recipient, whether there is a next page). An account
    mail's body is shown with its link masked (an invitation or reset link not yet sent still
    works: the admin must not be able to open someone else's account with it)."""
    query = (
        OutboxMessage.select(OutboxMessage, User)
        .join(User, JOIN.LEFT_OUTER, on=(OutboxMessage.user == User.id))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    rows = list(query.limit(per_page + 1).offset((page - 1) * per_page))
    for row in rows:
        if outbox.is_account_mail(row):
            row.body = outbox.mask_links(row.body)  # for the page only; never saved
    return rows[:per_page], len(rows) > per_page


def unreachable():
    """The users whose messages failed for want of an address or a channel: (user id, name,
    role, channel, failure, how many, the latest), one row per user and channel."""
    return list(
        OutboxMessage.select(
            User.id,
            User.name,
            User.role,
            OutboxMessage.channel,
            OutboxMessage.failure,
            fn.COUNT(OutboxMessage.id).alias("messages"),
            fn.MAX(OutboxMessage.created_at).alias("latest"),
        )
        .join(User, on=(OutboxMessage.user == User.id))
        .where((OutboxMessage.status == FAILED) & OutboxMessage.failure.in_(UNREACHABLE))
        .group_by(User.id, User.name, User.role, OutboxMessage.channel, OutboxMessage.failure)
        .order_by(User.name)
        .dicts()
    )
