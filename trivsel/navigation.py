"""The menu: every area's main pages, shown to the roles their views allow."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trivsel.core.auth import allowed_roles
from trivsel.core.plugins import get_plugins


def menu():
    """The menu items the current user may open, as (endpoint, label)."""
    items = [
        ("dashboard.index", _l("Overblik")),
        ("courses.index", _l("Forløb")),
        ("courses.new_inquiry", _l("Ny henvendelse")),
        ("statistics.index", _l("Statistik")),
        ("corps.index", _l("Frivillige")),
        ("supervision.index", _l("Supervision")),
        ("volunteer.home", _l("Mine forløb")),
        ("volunteer.profile", _l("Min profil")),
        ("partner.home", _l("Forside")),
        ("referrals.index", _l("Henvisninger")),
        ("directory.index", _l("Tilbud")),
        ("partner.about", _l("Om ordningen")),
        ("stories.index", _l("Fortællinger")),
        ("calendar.index", _l("Kalender")),
        ("privacy.policy", _l("Databeskyttelse")),
        ("admin.users", _l("Brugere")),
        ("invitations.index", _l("Invitationer")),
        ("admin.settings", _l("Indstillinger")),
        ("notifications.index", _l("Udbakke")),
        ("notifications.preferences", _l("Beskeder")),
    ]
    if not current_user.is_authenticated:
        return []
    items += [(item.endpoint, item.label) for item in get_plugins().navigation_items()]
    return [
        (endpoint, label)
        for endpoint, label in items
        if current_user.role in allowed_roles(endpoint)
    ]
