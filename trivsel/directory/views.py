"""The directory of follow-on offers: browse and search; association staff keep their own."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.rendering import render
from trivsel.directory import service as directory
from trivsel.directory.forms import OfferForm
from trivsel.directory.models import Offer

bp = Blueprint("directory", __name__, url_prefix="/directory")

# Offers on one page of the directory, and what the search and filters are called.
PER_PAGE = 25
FILTERS = ("q", "category", "target_group", "area")


@bp.route("/")
@allow("coordinator", "volunteer", "partner")
def index():
    args = request.args
    # The search and filters stay in the query string (offers, never a person) and on the
    # pager's links.
    filters = {name: args.get(name, "") for name in FILTERS if args.get(name)}
    page = min(max(1, args.get("page", 1, type=int) or 1), 100_000)
    offers, total = directory.search_page(**filters, page=page, per_page=PER_PAGE)
    return render(
        "directory/index.html",
        "directory/_results.html",
        offers=offers,
        total=total,
        page=page,
        has_more=page * PER_PAGE < total,
        per_page=PER_PAGE,
        filters=filters,
        args=args,
        areas=directory.areas(),
        mine=directory.own_offers(current_user),
        can_add=directory.can_add(current_user),
        may_edit=directory.may_edit,
    )


def _edit_page(offer, form, message):
    """Save the offer when the form is sent and valid, or show the form (again)."""
    if form.validate_on_submit():
        directory.save_offer(None if offer is None else offer.id, form.values(), current_user)
        flash(message, "success")
        return redirect(url_for("directory.index"), 303)
    status = 422 if form.errors else 200
    return render("directory/edit.html", form=form, offer=offer, status=status)


@bp.route("/new", methods=["GET", "POST"])
@allow("coordinator", "partner")
def new():
    if not directory.can_add(current_user):
        abort(403)
    form = OfferForm()
    association = directory.association(current_user)
    if request.method == "GET" and association is not None:
        form.organisation_name.data = association.name
    return _edit_page(None, form, _("Tilbuddet er gemt i kataloget."))


@bp.route("/<int:offer_id>", methods=["GET", "POST"])
@allow("coordinator", "partner")
def edit(offer_id):
    offer = Offer.get_or_none(Offer.id == offer_id)
    if offer is None:
        abort(404)
    if not directory.may_edit(offer, current_user):
        abort(403)
    form = OfferForm.showing(offer) if request.method == "GET" else OfferForm()
    return _edit_page(offer, form, _("Tilbuddet er gemt."))
