"""The start page for each role, and the coordinator's dashboard of queues."""

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import flow, privacy, queries, supervision
from ..auth import ROLES, allow, redirect_home
from ..corps_forms import CoverForm
from ..models import Cover
from ..rendering import render

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@allow(*ROLES)
def home():
    return redirect_home()


def _dashboard(cover_form=None, status=200):
    """The queues are the same for every coordinator (they are not per person), so whoever
    covers for an away coordinator works from this same page."""
    queues = queries.dashboard_queues(flag_after=current_app.config["FIRST_CONTACT_FLAG_DAYS"])
    # A citizen who declined the follow-up call is not waiting for one.
    waiting = queues["awaiting_follow_up"]
    declined = privacy.courses_withdrawn("follow_up_call", [c.id for c in waiting])
    queues["awaiting_follow_up"] = [c for c in waiting if c.id not in declined]
    today = date.today()
    policy = privacy.RetentionPolicy.from_config(current_app.config)
    coordinators = supervision.coordinators()
    if cover_form is None:
        cover_form = CoverForm(
            formdata=None,
            coordinators=coordinators,
            away=current_user.id,
            ends_on=date.today() + timedelta(days=14),
        )
    return render(
        "dashboard/index.html",
        last_run=privacy.last_run(),
        due_soon=privacy.due_courses(today, policy, within_days=privacy.DUE_SOON_DAYS),
        due_soon_days=privacy.DUE_SOON_DAYS,
        queues=queues,
        queue_keys=[key for key, _ in flow.QUEUES],
        user=current_user,
        covers=supervision.covers(),
        cover_form=cover_form,
        requests=supervision.open_requests(),
        status=status,
    )


@bp.route("/dashboard")
@allow("coordinator")
def index():
    return _dashboard()


@bp.route("/dashboard/cover", methods=["POST"])
@allow("coordinator")
def cover():
    form = CoverForm(coordinators=supervision.coordinators())
    if not form.validate():
        return _dashboard(cover_form=form, status=422)
    Cover.create(
        away=form.away.data,
        covered_by=form.covered_by.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
    )
    flash(_("Dækningen er gemt og vises på overblikket."), "success")
    return redirect(url_for("dashboard.index") + "#cover", 303)


@bp.route("/dashboard/cover/<int:cover_id>/end", methods=["POST"])
@allow("coordinator")
def end_cover(cover_id):
    row = Cover.get_or_none(Cover.id == cover_id)
    if row is None:
        abort(404)
    yesterday = date.today() - timedelta(days=1)
    Cover.update(ends_on=max(yesterday, row.starts_on - timedelta(days=1))).where(
        Cover.id == cover_id
    ).execute()
    flash(_("Dækningen er afsluttet."), "success")
    return redirect(url_for("dashboard.index") + "#cover", 303)
