"""The access log: who viewed, changed, exported or erased a citizen's personal data."""

from peewee import JOIN

from trivsel.core.db import now, run_kept, slot
from trivsel.core.users import User
from trivsel.privacy.models import AccessLog

ACCESS_ACTIONS = ("view", "edit", "export", "erase", "consent")


def log_access(action, course_ids, user_id=None, endpoint=None):
    """Record that the current user (or `user_id`) did `action` to the personal data of the
    courses `course_ids` from `endpoint` (default: the current request's). One insert."""
    if action not in ACCESS_ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    if isinstance(course_ids, int):
        course_ids = [course_ids]
    if not course_ids:
        return 0
    if user_id is None or endpoint is None:
        from flask import request
        from flask_login import current_user

        user_id = user_id if user_id is not None else current_user.id
        endpoint = endpoint or request.endpoint
    at = now()
    if len(course_ids) <= KEPT_ROWS:  # a page's few courses: the same statement all day
        values = {"at": at, "user": user_id, "action": action, "endpoint": endpoint}
        for index, course_id in enumerate(course_ids):
            values[f"course{index}"] = course_id
        run_kept(("access_log", len(course_ids)), lambda: _access_rows(len(course_ids)), **values)
        return len(course_ids)
    rows = [
        {"at": at, "user": user_id, "course": cid, "action": action, "endpoint": endpoint}
        for cid in course_ids
    ]
    AccessLog.insert_many(rows).execute()
    return len(rows)


# Up to this many courses, the insert is one kept statement per number of rows.
KEPT_ROWS = 10


def _access_rows(count):
    shared = {name: slot(name) for name in ("at", "user", "action", "endpoint")}
    rows = [{**shared, "course": slot(f"course{index}")} for index in range(count)]
    # No RETURNING on PostgreSQL: nothing reads the new rows' ids.
    return AccessLog.insert_many(rows).returning()


def logs_access(action):
    """Decorator for a view with a `course_id` argument: log `action` when it answers < 400."""
    from functools import wraps

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            response = view(*args, **kwargs)
            status = getattr(response, "status_code", 200)
            if status < 400:
                log_access(action, kwargs["course_id"])
            return response

        return wrapper

    return decorate


def access_log_for(course_id, page=None, per_page=50):
    """The course's access log, newest first, with who; with `page`, that page of `per_page`
    entries as (entries, has_more), limited in SQL."""
    user = User.alias("log_user")
    query = (
        AccessLog.select(AccessLog, user)
        .join(user, JOIN.LEFT_OUTER, on=(AccessLog.user == user.id), attr="user")
        .where(AccessLog.course == course_id)
        .order_by(AccessLog.at.desc(), AccessLog.id.desc())
    )
    if page is None:
        return list(query)
    # One row more than a page tells whether there is a next page.
    rows = list(query.limit(per_page + 1).offset((page - 1) * per_page))
    return rows[:per_page], len(rows) > per_page


def current_endpoint():
    from flask import has_request_context, request

    return request.endpoint if has_request_context() else "cli"
