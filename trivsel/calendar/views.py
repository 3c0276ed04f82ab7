"""The calendar pages: a user's coming appointments with the address of their calendar feed,
and the feed itself (public: a calendar app cannot log in; the secret in the URL is the key)."""

from flask import Blueprint, abort, current_app, make_response, request, url_for
from flask_login import current_user

from trivsel.calendar import appointments, feeds
from trivsel.core.auth import PUBLIC, allow
from trivsel.core.rendering import render

bp = Blueprint("calendar", __name__)

EVERYONE = ("coordinator", "volunteer", "partner", "admin")


def _feed_url(token):
    path = url_for("calendar.feed", token=token)
    base = current_app.config.get("BASE_URL") or request.host_url
    return base.rstrip("/") + path


def _page(token=None, status=200):
    coming = feeds.appointments_for(current_user, since=appointments.local_now())
    return render(
        "calendar/index.html",
        status=status,
        coming=[(a, appointments.summary(a), appointments.place_text(a)) for a in coming],
        feed=feeds.feed_of(current_user.id),
        feed_url=_feed_url(token) if token else None,
        page_for=appointments.page_for,
    )


@bp.route("/calendar")
@allow(*EVERYONE)
def index():
    return _page()


@bp.route("/calendar/renew", methods=["POST"])
@allow(*EVERYONE)
def renew():
    """A new feed address, shown in this response only (only its hash is stored), so it is
    rendered here rather than carried through a redirect and the session cookie."""
    token = feeds.renew(current_user.id)  # CSRFProtect checked the form's token already
    response = _page(token)
    response.headers["Cache-Control"] = "no-store"
    # A boosted form: the address bar shows the page, not the POST (a reload renews nothing).
    response.headers["HX-Replace-Url"] = url_for("calendar.index")
    return response


@bp.route("/calendar/<token>.ics")
@allow(PUBLIC)
def feed(token):
    user = feeds.user_for(token)
    if user is None:
        abort(404)
    response = make_response(feeds.feed_text(user))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'inline; filename="trivsel.ics"'
    return response
