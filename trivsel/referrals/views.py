"""Referral forms contributed by plugins, and the referrer's view of their referrals' status."""

import logging
import secrets

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.plugins import PluginFailure, get_plugins
from trivsel.core.rendering import is_partial, render
from trivsel.referrals import service as referrals
from trivsel.referrals.forms import CONTACT_REFERRER, field_order, with_core_fields

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
log = logging.getLogger(__name__)


@bp.route("/", methods=["GET", "POST"])
@allow("partner", "coordinator")
def index():
    """The forms the user may use, and the list: a partner's own referrals (their status),
    or for the coordinator the incoming referrals. The search by case reference is posted
    (with the CSRF token), never put in a URL; the page number alone may travel in one."""
    if request.method == "GET" and "q" in request.args:
        return redirect(url_for("referrals.index"), 303)
    values = request.form if request.method == "POST" else request.args
    q = (request.form.get("q", "") if request.method == "POST" else "").strip()[:40]
    page = min(max(1, values.get("page", 1, type=int) or 1), 100_000)
    plugins = get_plugins()
    forms = referrals.usable_forms(plugins, current_user)
    all_forms = plugins.referral_forms()
    titles = {key: form.title for key, (_plugin, form) in all_forms.items()}
    if current_user.role == "partner":
        rows, has_more = referrals.statuses_for(current_user, q=q, page=page)
        fragment = "referrals/_status_rows.html"
    else:
        rows, has_more = referrals.incoming(q=q, page=page)
        fragment = "referrals/_incoming_rows.html"
    response = render(
        "referrals/index.html",
        fragment,
        forms=forms,
        rows=rows,
        has_more=has_more,
        page=page,
        q=q,
        titles=titles,
        organisations=plugins.organisations(),
    )
    if request.method == "POST" and is_partial():
        response.headers["HX-Replace-Url"] = url_for("referrals.index")
    return response


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
    # Prefilled when the form is first shown; what is posted is what was typed.
    prefill = referrals.prefill_for(current_user) if request.method == "GET" else {}
    form = with_core_fields(referral_form.form_class)(**prefill)
    submission_key = request.form.get("submission_key") or secrets.token_urlsafe(16)
    problem = None
    if form.validate_on_submit():
        try:
            submission = referral_form.submit(form)
            # The core's own fields, whatever the plugin's submit returned for them.
            submission.case_reference = form.case_reference.data or None
            submission.consents = dict(submission.consents) | {
                CONTACT_REFERRER: bool(form.contact_referrer.data)
            }
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
        order=field_order(form),
        referral_form=referral_form,
        key=key,
        submission_key=submission_key,
        problem=problem,
    )
