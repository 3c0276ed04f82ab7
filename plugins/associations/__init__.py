"""Other voluntary associations: the organisations citizens go on to, and a page where an
association's staff see their own offers and how many citizens were bridged to them."""

from pathlib import Path

from flask import Blueprint, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trivsel.api import (
    NavItem,
    Organisation,
    allow,
    hookimpl,
    offer_figures,
    offer_figures_by_year,
    render,
)

# Configured in instance/config.py as ASSOCIATIONS = {"key": "Name", ...}.
DEFAULT_ASSOCIATIONS = {
    "aeldresagen": "Ældresagen Fredericia",
    "frivilligcenter": "Frivilligcenter Fredericia",
    "gaa_sammen": "Gå-sammen-holdet",
}

bp = Blueprint("associations", __name__, url_prefix="/associations")


def associations():
    return current_app.config.get("ASSOCIATIONS", DEFAULT_ASSOCIATIONS)


@bp.route("/")
@allow("partner")
def home():
    """The association's own offers, with how many citizens were bridged and went, in all
    and per project year: counts, never who."""
    organisation = current_user.organisation
    return render(
        "associations/home.html",
        offers=offer_figures(organisation),
        years=offer_figures_by_year(organisation),
        name=associations().get(organisation),
    )


@hookimpl
def trivsel_organisations():
    return [Organisation(key, name, kind="association") for key, name in associations().items()]


@hookimpl
def trivsel_blueprints():
    return [bp]


@hookimpl
def trivsel_template_folders():
    return [Path(__file__).parent / "templates"]


@hookimpl
def trivsel_navigation_items():
    if current_user.is_authenticated and current_user.organisation in associations():
        return [NavItem("associations.home", _l("Vores tilbud"))]
    return []


@hookimpl
def trivsel_demo(demo):
    """Each association owns its offers in the directory; Ole Krogh keeps Ældresagen's."""
    for key, name in associations().items():
        demo.own_offers(key, name)
    if "aeldresagen" in associations():
        demo.join_organisation("forening", "aeldresagen")
