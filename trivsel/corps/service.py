"""The volunteer corps in the database: profiles, status history and the facts the match ranks
on (the corps' yearly figures are in trivsel.statistics.corps)."""

import secrets
from dataclasses import dataclass
from datetime import date

from peewee import JOIN, OP, Expression, Select, fn

from trivsel.core.auth import hash_password
from trivsel.core.db import as_date, database, now, run_prepared, statement
from trivsel.core.users import User
from trivsel.corps import matching
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Course, Proposal
from trivsel.invitations import service as invitations

# --- Profiles and status ----------------------------------------------------------------------


class EmailTaken(ValueError):
    """Another user has the e-mail address; nothing was saved."""


def create_volunteer(actor, name, email, applied_on, **profile):
    """A new volunteer user with an applicant profile (the coordinator registers the applicant;
    the volunteer completes the application once they can log in), and their invitation
    mailed at once: the login has no usable password until they choose one with the
    invitation's link."""
    email = email.strip().lower()
    if User.select().where(User.email == email).exists():
        raise EmailTaken(email)
    password_hash = hash_password(secrets.token_urlsafe(32))
    with database.atomic():
        user = User.create(
            name=name.strip(), email=email, role="volunteer", password_hash=password_hash
        )
        VolunteerProfile.create(user=user, applied_on=applied_on, status="applicant", **profile)
        VolunteerStatusChange.create(
            user=user, status="applicant", changed_on=applied_on, changed_by=actor
        )
        invitations.issue(user, invited_by=actor)
    return user


def ensure_profile(user, today=None):
    """The volunteer's profile; an applicant profile is created for a volunteer without one."""
    profile = VolunteerProfile.get_or_none(VolunteerProfile.user == user.id)
    if profile is None:
        today = today or date.today()
        with database.atomic():
            profile = VolunteerProfile.create(user=user.id, applied_on=today, status="applicant")
            VolunteerStatusChange.create(user=user.id, status="applicant", changed_on=today)
    return profile


def save_profile(profile, **fields):
    VolunteerProfile.update(updated_at=now(), **fields).where(
        VolunteerProfile.id == profile.id
    ).execute()
    return VolunteerProfile.get_by_id(profile.id)


def change_status(profile, status, changed_on, actor, paused_until=None):
    """Set a volunteer's status and keep the dated change in the history."""
    with database.atomic():
        VolunteerProfile.update(
            status=status,
            paused_until=paused_until if status == "paused" else None,
            updated_at=now(),
        ).where(VolunteerProfile.id == profile.id).execute()
        VolunteerStatusChange.create(
            user=profile.user_id,
            status=status,
            changed_on=changed_on,
            paused_until=paused_until if status == "paused" else None,
            changed_by=actor,
        )
    return VolunteerProfile.get_by_id(profile.id)


def status_history(user_id):
    return list(
        VolunteerStatusChange.select()
        .where(VolunteerStatusChange.user == user_id)
        .order_by(VolunteerStatusChange.changed_on.desc(), VolunteerStatusChange.id.desc())
    )


# --- The facts the match ranks on ----------------------------------------------------------


def _loads(volunteer_ids=None):
    """Per volunteer: active courses plus open proposals (what takes their capacity); only of
    `volunteer_ids` (a query of user ids), when given."""
    courses = (
        Course.select(Course.volunteer.alias("user_id"), fn.COUNT(Course.id).alias("n"))
        .where(Course.volunteer.is_null(False) & (Course.stage == flow.ACTIVE))
        .group_by(Course.volunteer)
    )
    proposals = (
        Proposal.select(Proposal.volunteer.alias("user_id"), fn.COUNT(Proposal.id).alias("n"))
        .join(Course)
        .where(
            Proposal.status.in_(ProposalStatus.OPEN)
            & Course.stage.in_((flow.PROPOSED, flow.MATCH_MEETING))
        )
        .group_by(Proposal.volunteer)
    )
    if volunteer_ids is not None:
        courses = courses.where(Course.volunteer.in_(volunteer_ids))
        proposals = proposals.where(Proposal.volunteer.in_(volunteer_ids))
    return courses.alias("course_load"), proposals.alias("proposal_load")


