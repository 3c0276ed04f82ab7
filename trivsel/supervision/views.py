"""Supervision for the coordinators: group meetings, attendance, requests, theme days."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trivsel.calendar import appointments
from trivsel.core.auth import allow
from trivsel.core.numbers import row_id
from trivsel.core.rendering import render
from trivsel.supervision import service as supervision
from trivsel.supervision.forms import MoveMeetingForm, SeriesForm, ThemeDayForm
from trivsel.supervision.models import SupervisionMeeting

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


def _text(field):
    """A free-text field as stored: trimmed, and None when empty."""
    return (field.data or "").strip() or None


def _index(series_form=None, theme_form=None, status=200):
    days = supervision.theme_days()
    return render(
        "supervision/index.html",
        upcoming=supervision.meetings(),
        past=supervision.meetings(past=True, limit=6),
        requests=supervision.open_requests(),
        theme_days=days,
        signed_up=supervision.signed_up_names(d.id for d in days),
        series_form=series_form or SeriesForm(formdata=None),
        theme_form=theme_form or ThemeDayForm(formdata=None),
        status=status,
    )


@bp.route("/")
@allow("coordinator")
def index():
    return _index()


@bp.route("/series", methods=["POST"])
@allow("coordinator")
def create_series():
    form = SeriesForm()
    if not form.validate():
        return _index(series_form=form, status=422)
    created = supervision.create_series(
        form.first_at.data,
        form.count.data,
        _text(form.place),
        current_user.id,
    )
    flash(
        ngettext(
            "%(num)s supervisionsmøde er oprettet.",
            "%(num)s supervisionsmøder er oprettet, hver 14. dag.",
            len(created),
        ),
        "success",
    )
    return redirect(url_for("supervision.index"), 303)


# Courses (and waiting proposals) on one page of a meeting's agenda, and volunteers on one
# page of its attendance list.
AGENDA_PAGE = 25
ATTENDANCE_PAGE = 50
# More volunteers than a page can show in one save is not a form this page sent.
MOST_SAVED = 1000


def _page_arg(name="page"):
    return min(max(1, request.args.get(name, 1, type=int) or 1), 100_000)


def _meeting(meeting_id):
    meeting = SupervisionMeeting.get_or_none(SupervisionMeeting.id == meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _list_args():
    """The agenda's page and the attendance list's filter and page, as the query string
    has them (kept on the pagers' links and after a save)."""
    args = {}
    if _page_arg() > 1:
        args["page"] = _page_arg()
    if request.args.get("attendance") == "came":
        args["attendance"] = "came"
    if _page_arg("attendance_page") > 1:
        args["attendance_page"] = _page_arg("attendance_page")
    return args


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@allow("coordinator")
def meeting(meeting_id):
    meeting = _meeting(meeting_id)
    if request.method == "POST":
        # The form sends the volunteers it showed (one page of the list) and who of them
        # came; the rest of the list keeps what was recorded.
        try:
            shown = {row_id(v) for v in request.form.getlist("shown")}
            attended = {row_id(v) for v in request.form.getlist("attended")}
        except ValueError:
            abort(400)
        shown |= attended
        if len(shown) > MOST_SAVED:
            abort(400)
        back = url_for("supervision.meeting", meeting_id=meeting.id, **_list_args())
        if meeting.starts_at.date() > date.today():
            flash(_("Fremmøde kan først registreres på mødedagen. Intet er gemt."), "error")
            return redirect(back, 303)
        # A volunteer who left the list since the page was shown (paused, deactivated) is not
        # recorded; the rest of the page is, rather than refusing everyone ticked on it.
        listed = supervision.on_attendance_list(meeting, shown)
        left_out = len(shown - listed)
        supervision.record_attendance(meeting, listed, attended & listed)
        flash(_("Fremmødet er gemt."), "success")
        if left_out:
            flash(
                ngettext(
                    "%(num)s frivillig på siden er ikke længere på listen og er ikke gemt.",
                    "%(num)s frivillige på siden er ikke længere på listen og er ikke gemt.",
                    left_out,
                ),
                "error",
            )
        return redirect(back, 303)
    return _meeting_page(meeting)


def _meeting_page(meeting, move_form=None, status=200):
    day = meeting.starts_at.date()
    coming = meeting.starts_at > appointments.local_now()
    if move_form is None and coming:
        move_form = MoveMeetingForm(formdata=None, starts_at=meeting.starts_at, place=meeting.place)
    came_only = request.args.get("attendance") == "came"
    attendance_page = _page_arg("attendance_page")
    rows, has_more, came, listed = supervision.attendance_page(
        meeting, came_only=came_only, page=attendance_page, per_page=ATTENDANCE_PAGE
    )
    return render(
        "supervision/meeting.html",
        status=status,
        meeting=meeting,
        agenda=supervision.agenda(day, page=_page_arg(), per_page=AGENDA_PAGE)
        if day >= date.today()
        else None,
        attendance=rows,
        attendance_came=came,
        attendance_listed=listed,
        attendance_more=has_more,
        attendance_page=attendance_page,
        came_only=came_only,
        list_args=_list_args(),
        move_form=move_form if coming else None,
    )


@bp.route("/meetings/<int:meeting_id>/move", methods=["POST"])
@allow("coordinator")
def move_meeting(meeting_id):
    meeting = _meeting(meeting_id)
    form = MoveMeetingForm()
    if not form.validate():
        return _meeting_page(meeting, move_form=form, status=422)
    try:
        supervision.move_meeting(meeting, form.starts_at.data, _text(form.place), current_user.id)
    except supervision.MeetingPast:
        flash(_("Mødet er begyndt eller holdt og kan ikke flyttes. Intet er ændret."), "error")
    else:
        flash(_("Mødet er flyttet. De frivillige får besked."), "success")
    return redirect(url_for("supervision.meeting", meeting_id=meeting.id), 303)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow("coordinator")
def cancel_meeting(meeting_id):
    meeting = _meeting(meeting_id)
    try:
        supervision.cancel_meeting(meeting)
    except supervision.MeetingPast:
        flash(_("Mødet er begyndt eller holdt og kan ikke aflyses. Intet er ændret."), "error")
        return redirect(url_for("supervision.meeting", meeting_id=meeting.id), 303)
    flash(_("Mødet er aflyst. De frivillige får besked."), "success")
    return redirect(url_for("supervision.index"), 303)


@bp.route("/requests/<int:request_id>/handled", methods=["POST"])
@allow("coordinator")
def handle_request(request_id):
    if supervision.handle_request(request_id, current_user.id):
        flash(_("Anmodningen er markeret som klaret."), "success")
    else:
        flash(_("Anmodningen var allerede klaret. Intet er ændret."))
    target = request.form.get("next")
    if target == "dashboard":
        return redirect(url_for("dashboard.index") + "#supervision-requests", 303)
    return redirect(url_for("supervision.index"), 303)


@bp.route("/theme-days", methods=["POST"])
@allow("coordinator")
def create_theme_day():
    form = ThemeDayForm()
    if not form.validate():
        return _index(theme_form=form, status=422)
    day = supervision.create_theme_day(
        form.title.data,
        form.starts_at.data,
        _text(form.place),
        form.capacity.data,
        current_user.id,
    )
    flash(_("Temadagen “%(title)s” er oprettet.", title=day.title), "success")
    return redirect(url_for("supervision.index"), 303)
