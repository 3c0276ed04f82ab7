"""The coordinator's view of the volunteer corps: the list, a new applicant, a profile."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import IntegrityError

from trivsel.core.auth import allow
from trivsel.core.rendering import render
from trivsel.core.users import User
from trivsel.corps import service as corps
from trivsel.corps.forms import NewVolunteerForm, ProfileForm, StatusForm

bp = Blueprint("corps", __name__, url_prefix="/volunteers")

# Volunteers on one page of the list.
PER_PAGE = 50


@bp.route("/", methods=["GET", "POST"])
@allow("coordinator")
def index():
    """The corps, and registering a new applicant (the coordinator does it for people without
    a login; the volunteer completes the application after logging in)."""
    form = NewVolunteerForm()
    if form.validate_on_submit():
        try:
            user = corps.create_volunteer(
                current_user.id,
                name=form.name.data,
                email=form.email.data,
                applied_on=form.applied_on.data,
            )
        except (corps.EmailTaken, IntegrityError):
            form.email.errors.append(_("Der findes allerede en bruger med den e-mail."))
        else:
            flash(
                _(
                    "%(name)s er registreret som ansøger og får en invitation på e-mail til "
                    "at vælge sin adgangskode.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("corps.profile", user_id=user.id), 303)
    status = 422 if form.errors else 200
    # Filters and page in the query string (a status only, never a name).
    shown = request.args.get("status", "")
    shown = shown if shown in corps.LIST_STATUSES else ""
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)
    rows, total = corps.corps_page(shown, page, PER_PAGE)
    return render(
        "corps/index.html",
        rows=rows,
        total=total,
        page=page,
        has_more=page * PER_PAGE < total,
        shown=shown,
        statuses=corps.LIST_STATUSES,
        form=form,
        status=status,
        active_count=corps.active_volunteers(),
        # A profile's address but the volunteer's number: made once, not on every row.
        profile_path=url_for("corps.profile", user_id=0).removesuffix("0"),
    )


def _volunteer(user_id):
    user = User.get_or_none((User.id == user_id) & (User.role == "volunteer"))
    if user is None:
        abort(404)
    return user


def _render_profile(user, profile, form=None, status_form=None, status=200):
    if form is None:
        form = ProfileForm(formdata=None, obj=profile)
    if status_form is None:
        status_form = StatusForm(
            formdata=None, status=profile.status, paused_until=profile.paused_until
        )
    return render(
        "corps/profile.html",
        user=user,
        profile=profile,
        form=form,
        status_form=status_form,
        history=corps.status_history(user.id),
        refusals=corps.refusals_for(user.id),
        status=status,
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@allow("coordinator")
def profile(user_id):
    user = _volunteer(user_id)
    profile = corps.ensure_profile(user)
    if request.method == "GET":
        return _render_profile(user, profile)
    form = ProfileForm()
    if not form.validate():
        return _render_profile(user, profile, form=form, status=422)
    corps.save_profile(profile, **form.profile_fields())
    flash(_("Profilen for %(name)s er gemt.", name=user.name), "success")
    return redirect(url_for("corps.profile", user_id=user.id), 303)


@bp.route("/<int:user_id>/status", methods=["POST"])
@allow("coordinator")
def change_status(user_id):
    user = _volunteer(user_id)
    profile = corps.ensure_profile(user)
    form = StatusForm()
    if not form.validate():
        return _render_profile(user, profile, status_form=form, status=422)
    corps.change_status(
        profile, form.status.data, form.changed_on.data, current_user.id, form.paused_until.data
    )
    flash(_("Status for %(name)s er gemt.", name=user.name), "success")
    return redirect(url_for("corps.profile", user_id=user.id), 303)
