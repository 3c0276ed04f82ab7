"""The directory of follow-on offers, and the offers a course bridged its citizen to."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from trivsel.core.db import BaseModel, now
from trivsel.courses.models import Course


class Offer(BaseModel):
    """A follow-on offer in the directory: where a citizen can go after the course.

    `source` says where the row came from: "local" (kept on the directory screens),
    "hsds" (imported from an Open Referral file) or "plugin:<name>" (a plugin's
    `trivsel_offers`). `hsds_id` is the service's HSDS id, kept across import and export.
    """

    hsds_id = CharField(max_length=64, unique=True)
    source = CharField(max_length=80, index=True)
    source_key = CharField(max_length=120, null=True)
    owner_organisation = CharField(max_length=60, null=True, index=True)
    organisation_name = CharField(max_length=200)
    hsds_organisation_id = CharField(max_length=64, null=True)
    name = CharField(max_length=200)
    description = TextField(null=True)
    target_group = CharField(max_length=40, null=True)  # a code of labels.TARGET_GROUPS
    eligibility = CharField(max_length=300, null=True)  # who it is for, in words
    minimum_age = IntegerField(null=True)
    maximum_age = IntegerField(null=True)
    schedule = CharField(max_length=300, null=True)  # when, in words
    location = CharField(max_length=300, null=True)  # where: a place or an address
    hsds_location_id = CharField(max_length=64, null=True)
    area = CharField(max_length=100, null=True, index=True)  # town or district, for filters
    contact_name = CharField(max_length=100, null=True)
    contact_phone = CharField(max_length=30, null=True)
    contact_email = CharField(max_length=254, null=True)
    url = CharField(max_length=300, null=True)
    categories = CharField(max_length=300, default="")  # " code code " (space-delimited)
    active = BooleanField(default=True, index=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((("source", "source_key"), True),)

    @property
    def category_codes(self):
        return self.categories.split()


# The directory as it opens, a page by organisation and name, its count and its areas, read
# from indexes (migration 0022): an offer row is wide (its description), and with ten
# thousand offers each of the three read them all.
Offer.add_index(
    Offer.index(Offer.active, Offer.organisation_name, Offer.name, Offer.id, name="offer_listed")
)
Offer.add_index(Offer.index(Offer.active, Offer.area, name="offer_active_area"))


class OfferLink(BaseModel):
    """An offer the citizen was bridged to at closing, and at the follow-up call whether they
    actually went (signposting is not joining)."""

    course = ForeignKeyField(Course, backref="offer_links", on_delete="CASCADE")
    offer = ForeignKeyField(Offer, backref="links", on_delete="RESTRICT")
    linked_on = DateField(index=True)
    went = BooleanField(null=True)  # None until the follow-up call

    class Meta:
        indexes = ((("course", "offer"), True),)
