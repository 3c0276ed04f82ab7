"""The start page for each role, and the coordinator's dashboard of queues."""

from datetime import date

from flask import Blueprint, current_app
from flask_login import current_user

from .. import flow, privacy, queries
from ..auth import ROLES, allow, redirect_home
from ..rendering import render

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@allow(*ROLES)
def home():
    return redirect_home()


@bp.route("/dashboard")
@allow("coordinator")
def index():
    queues = queries.dashboard_queues(flag_after=current_app.config["FIRST_CONTACT_FLAG_DAYS"])
    today = date.today()
    policy = privacy.RetentionPolicy.from_config(current_app.config)
    return render(
        "dashboard/index.html",
        last_run=privacy.last_run(),
        due_soon=privacy.due_courses(today, policy, within_days=privacy.DUE_SOON_DAYS),
        due_soon_days=privacy.DUE_SOON_DAYS,
        queues=queues,
        queue_keys=[key for key, _ in flow.QUEUES],
        user=current_user,
    )
