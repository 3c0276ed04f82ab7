"""The start page for each role, and the coordinator's dashboard of queues."""

from flask import Blueprint, current_app
from flask_login import current_user

from .. import flow, queries
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
    return render(
        "dashboard/index.html",
        queues=queues,
        queue_keys=[key for key, _ in flow.QUEUES],
        user=current_user,
    )
