"""Cover: who covers for a coordinator who is away. The queues are shared by all
coordinators, so the cover works the same queues; this only tells everyone who to turn to."""

from datetime import date, timedelta

from trivsel.core.db import kept, slot
from trivsel.core.users import User
from trivsel.cover.models import Cover

# Made once: an alias makes (and keeps) a class for each field it is asked for.
_AWAY, _COVERING = User.alias("away_user"), User.alias("covering_user")


def covers(today=None):
    """Covers that have not ended, with both coordinators' ids and names."""
    return list(kept(("cover.covers",), _covers, today=today or date.today()))


def _covers():
    away, covering = _AWAY, _COVERING
    return (
        Cover.select(Cover, away.id, away.name, covering.id, covering.name)
        .join(away, on=(Cover.away == away.id), attr="away")
        .switch(Cover)
        .join(covering, on=(Cover.covered_by == covering.id), attr="covered_by")
        .where(Cover.ends_on >= slot("today"))
        .order_by(Cover.starts_on)
    )


def coordinators():
    """The active coordinators' ids and names, by name (the cover form's choices)."""
    return list(kept(("cover.coordinators",), _coordinators))


def _coordinators():
    return (
        User.select(User.id, User.name)
        .where((User.role == "coordinator") & (User.active == True))  # noqa: E712
        .order_by(User.name)
    )


def start_cover(away, covered_by, starts_on, ends_on):
    return Cover.create(away=away, covered_by=covered_by, starts_on=starts_on, ends_on=ends_on)


def end_cover(cover_id, today=None):
    """End a cover yesterday (or before it started). False when there is no such cover."""
    row = Cover.get_or_none(Cover.id == cover_id)
    if row is None:
        return False
    yesterday = (today or date.today()) - timedelta(days=1)
    Cover.update(ends_on=max(yesterday, row.starts_on - timedelta(days=1))).where(
        Cover.id == cover_id
    ).execute()
    return True
