"""The calendar's kinds of message (registered with the outbox when this module is imported).

Each names no citizen: the meeting's kind and course number, the time, the place, and a link
that needs a login. `change` is "Ny aftale", "Flyttet" or "Aflyst"; `when` and `place` are
formatted by `trivsel.calendar.appointments`.
"""

from flask_babel import lazy_gettext as _l

from trivsel.notifications.kinds import kind

INTAKE_INVITATION = kind(
    "intake_invitation",
    _l("Invitation til startsamtale (med kalenderfil)"),
    ("coordinator",),
    _l("%(change)s: Startsamtale, forløb #%(course)s, %(when)s"),
    _l(
        "%(change)s: Startsamtale, forløb #%(course)s.\n"
        "Tid: %(when)s\n"
        "Sted: %(place)s\n\n"
        "Kalenderfilen er vedhæftet, så aftalen står rigtigt i din kalender."
    ),
    link="courses.show",
)

MATCH_MEETING_INVITATION = kind(
    "match_meeting_invitation",
    _l("Invitation til matchmøde (med kalenderfil)"),
    ("coordinator", "volunteer"),
    _l("%(change)s: Matchmøde, forløb #%(course)s, %(when)s"),
    _l(
        "%(change)s: Matchmøde, forløb #%(course)s.\n"
        "Tid: %(when)s\n"
        "Sted: %(place)s\n\n"
        "Kalenderfilen er vedhæftet, så aftalen står rigtigt i din kalender."
    ),
    link="calendar.index",  # a page both roles may open; it links on to the course
)

SUPERVISION_INVITATION = kind(
    "supervision_invitation",
    _l("Invitation til gruppesupervision (med kalenderfil)"),
    ("volunteer",),
    _l("%(change)s: Gruppesupervision, %(when)s"),
    _l(
        "%(change)s: Gruppesupervision.\n"
        "Tid: %(when)s\n"
        "Sted: %(place)s\n\n"
        "Kalenderfilen er vedhæftet, så mødet står rigtigt i din kalender."
    ),
    link="calendar.index",
)

SUPERVISION_REMINDER = kind(
    "supervision_reminder",
    _l("Påmindelse dagen før gruppesupervision"),
    ("volunteer",),
    _l("Påmindelse: Gruppesupervision i morgen, %(when)s"),
    _l("Husk gruppesupervision i morgen.\nTid: %(when)s\nSted: %(place)s"),
    link="calendar.index",
)
