"""Udbakke (the admin's outbox: what was and will be sent, the test message, retries) and
each user's page of which messages come by which channel."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import ROLES, allow
from trivsel.core.rendering import render
from trivsel.notifications import channels, mail, outbox, preferences, queries
from trivsel.notifications.forms import DIGEST_HINT, TestMessageForm, preferences_form
from trivsel.notifications.kinds import KINDS
from trivsel.notifications.models import OutboxMessage

bp = Blueprint("notifications", __name__)


@bp.record_once
def _check_settings(state):
    """Start-up stops on notification settings that cannot work (a bad SMTP URL) and on a
    channel key two plugins contribute, with a message naming the problem."""
    mail.check_settings(state.app.config)
    with state.app.app_context():
        channels.check_unique(state.app.extensions["trivsel.plugins"])


def _outbox_page(form=None, status=200):
    args = request.args
    page = min(max(1, args.get("page", 1, type=int) or 1), 100_000)
    shown = args.get("status", "")
    if shown not in queries.STATUSES:
        shown = ""
    rows, has_more = queries.messages(page, shown or None)
    return render(
        "notifications/outbox.html",
        status=status,
        rows=rows,
        has_more=has_more,
        page=page,
        shown=shown,
        counts=queries.counts(),
        unreachable=queries.unreachable(),
        channel_labels=channels.labels(),
        kind_labels={key: spec.label for key, spec in KINDS.items()},
        status_labels=queries.STATUS_LABELS,
        failure_labels=queries.FAILURE_LABELS,
        smtp=mail.configured(),
        form=form or TestMessageForm(formdata=None, address=current_user.email),
    )


@bp.route("/outbox")
@allow("admin")
def index():
    return _outbox_page()


@bp.route("/outbox/test", methods=["POST"])
@allow("admin")
def send_test():
    form = TestMessageForm()
    if not form.validate_on_submit():
        return _outbox_page(form, status=422)
    outbox.queue_to_address("test", form.address.data)
    flash(
        _("Prøvebeskeden til %(address)s ligger i udbakken.", address=form.address.data), "success"
    )
    return redirect(url_for("notifications.index"), 303)


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@allow("admin")
def retry(message_id):
    if OutboxMessage.get_or_none(OutboxMessage.id == message_id) is None:
        abort(404)
    if outbox.retry(message_id):
        flash(_("Besked %(id)s prøves igen.", id=message_id), "success")
    else:
        flash(_("Besked %(id)s er ikke fejlet, så den prøves ikke igen.", id=message_id), "error")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/me/notifications", methods=["GET", "POST"], endpoint="preferences")
@allow(*ROLES)
def choose():
    user = current_user
    kinds = preferences.kinds_for(user.role)
    choices = channels.choices()
    offer_digest = preferences.offers_digest(user.role)
    current, digest = preferences.current(user)
    form = preferences_form(kinds, choices, offer_digest, current, digest)
    if form.validate_on_submit():
        keys = {choice.value for choice in choices}
        preferences.save(user, form.chosen(), form.wants_digest(), keys)
        flash(_("Dine valg er gemt."), "success")
        return redirect(url_for("notifications.preferences"), 303)
    return render(
        "notifications/preferences.html",
        status=422 if form.errors else 200,
        form=form,
        kinds=kinds,
        digest_hint=DIGEST_HINT,
    )
