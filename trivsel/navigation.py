"""The menu: every area's main pages, shown to the roles their views allow, grouped when a
role has more of them than fit one row of a desktop's header."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trivsel.core.auth import allowed_roles
from trivsel.core.plugins import get_plugins

# The groups, in the menu's order; an item without a group stands alone.
GROUPS = {
    "courses": _l("Forløb"),
    "volunteers": _l("Frivillige"),
    "partners": _l("Partnere og tilbud"),
    "admin": _l("Administration"),
}
# A plugin's pages are the partners' pages (an association's own offers, ...).
PLUGIN_GROUP = "partners"
# A menu of at most this many items is shown flat: it fits a desktop's row as it is.
FLAT_UP_TO = 7


class Entry(NamedTuple):
    """One place in the menu's row: a group of items, or (one item) a plain link."""

    key: str
    label: str
    items: list  # [(endpoint, label)]

    @property
    def is_group(self):
        return len(self.items) > 1


def _items():
    """(endpoint, label, group) for every page the menu may offer, in order."""
    items = [
        ("dashboard.index", _l("Overblik"), None),
        ("courses.index", _l("Forløb"), "courses"),
        ("courses.new_inquiry", _l("Ny henvendelse"), "courses"),
        ("volunteer.home", _l("Mine forløb"), None),
        ("volunteer.profile", _l("Min profil"), None),
        ("partner.home", _l("Forside"), None),
        ("corps.index", _l("Frivillige"), "volunteers"),
        ("supervision.index", _l("Supervision"), "volunteers"),
        ("referrals.index", _l("Henvisninger"), "partners"),
        ("directory.index", _l("Tilbud"), "partners"),
        ("partner.about", _l("Om ordningen"), "partners"),
        ("stories.index", _l("Fortællinger"), "partners"),
        ("statistics.index", _l("Statistik"), None),
        ("calendar.index", _l("Kalender"), "courses"),
        ("privacy.policy", _l("Databeskyttelse"), "admin"),
        ("admin.users", _l("Brugere"), "admin"),
        ("invitations.index", _l("Invitationer"), "admin"),
        ("admin.settings", _l("Indstillinger"), "admin"),
        ("notifications.index", _l("Udbakke"), "admin"),
        ("notifications.preferences", _l("Beskeder"), "admin"),
    ]
    items += [
        (item.endpoint, item.label, PLUGIN_GROUP) for item in get_plugins().navigation_items()
    ]
    return items


def menu():
    """The menu's entries for the current user: only the pages their role may open; flat
    (one entry an item) when there are few, else grouped as GROUPS says, a group placed
    where its first item is. A group of one item is a plain link."""
    if not current_user.is_authenticated:
        return []
    items = [
        (endpoint, label, group)
        for endpoint, label, group in _items()
        if current_user.role in allowed_roles(endpoint)
    ]
    if len(items) <= FLAT_UP_TO:
        return [Entry(endpoint, label, [(endpoint, label)]) for endpoint, label, _g in items]
    entries, groups = [], {}
    for endpoint, label, group in items:
        if group is None:
            entries.append(Entry(endpoint, label, [(endpoint, label)]))
        elif group in groups:
            groups[group].items.append((endpoint, label))
        else:
            groups[group] = Entry(group, GROUPS[group], [(endpoint, label)])
            entries.append(groups[group])
    return entries
