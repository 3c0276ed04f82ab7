"""The account mails: an invitation, a password reset. Each holds its secret link and nothing
else about the person (the address it goes to is the only personal data)."""

from flask_babel import lazy_gettext as _l

from trivsel.core.auth import ROLES
from trivsel.notifications.kinds import kind

INVITATION = kind(
    "invitation",
    _l("Invitation til Trivsel"),
    ROLES,
    _l("Du er inviteret til Trivsel"),
    _l(
        "Du er inviteret til Trivsel, frivilligcentrets intranet for TrivselsPiloter "
        "(rolle: %(role)s).\n\n"
        "Vælg din adgangskode ved at åbne linket herunder. Det virker én gang og i "
        "%(days)d dage:\n%(link)s\n\n"
        "Dit brugernavn er den e-mailadresse, denne besked er sendt til. Har du ikke ventet "
        "en invitation, kan du se bort fra beskeden."
    ),
    link="invitations.accept",
    account=True,
)

PASSWORD_RESET = kind(
    "password_reset",
    _l("Ny adgangskode"),
    ROLES,
    _l("Vælg en ny adgangskode til Trivsel"),
    _l(
        "Der er bedt om en ny adgangskode til din bruger i Trivsel.\n\n"
        "Vælg en ny adgangskode ved at åbne linket herunder. Det virker én gang og i "
        "%(minutes)d minutter:\n%(link)s\n\n"
        "Har du ikke selv bedt om det, kan du se bort fra beskeden: din adgangskode er ikke "
        "ændret."
    ),
    link="invitations.reset",
    account=True,
)
