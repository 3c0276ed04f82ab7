"""Who gets a message meant for "the coordinator": the coordinators on duty."""

from datetime import date

from trivsel.core.users import User
from trivsel.cover.models import Cover


def coordinators_on_duty(today=None):
    """The ids of the active coordinators on duty `today`, in one query: every active
    coordinator except those away under a cover that has started and not ended (the one who
    covers is a coordinator, so gets it unless away too). When every coordinator is away, all
    of them: a message for the coordinator must reach someone."""
    today = today or date.today()
    away = Cover.select(Cover.away).where((Cover.starts_on <= today) & (Cover.ends_on >= today))
    coordinators = (User.role == "coordinator") & (User.active == True)  # noqa: E712
    ids = [u.id for u in User.select(User.id).where(coordinators & User.id.not_in(away))]
    if not ids:
        ids = [u.id for u in User.select(User.id).where(coordinators)]
    return ids


def standing_in_for(user_id, today=None):
    """Who gets a message meant for one coordinator: them, or while they are away under a
    cover, the coordinator who covers. When that is no active coordinator (they left, or the
    proposal's coordinator is unknown), the coordinators on duty: it must reach someone."""
    today = today or date.today()
    current = (Cover.starts_on <= today) & (Cover.ends_on >= today)
    covering = [
        row.covered_by_id
        for row in Cover.select(Cover.covered_by).where((Cover.away == user_id) & current)
    ]
    wanted = covering or [user_id]
    active = (User.role == "coordinator") & (User.active == True)  # noqa: E712
    if User.select().where(User.id.in_(wanted) & active).exists():
        return wanted
    return coordinators_on_duty(today)
