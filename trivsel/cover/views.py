"""Setting and ending a cover, from the coordinator's dashboard."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _

from trivsel.core.auth import allow
from trivsel.cover import service
from trivsel.cover.forms import CoverForm
from trivsel.dashboard.views import dashboard_page

bp = Blueprint("cover", __name__, url_prefix="/dashboard/cover")


@bp.route("", methods=["POST"])
@allow("coordinator")
def create():
    form = CoverForm(coordinators=service.coordinators())
    if not form.validate():
        return dashboard_page(cover_form=form, status=422)
    service.start_cover(
        form.away.data, form.covered_by.data, form.starts_on.data, form.ends_on.data
    )
    flash(_("Dækningen er gemt og vises på overblikket."), "success")
    return redirect(url_for("dashboard.index") + "#cover", 303)


@bp.route("/<int:cover_id>/end", methods=["POST"])
@allow("coordinator")
def end(cover_id):
    if not service.end_cover(cover_id, date.today()):
        abort(404)
    flash(_("Dækningen er afsluttet."), "success")
    return redirect(url_for("dashboard.index") + "#cover", 303)
