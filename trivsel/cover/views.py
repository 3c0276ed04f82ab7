"""Setting and ending a cover. The dashboard shows the covers; a cover is set on a page of
its own (the form is not drawn on every view of the dashboard)."""

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.rendering import render
from trivsel.cover import service
from trivsel.cover.forms import CoverForm

bp = Blueprint("cover", __name__, url_prefix="/dashboard/cover")


@bp.route("/new")
@allow("coordinator")
def new():
    form = CoverForm(
        formdata=None,
        coordinators=service.coordinators(),
        away=current_user.id,
        ends_on=date.today() + timedelta(days=14),
    )
    return render("cover/new.html", form=form)


@bp.route("", methods=["POST"])
@allow("coordinator")
def create():
    form = CoverForm(coordinators=service.coordinators())
    if not form.validate():
        return render("cover/new.html", form=form, status=422)
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
