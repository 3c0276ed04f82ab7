"""The start page for each role, and the coordinator's dashboard of queues."""

from datetime import date, timedelta

from flask import Blueprint, current_app
from flask_login import current_user

from trivsel.core.auth import ROLES, allow, redirect_home
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.courses import flow, queries
from trivsel.cover import service as cover
from trivsel.cover.forms import CoverForm
from trivsel.privacy import consent, retention
from trivsel.referrals import service as referrals
from trivsel.supervision import service as supervision

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@allow(*ROLES)
def home():
    return redirect_home()


def dashboard_page(cover_form=None, status=200):
    """The queues are the same for every coordinator (they are not per person), so whoever
    covers for an away coordinator works from this same page."""
    queues = queries.dashboard_queues(flag_after=current_app.config["FIRST_CONTACT_FLAG_DAYS"])
    # A citizen who declined the follow-up call is not waiting for one.
    waiting = queues["awaiting_follow_up"]
    declined = consent.courses_withdrawn("follow_up_call", [c.id for c in waiting])
    queues["awaiting_follow_up"] = [c for c in waiting if c.id not in declined]
    # Referred inquiries carry a badge: "Henvist" and the organisation (or the department).
    organisations = get_plugins().organisations()
    referred = {
        course_id: organisations[key].name if key in organisations else department or ""
        for course_id, (key, department) in referrals.referred(
            c.id for queue in queues.values() for c in queue
        ).items()
    }
    today = date.today()
    policy = retention.RetentionPolicy.from_config(current_app.config)
    coordinators = cover.coordinators()
    if cover_form is None:
        cover_form = CoverForm(
            formdata=None,
            coordinators=coordinators,
            away=current_user.id,
            ends_on=date.today() + timedelta(days=14),
        )
    return render(
        "dashboard/index.html",
        last_run=retention.last_run(),
        due_soon=retention.due_courses(today, policy, within_days=retention.DUE_SOON_DAYS),
        due_soon_days=retention.DUE_SOON_DAYS,
        queues=queues,
        referred=referred,
        queue_keys=[key for key, _ in flow.QUEUES],
        user=current_user,
        covers=cover.covers(),
        cover_form=cover_form,
        requests=supervision.open_requests(),
        status=status,
    )


@bp.route("/dashboard")
@allow("coordinator")
def index():
    return dashboard_page()