def _with_profile_and_load(volunteer_ids=None):
    """Volunteer users with their profile (or None), `load` (active courses and open
    proposals) and `active_courses`, in one query (the loads counted only for
    `volunteer_ids`, a query of user ids, when given)."""
    course_load, proposal_load = _loads(volunteer_ids)
    return (
        User.select(
            User,
            VolunteerProfile,
            (fn.COALESCE(course_load.c.n, 0) + fn.COALESCE(proposal_load.c.n, 0)).alias("load"),
            fn.COALESCE(course_load.c.n, 0).alias("active_courses"),
        )
        .join(
            VolunteerProfile,
            JOIN.LEFT_OUTER,
            on=(VolunteerProfile.user == User.id),
            attr="profile",
        )
        .switch(User)
        .join(course_load, JOIN.LEFT_OUTER, on=(course_load.c.user_id == User.id))
        .switch(User)
        .join(proposal_load, JOIN.LEFT_OUTER, on=(proposal_load.c.user_id == User.id))
        .where(User.role == "volunteer")
        .order_by(User.name)
    )


def volunteers_with_profiles(volunteer_id=None):
    """Active volunteer logins with their profile (or None) and `load`, in one query."""
    query = _with_profile_and_load().where(User.active == True)  # noqa: E712
    if volunteer_id is not None:
        query = query.where(User.id == volunteer_id)
    return list(query)


def expected_at_meetings(today=None):
    """The ids of the volunteers expected at group meetings: profile active (or a pause that
    has ended), login active. A query, so a page filters, counts and pages with it in SQL
    (the attendance list of a group meeting)."""
    today = today or date.today()
    status = (VolunteerProfile.status == "active") | (
        (VolunteerProfile.status == "paused") & (VolunteerProfile.paused_until < today)
    )
    return (
        VolunteerProfile.select(VolunteerProfile.user)
        .join(User, on=(VolunteerProfile.user == User.id))
        .where(status & (User.role == "volunteer") & (User.active == True))  # noqa: E712
    )


def _set(codes):
    return frozenset(codes or ())


def volunteer_facts(user):
    profile = getattr(user, "profile", None)
    if profile is None or profile.id is None:
        return matching.VolunteerFacts(id=user.id, name=user.name, status=None, load=user.load)
    return matching.VolunteerFacts(
        id=user.id,
        name=user.name,
        status=profile.status,
        paused_until=profile.paused_until,
        declaration_on=profile.declaration_signed_on,
        capacity=profile.capacity,
        load=user.load,
        days=_set(profile.available_days),
        times=_set(profile.available_times),
        phone_only=profile.phone_only,
        interests=_set(profile.interests),
        avoids=_set(profile.avoids),
        languages=_set(profile.languages) | {"da"},
        postcode=profile.postcode,
    )


def course_facts(course):
    citizen = course.citizen if course.citizen_id else None
    return matching.CourseFacts(
        needs=_set(course.needs),
        days=_set(course.available_days),
        times=_set(course.available_times),
        by_phone=bool(course.by_phone),
        language=course.language,
        postcode=citizen.postcode if citizen else None,
    )


def pairing_history(course_id):
    """{volunteer id: {outcome, ...}} of the course's earlier proposals that ended in a no."""
    history = {}
    rows = (
        Proposal.select(Proposal.volunteer, Proposal.status)
        .where(
            (Proposal.course == course_id)
            & Proposal.status.in_((ProposalStatus.DECLINED, ProposalStatus.NOT_MATCHED))
        )
        .tuples()
    )
    for volunteer_id, status in rows:
        history.setdefault(volunteer_id, set()).add(status)
    return history


def suggestions(course, today=None):
    """The ranked volunteers for a course, with reasons (three queries in all)."""
    today = today or date.today()
    volunteers = [volunteer_facts(u) for u in volunteers_with_profiles()]
    return matching.rank(course_facts(course), volunteers, pairing_history(course.id), today)


def refusals_for(volunteer_id, today=None):
    """Why this volunteer cannot be proposed now (empty when they can)."""
    rows = volunteers_with_profiles(volunteer_id)
    if not rows:
        return [matching.Reason("no_profile")]
    return matching.refusals(volunteer_facts(rows[0]), today or date.today())


def corps_list():
    """Every volunteer (also those without a login any more), with profile and load."""
    return list(_with_profile_and_load())


