"""Referral forms contributed by plugins, and the referrer's view of their referrals' status."""

import logging
import secrets

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.plugins import PluginFailure, get_plugins
from trivsel.core.rendering import render
from trivsel.referrals import service as referrals

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
log = logging.getLogger(__name__)


@bp.route("/")
@allow("partner", "coordinator")
def index():
    plugins = get_plugins()
    forms = referrals.usable_forms(plugins, current_user)
    all_forms = plugins.referral_forms()
    rows = referrals.statuses_for(current_user) if current_user.role == "partner" else []
    titles = {key: form.title for key, (_plugin, form) in all_forms.items()}
    return render("referrals/index.html", forms=forms, rows=rows, titles=titles)


@bp.route("/<key>", methods=["GET", "POST"])
@allow("partner", "coordinator")
def form(key):
    plugins = get_plugins()
    found = plugins.referral_forms().get(key)
    if found is None:
        abort(404)
    plugin, referral_form = found
    if not referrals.may_use(referral_form, current_user):
        abort(403)
    form = referral_form.form_class()
    submission_key = request.form.get("submission_key") or secrets.token_urlsafe(16)
    problem = None
    if form.validate_on_submit():
        try:
            submission = referral_form.submit(form)
            referrals.check(submission, plugins.branches(), plugins.consent_items())
        except Exception as exc:
            log.exception("plugin %s failed in the referral form %s", plugin, key)
            plugins.failures.append(PluginFailure(plugin, f"referral form {key}", repr(exc)))
            problem = _(
                "Henvisningen kunne ikke gemmes på grund af en fejl i formularen. Intet er "
                "gemt; dine indtastninger er bevaret. Kontakt koordinatoren."
            )
        else:
            course, created = referrals.save(
                submission,
                plugin,
                key,
                current_user,
                current_user.organisation,
                submission_key=f"referral:{submission_key}",
            )
            if created:
                flash(_("Tak. Henvisningen er modtaget."), "success")
            else:
                flash(_("Henvisningen var allerede modtaget."))
            return redirect(url_for("referrals.index"), 303)
    status = 500 if problem else 422 if form.errors else 200
    return render(
        "referrals/form.html",
        status=status,
        form=form,
        referral_form=referral_form,
        key=key,
        submission_key=submission_key,
        problem=problem,
    )
