"""The partner's start page. Partner plugins add referral forms and a status view here."""

from flask import Blueprint

from ..auth import allow
from ..rendering import render

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.route("/")
@allow("partner")
def home():
    return render("partner/home.html")
