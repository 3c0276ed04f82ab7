"""The kinds of message Trivsel sends: who may get each, its default channel, its words.

Every text names no citizen (no name, phone, goals): only what happened, the course number and
a link that needs a login. A test renders every kind and checks it against the demo's people.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """One kind of message.

    :param key: stored on the message and the user's preference.
    :param label: what the preference page calls it.
    :param roles: the roles that may get it (and choose it on their preference page).
    :param subject: the subject line, formatted with the message's context.
    :param body: the text before the link, formatted with the message's context.
    :param link: the endpoint the link opens (a page that needs a login), or None.
    :param digest: whether a coordinator may get it in the morning digest instead.
    :param account: an account mail (an invitation, a password reset): queued with
        `outbox.queue_account_mail` to the user's own address whatever their preferences, not
        offered on the preference page; its body holds a secret link (`%(link)s`), which the
        admin's outbox page masks and which is masked in the stored body once it is sent.
    """

    key: str
    label: str
    roles: tuple
    subject: str
    body: str
    link: str | None = None
    digest: bool = False
    account: bool = False


KINDS = {}


def kind(key, label, roles, subject, body, link=None, digest=False, account=False):
    """Register a kind of message (areas register theirs when imported)."""
    KINDS[key] = Kind(key, label, tuple(roles), subject, body, link, digest, account)
    return KINDS[key]


TEST = kind(
    "test",
    _l("Prøvebesked"),
    ("admin",),
    _l("Prøvebesked fra Trivsel"),
    _l("Dette er en prøvebesked. Når du kan læse den, kan Trivsel sende e-mail."),
    link="auth.login",
)

# The morning digest: a coordinator's held messages in one (see digest.py). Not a kind to
# choose on the preference page: the digest option there decides whether it comes.
DIGEST = kind(
    "digest",
    _l("Morgenoversigt"),
    ("coordinator",),
    _l("Trivsel: morgenoversigt med %(count)d beskeder"),
    _l("Godmorgen. Her er det, Trivsel har at fortælle siden sidst:\n\n%(items)s"),
    link="dashboard.index",
)