# The statuses the list can be filtered on ("none": no profile yet).
LIST_STATUSES = ("applicant", "active", "paused", "left", "none")


def _by_status(query, status):
    if status == "none":
        return query.where(VolunteerProfile.id.is_null())
    if status in LIST_STATUSES:
        return query.where(VolunteerProfile.status == status)
    return query


@dataclass(slots=True)
class CorpsProfile:
    """What the corps list shows of a profile."""

    id: int
    status: str
    paused_until: date | None
    declaration_signed_on: date | None
    capacity: int
    interests: list


@dataclass(slots=True)
class CorpsRow:
    """A row of the corps list: the volunteer, their profile (or None) and their load."""

    id: int
    name: str
    active: bool
    profile: CorpsProfile | None
    load: int


def _listed(status, *columns):
    return _by_status(
        User.select(*columns)
        .join(VolunteerProfile, JOIN.LEFT_OUTER, on=(VolunteerProfile.user == User.id))
        .where(User.role == "volunteer"),
        status,
    )


def _corps_page_query(status, page, per_page):
    # The page's volunteers first (sorted and cut once), then each one's load counted by the
    # volunteer's own index: two counts for each of fifty rows, not a grouping of all.
    listed = (
        _listed(status, User.id.alias("id"), User.name.alias("name"), User.active.alias("active"))
        .order_by(User.name, User.id)
        .paginate(page, per_page)
        .alias("listed")
    )
    profile = _PROFILE
    courses = Course.select(fn.COUNT(Course.id)).where(
        (Course.volunteer == listed.c.id) & (Course.stage == flow.ACTIVE)
    )
    proposals = (
        Proposal.select(fn.COUNT(Proposal.id))
        .join(Course)
        .where(
            (Proposal.volunteer == listed.c.id)
            & Proposal.status.in_(ProposalStatus.OPEN)
            & Course.stage.in_((flow.PROPOSED, flow.MATCH_MEETING))
        )
    )
    return (
        Select(
            from_list=[listed],
            columns=[
                listed.c.id,
                listed.c.name,
                listed.c.active,
                profile.id,
                profile.status,
                profile.paused_until,
                profile.declaration_signed_on,
                profile.capacity,
                profile.interests,
                Expression(courses, OP.ADD, proposals),  # (a Select + a Select is a UNION)
            ],
        )
        .join(profile, JOIN.LEFT_OUTER, on=(profile.user == listed.c.id))
        .order_by(listed.c.name, listed.c.id)
    )


_PROFILE = VolunteerProfile.alias("profile")


def corps_page(status="", page=1, per_page=50):
    """One page of the corps list, by name, optionally of one status: (rows, total), the rows
    (CorpsRow) with profile and load in one query, the total of the filtered list counted in
    SQL. Both statements are written once for their status and page, and only the columns the
    list shows are read: the list is opened all day."""
    sql, params = statement(
        ("corps_page", status, page, per_page),
        lambda: _corps_page_query(status, page, per_page),
    )
    interests = VolunteerProfile.interests
    rows = [
        CorpsRow(
            user_id,
            name,
            bool(active),
            None
            if profile_id is None
            else CorpsProfile(
                profile_id,
                profile_status,
                as_date(paused_until),
                as_date(signed_on),
                capacity,
                interests.python_value(codes),
            ),
            int(load or 0),
        )
        for (
            user_id,
            name,
            active,
            profile_id,
            profile_status,
            paused_until,
            signed_on,
            capacity,
            codes,
            load,
        ) in run_prepared(sql, params, fixed=True)
    ]
    count_sql, count_params = statement(
        ("corps_count", status), lambda: _listed(status, fn.COUNT(User.id))
    )
    return rows, run_prepared(count_sql, count_params, fixed=True).fetchone()[0]


def active_volunteers(today=None):
    """Volunteers who can take a course now by status (active, or a pause that has ended)."""
    today = today or date.today()
    return (
        VolunteerProfile.select()
        .join(User)
        .where(
            (User.active == True)  # noqa: E712
            & (
                (VolunteerProfile.status == "active")
                | ((VolunteerProfile.status == "paused") & (VolunteerProfile.paused_until < today))
            )
        )
        .count()
    )
