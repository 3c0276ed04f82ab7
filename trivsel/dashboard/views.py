"""The start page for each role, and the coordinator's dashboard of queues."""

from datetime import date
from functools import cache

from flask import Blueprint, current_app, request
from flask_login import current_user

from trivsel.core.auth import ROLES, allow, redirect_home
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import is_partial, render
from trivsel.courses import listing, queries
from trivsel.courses.models import Course
from trivsel.cover import service as cover
from trivsel.privacy import consent, retention
from trivsel.referrals import service as referrals
from trivsel.supervision import service as supervision

bp = Blueprint("dashboard", __name__)

QUEUE_KEYS = queries.QUEUE_KEYS


@bp.route("/")
@allow(*ROLES)
def home():
    return redirect_home()


@cache
def _exclude():
    """Those the queues leave out: a citizen who declined the follow-up call is not waiting
    for one. Made once, so the queues' statements are too (they are kept by what they say)."""
    return {"awaiting_follow_up": consent.withdrawn_condition(consent.FOLLOW_UP_CALL, Course.id)}


@cache
def _referral():
    """How a course in a queue came in as a referral, for its badge (made once, as above)."""
    return referrals.referral_columns(Course.id)


def _queues(pages, keys=None):
    """A page of the queues (or of those in `keys`), their counts and the referral badges of
    the courses shown; a fixed number of queries however long the queues are."""
    flag_after = current_app.config["FIRST_CONTACT_FLAG_DAYS"]
    exclude = _exclude()
    queues = queries.dashboard_queues(
        flag_after=flag_after, pages=pages, exclude=exclude, keys=keys, columns=_referral()
    )
    counts, flagged = queries.queue_counts(flag_after=flag_after, exclude=exclude)
    # Referred inquiries carry a badge: "Henvist" and the organisation (or the department).
    organisations = get_plugins().organisations()
    referred = {}
    for row in (row for queue in queues.values() for row in queue):
        if row.extra["referral_id"] is not None:
            key, department = row.extra["referral_organisation"], row.extra["referral_department"]
            referred[row.id] = organisations[key].name if key in organisations else department or ""
    return {
        "queues": queues,
        "counts": counts,
        "flagged_count": flagged,
        "referred": referred,
        "pages": {key: max(1, pages.get(key, 1)) for key in QUEUE_KEYS},
        "page_size": queries.QUEUE_PAGE_SIZE,
        **listing.row_context(),
    }


def _requested_pages():
    """{queue key: page} from `?queue=<key>&page=<n>` (the one queue paged; the rest start)."""
    key = request.args.get("queue", "")
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)
    return (key, {key: page}) if key in QUEUE_KEYS else (None, {})


def dashboard_page(status=200):
    """The queues are the same for every coordinator (they are not per person), so whoever
    covers for an away coordinator works from this same page."""
    _, pages = _requested_pages()
    today = date.today()
    policy = retention.RetentionPolicy.from_config(current_app.config)
    return render(
        "dashboard/index.html",
        last_run=retention.last_run(),
        due_soon_count=retention.due_count(today, policy, within_days=retention.DUE_SOON_DAYS),
        due_soon_days=retention.DUE_SOON_DAYS,
        queue_keys=QUEUE_KEYS,
        user=current_user,
        covers=cover.covers(),
        requests=supervision.open_requests(),
        status=status,
        **_queues(pages),
    )


@bp.route("/dashboard")
@allow("coordinator")
def index():
    key, pages = _requested_pages()
    if key is not None and is_partial():
        # The pager of one queue, with htmx: that queue's section only.
        return render(
            "dashboard/index.html", "dashboard/_queue.html", key=key, **_queues(pages, keys={key})
        )
    return dashboard_page()
