"""Databeskyttelse: the retention policy, subject access, consent and erasure on request."""

import json
from datetime import date

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.rendering import render
from trivsel.courses.models import Course
from trivsel.privacy import access_log, retention, subject_access
from trivsel.privacy import consent as consents_service
from trivsel.privacy.forms import ConsentForm, EraseForm, WithdrawConsentForm
from trivsel.privacy.models import Consent

bp = Blueprint("privacy", __name__)

DUE_SOON_DAYS = retention.DUE_SOON_DAYS


def _policy():
    return retention.RetentionPolicy.from_config(current_app.config)


def _course(course_id):
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        abort(404)
    return course


def _subject_page(course, consent_form=None, withdraw_forms=None, status=200):
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)
    data = subject_access.subject_access(course.id, access_log_page=page)
    consents = consents_service.consents_for(course.id)
    forms = {
        c.id: WithdrawConsentForm(formdata=None, prefix=f"w{c.id}", withdrawn_on=date.today())
        for c in consents
        if c.withdrawn_on is None
    }
    forms.update(withdraw_forms or {})
    due = retention.due_date(course, _policy())
    return render(
        "privacy/course.html",
        status=status,
        course=course,
        data=data,
        consents=consents,
        consent_form=consent_form or ConsentForm(formdata=None),
        withdraw_forms=forms,
        due=due,
        page=page,
    )


@bp.route("/privacy")
@allow("coordinator", "admin")
def policy():
    today = date.today()
    rules = _policy()
    return render(
        "privacy/policy.html",
        policy=rules,
        last_run=retention.last_run(),
        due_soon=retention.due_courses(today, rules, within_days=DUE_SOON_DAYS),
        due_soon_days=DUE_SOON_DAYS,
        today=today,
    )


@bp.route("/courses/<int:course_id>/privacy")
@allow("coordinator")
def course(course_id):
    course = _course(course_id)
    if course.citizen_id:
        access_log.log_access("view", course.id)
    return _subject_page(course)


@bp.route("/courses/<int:course_id>/privacy.json")
@allow("coordinator")
def export(course_id):
    course = _course(course_id)
    access_log.log_access("export", course.id)  # first, so the download lists itself too
    # Each value as a fact: its Danish name and reading beside the value stored (see
    # trivsel.privacy.subject_access).
    body = json.dumps(subject_access.subject_access(course.id), ensure_ascii=False, indent=2)
    response = make_response(body + "\n")
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="indsigt-forloeb-{course.id}.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/courses/<int:course_id>/consents", methods=["POST"])
@allow("coordinator")
def record_consent(course_id):
    course = _course(course_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _subject_page(course, consent_form=form, status=422)
    consents_service.record_consent(
        course.id, form.item.data, form.recorded_on.data, form.source.data, current_user.id
    )
    flash(_("Samtykket er registreret."), "success")
    return redirect(url_for("privacy.course", course_id=course.id), 303)


@bp.route("/courses/<int:course_id>/consents/<int:consent_id>/withdraw", methods=["POST"])
@allow("coordinator")
def withdraw_consent(course_id, consent_id):
    course = _course(course_id)
    consent = Consent.get_or_none((Consent.id == consent_id) & (Consent.course == course.id))
    if consent is None:
        abort(404)
    form = WithdrawConsentForm(prefix=f"w{consent.id}", consent=consent)
    if consent.withdrawn_on is not None:
        flash(_("Samtykket var allerede trukket tilbage. Intet er ændret."))
        return redirect(url_for("privacy.course", course_id=course.id), 303)
    if not form.validate_on_submit():
        return _subject_page(course, withdraw_forms={consent.id: form}, status=422)
    consents_service.withdraw_consent(consent, form.withdrawn_on.data, current_user.id)
    flash(_("Samtykket er trukket tilbage, og det, der byggede på det, er slettet."), "success")
    return redirect(url_for("privacy.course", course_id=course.id), 303)


@bp.route("/courses/<int:course_id>/erase", methods=["GET", "POST"])
@allow("coordinator")
def erase(course_id):
    course = _course(course_id)
    # Erased, and nothing personal entered since (a citizen row may be added again later).
    if course.erased_on is not None and course.citizen_id is None:
        if request.method == "POST":
            flash(_("Personoplysningerne var allerede slettet. Intet er ændret."))
            return redirect(url_for("privacy.course", course_id=course.id), 303)
        return redirect(url_for("privacy.course", course_id=course.id))
    form = EraseForm()
    if form.validate_on_submit():
        retention.erase_course(course.id, actor=current_user.id, endpoint=request.endpoint)
        flash(
            _("Borgerens personoplysninger er slettet. Forløbets statistik er bevaret."),
            "success",
        )
        return redirect(url_for("privacy.course", course_id=course.id), 303)
    status = 422 if form.errors else 200
    return render("privacy/erase.html", form=form, course=course, status=status)
