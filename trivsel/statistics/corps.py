"""The corps' figures per project year: volunteers, courses per volunteer, supervision."""

from peewee import Case, fn

from trivsel.corps.models import VolunteerStatusChange
from trivsel.courses.models import Course
from trivsel.statistics.figures import by_year, during, percent, running_in
from trivsel.supervision.models import SupervisionAttendance, SupervisionMeeting


def new_and_departed(py):
    """{year start: (new, departed)} over the project years table `py`: a volunteer is new in
    the year of their first change to active, departed in a year with a change to left."""
    start, end = py.c.start, py.c.end
    first_active = (
        VolunteerStatusChange.select(
            VolunteerStatusChange.user.alias("user_id"),
            fn.MIN(VolunteerStatusChange.changed_on).alias("first_on"),
        )
        .where(VolunteerStatusChange.status == "active")
        .group_by(VolunteerStatusChange.user)
        .alias("first_active")
    )
    new = by_year(
        VolunteerStatusChange.select(start, fn.COUNT(first_active.c.user_id))
        .from_(py)
        .join(
            first_active,
            on=during(first_active.c.first_on, start, end),
        )
        .group_by(start)
    )
    left = by_year(
        VolunteerStatusChange.select(start, fn.COUNT(VolunteerStatusChange.user.distinct()))
        .from_(py)
        .join(
            VolunteerStatusChange,
            on=(
                (VolunteerStatusChange.status == "left")
                & during(VolunteerStatusChange.changed_on, start, end)
            ),
        )
        .group_by(start)
    )
    return {y: (new.get(y, (0,))[0], left.get(y, (0,))[0]) for y in set(new) | set(left)}


def courses_per_volunteer(py):
    """{year start: mean courses per volunteer with a course running in the year}."""
    start, end = py.c.start, py.c.end
    rows = by_year(
        Course.select(start, fn.COUNT(Course.id), fn.COUNT(Course.volunteer.distinct()))
        .from_(py)
        .join(
            Course,
            on=(Course.volunteer.is_null(False) & running_in(start, end)),
        )
        .group_by(start)
    )
    return {y: round(n / volunteers, 1) for y, (n, volunteers) in rows.items() if volunteers}


def attendance_rate(py):
    """{year start: percent}: of the volunteers counted at the group meetings held in the year
    (attendance recorded), the share who came."""
    start, end = py.c.start, py.c.end
    came = Case(None, [(SupervisionAttendance.attended == True, 1)], 0)  # noqa: E712
    rows = by_year(
        SupervisionMeeting.select(start, fn.SUM(came), fn.COUNT(SupervisionAttendance.id))
        .from_(py)
        .join(
            SupervisionMeeting,
            on=during(SupervisionMeeting.starts_at, start, end),
        )
        .join(SupervisionAttendance, on=(SupervisionAttendance.meeting == SupervisionMeeting.id))
        .group_by(start)
    )
    return {y: percent(int(yes or 0), n) for y, (yes, n) in rows.items() if n}
