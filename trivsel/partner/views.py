"""The partner's start page and the information for professionals."""

from flask import Blueprint
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.stories.service import published_stories

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.route("/")
@allow("partner")
def home():
    organisation = get_plugins().organisations().get(current_user.organisation)
    return render("partner/home.html", organisation=organisation)


@bp.route("/about")
@allow("partner", "coordinator")
def about():
    """What the scheme is, who it is for, how a referral works, and published good stories."""
    return render("partner/about.html", stories=published_stories())
