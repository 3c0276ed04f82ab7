"""Invitations (the coordinator's and admin's page; the invited person's link) and password
reset ("Glemt adgangskode?"). The links carry only a signed token; the pages they open are
public, and what they show and do depends on nothing else."""

import time

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.auth import sessions
from trivsel.core.auth import PUBLIC, allow
from trivsel.core.rendering import render
from trivsel.invitations import service
from trivsel.invitations.forms import ChoosePasswordForm, ForgotForm, InviteForm

FORGOT_ANSWER_SECONDS = 0.1

bp = Blueprint("invitations", __name__)

STAFF = ("coordinator", "admin")


def _page(form, status=200):
    page = min(max(1, request.args.get("page", 1, type=int) or 1), 100_000)
    rows, total = service.open_invitations(
        service.invitable_roles(current_user.role), page, service.PER_PAGE
    )
    return render(
        "invitations/index.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        has_more=page * service.PER_PAGE < total,
        status_labels=service.STATUS_LABELS,
        valid_days=service.INVITATION_VALID.days,
        status=status,
    )


@bp.route("/invitations", methods=["GET", "POST"])
@allow(*STAFF)
def index():
    """The open invitations, and inviting someone new."""
    form = InviteForm(service.invitable_roles(current_user.role))
    if form.validate_on_submit():
        try:
            user = service.invite(current_user, **form.values())
        except service.Refused as refusal:
            form.refuse(refusal)
        else:
            flash(
                _("%(name)s er inviteret. Invitationen ligger i udbakken.", name=user.name),
                "success",
            )
            return redirect(url_for("invitations.index"), 303)
    return _page(form, status=422 if form.errors else 200)


def _handle(action, invitation_id, done):
    try:
        user = action(invitation_id, current_user)
    except service.NotFound:
        abort(404)
    except service.Closed:
        flash(_("Invitationen er allerede accepteret eller trukket tilbage."), "error")
    except service.Inactive:
        flash(
            _("Brugeren er ikke aktiv. En administrator skal gøre brugeren aktiv først."), "error"
        )
    else:
        flash(done % {"name": user.name}, "success")
    return redirect(url_for("invitations.index"), 303)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@allow(*STAFF)
def resend(invitation_id):
    return _handle(
        service.resend,
        invitation_id,
        _("Invitationen til %(name)s er sendt igen. Det tidligere link virker ikke længere."),
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@allow(*STAFF)
def revoke(invitation_id):
    return _handle(
        service.revoke,
        invitation_id,
        _("Invitationen til %(name)s er trukket tilbage."),
    )


def _refused(refusal, purpose):
    return render(
        "invitations/refused.html",
        message=refusal.message,
        purpose=purpose,
        status=refusal.status,
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def accept(token):
    """The invited person chooses their password; then they log in."""
    try:
        invitation = service.check_invitation(token)
    except service.LinkRefused as refusal:
        return _refused(refusal, "invitation")
    form = ChoosePasswordForm(invitation.user)
    if form.validate_on_submit():
        try:
            service.accept(token, form.password.data)
        except service.LinkRefused as refusal:
            return _refused(refusal, "invitation")
        flash(
            _("Din adgangskode er gemt. Log ind med din e-mail og den nye adgangskode."),
            "success",
        )
        return redirect(url_for("auth.login"), 303)
    return render(
        "invitations/choose_password.html",
        form=form,
        account=invitation.user,
        title=_("Velkommen til Trivsel"),
        intro=_("Vælg den adgangskode, du vil logge ind med."),
        button=_("Gem adgangskode"),
        status=422 if form.errors else 200,
    )


@bp.after_request
def no_referrer(response):
    """The invitation and reset pages have a token in their address: no request they lead to
    (a stylesheet, the next page) carries it along as a Referer."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@allow(PUBLIC)
def forgot():
    """Ask for a reset link. The answer is the same whether the address is a user's or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        service.request_reset(form.email.data)
        # A real address costs a token, a row and a mail queued; an unknown one, one query.
        # Every answer takes at least FORGOT_ANSWER_SECONDS, so its time tells nothing.
        time.sleep(max(0.0, FORGOT_ANSWER_SECONDS - (time.monotonic() - started)))
        return render("invitations/forgot_sent.html")
    return render("invitations/forgot.html", form=form, status=422 if form.errors else 200)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def reset(token):
    """Choose a new password from a reset link; every session of the user ends."""
    try:
        password_reset = service.check_reset(token)
    except service.LinkRefused as refusal:
        return _refused(refusal, "reset")
    form = ChoosePasswordForm(password_reset.user)
    if form.validate_on_submit():
        try:
            user = service.reset_password(token, form.password.data)
        except service.LinkRefused as refusal:
            return _refused(refusal, "reset")
        if current_user.is_authenticated and current_user.id == user.id:
            sessions.end_current()  # this browser's session ended too: empty its cookie
        flash(
            _(
                "Din adgangskode er skiftet, og du er logget ud alle steder. Log ind med den "
                "nye adgangskode."
            ),
            "success",
        )
        return redirect(url_for("auth.login"), 303)
    return render(
        "invitations/choose_password.html",
        form=form,
        account=password_reset.user,
        title=_("Vælg en ny adgangskode"),
        intro=_("Når du gemmer, bliver du logget ud alle steder, hvor du er logget ind."),
        button=_("Gem ny adgangskode"),
        status=422 if form.errors else 200,
    )
