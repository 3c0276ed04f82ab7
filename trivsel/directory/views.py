"""The directory of follow-on offers: browse and search; association staff keep their own."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, ValidationError

from trivsel.core import labels
from trivsel.core.auth import allow
from trivsel.core.db import database, now
from trivsel.core.forms import Form, MultiCheckboxField, choices, max_length, optional, required
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import render
from trivsel.directory import service as directory
from trivsel.directory.models import Offer

bp = Blueprint("directory", __name__, url_prefix="/directory")

AGE = NumberRange(min=0, max=120, message=_l("Skriv en alder mellem 0 og 120."))


class OfferForm(Form):
    organisation_name = StringField(_l("Organisation"), validators=[required(), max_length(200)])
    name = StringField(_l("Tilbud"), validators=[required(), max_length(200)])
    description = TextAreaField(_l("Beskrivelse"), validators=[optional(), max_length(2000)])
    target_group = SelectField(_l("Målgruppe"), validators=[optional()])
    eligibility = StringField(
        _l("Hvem er det for"),
        validators=[optional(), max_length(300)],
        description=_l("Fx pensionister, nybegyndere, alle der har lyst."),
    )
    minimum_age = IntegerField(_l("Fra alder"), validators=[optional(), AGE])
    maximum_age = IntegerField(_l("Til alder"), validators=[optional(), AGE])
    schedule = StringField(
        _l("Hvornår"),
        validators=[optional(), max_length(300)],
        description=_l("Fx tirsdage kl. 10-12."),
    )
    location = StringField(_l("Hvor"), validators=[optional(), max_length(300)])
    area = StringField(
        _l("Område"),
        validators=[optional(), max_length(100)],
        description=_l("By eller bydel, fx Fredericia. Bruges til filteret."),
    )
    contact_name = StringField(_l("Kontaktperson"), validators=[optional(), max_length(100)])
    contact_phone = StringField(_l("Telefon"), validators=[optional(), max_length(30)])
    contact_email = EmailField(
        _l("E-mail"),
        validators=[
            optional(),
            max_length(254),
            Email(message=_l("Skriv en gyldig e-mailadresse.")),
        ],
    )
    url = StringField(_l("Hjemmeside"), validators=[optional(), max_length(300)])
    categories = MultiCheckboxField(_l("Kategorier"), choices=choices(labels.OFFER_CATEGORIES))
    active = BooleanField(_l("Vis tilbuddet i kataloget"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_group.choices = [SelectChoice("", _l("Alle"))] + choices(labels.TARGET_GROUPS)

    def validate_maximum_age(self, field):
        low = self.minimum_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Til-alderen kan ikke være lavere end fra-alderen."))

    def values(self):
        text = lambda f: (f.data or "").strip() or None  # noqa: E731
        return {
            "organisation_name": self.organisation_name.data.strip(),
            "name": self.name.data.strip(),
            "description": text(self.description),
            "target_group": self.target_group.data or None,
            "eligibility": text(self.eligibility),
            "minimum_age": self.minimum_age.data,
            "maximum_age": self.maximum_age.data,
            "schedule": text(self.schedule),
            "location": text(self.location),
            "area": text(self.area),
            "contact_name": text(self.contact_name),
            "contact_phone": text(self.contact_phone),
            "contact_email": text(self.contact_email),
            "url": text(self.url),
            "categories": directory.category_text(self.categories.data or []),
            "active": self.active.data,
        }


def may_edit(offer, user):
    """The coordinator keeps every local and imported offer; a partner user keeps the local
    offers of their own organisation. Plugin offers are kept by their plugin."""
    if offer.source.startswith(directory.PLUGIN_SOURCE):
        return False
    if user.role == "coordinator":
        return True
    return (
        user.role == "partner"
        and user.organisation is not None
        and offer.owner_organisation == user.organisation
    )


def _association(user):
    """The association a partner user keeps offers for, or None (a referrer keeps none)."""
    if user.role != "partner" or not user.organisation:
        return None
    org = get_plugins().organisations().get(user.organisation)
    return org if org is not None and org.kind == "association" else None


def can_add(user):
    return user.role == "coordinator" or _association(user) is not None


@bp.route("/")
@allow("coordinator", "volunteer", "partner")
def index():
    args = request.args
    offers = directory.search(
        q=args.get("q", ""),
        category=args.get("category", ""),
        target_group=args.get("target_group", ""),
        area=args.get("area", ""),
    )
    mine = []
    if current_user.role == "partner" and current_user.organisation:
        mine = list(
            Offer.select()
            .where(Offer.owner_organisation == current_user.organisation)
            .order_by(Offer.name)
        )
    return render(
        "directory/index.html",
        "directory/_results.html",
        offers=offers,
        args=args,
        areas=directory.areas(),
        mine=mine,
        can_add=can_add(current_user),
        may_edit=may_edit,
    )


def _save(offer, form):
    values = form.values()
    association = _association(current_user)
    if association is not None:
        # Association staff publish under their own organisation's name, whatever was sent.
        values["organisation_name"] = association.name
    with database.atomic():
        if offer is None:
            offer = Offer.create(
                source="local",
                hsds_id=directory.new_id(),
                owner_organisation=current_user.organisation
                if current_user.role == "partner"
                else None,
                **values,
            )
        else:
            Offer.update(updated_at=now(), **values).where(Offer.id == offer.id).execute()
    return offer


@bp.route("/new", methods=["GET", "POST"])
@allow("coordinator", "partner")
def new():
    if not can_add(current_user):
        abort(403)
    form = OfferForm()
    association = _association(current_user)
    if request.method == "GET" and association is not None:
        form.organisation_name.data = association.name
    if form.validate_on_submit():
        _save(None, form)
        flash(_("Tilbuddet er gemt i kataloget."), "success")
        return redirect(url_for("directory.index"), 303)
    status = 422 if form.errors else 200
    return render("directory/edit.html", form=form, offer=None, status=status)


@bp.route("/<int:offer_id>", methods=["GET", "POST"])
@allow("coordinator", "partner")
def edit(offer_id):
    offer = Offer.get_or_none(Offer.id == offer_id)
    if offer is None:
        abort(404)
    if not may_edit(offer, current_user):
        abort(403)
    if request.method == "GET":
        form = OfferForm(obj=offer)
        form.categories.data = offer.category_codes
        form.target_group.data = offer.target_group or ""
    else:
        form = OfferForm()
    if form.validate_on_submit():
        _save(offer, form)
        flash(_("Tilbuddet er gemt."), "success")
        return redirect(url_for("directory.index"), 303)
    status = 422 if form.errors else 200
    return render("directory/edit.html", form=form, offer=offer, status=status)
