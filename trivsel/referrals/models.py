"""How a referred inquiry came in."""

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from trivsel.core.db import BaseModel, now
from trivsel.core.users import User
from trivsel.courses.models import Course


class Referral(BaseModel):
    """How a referred inquiry came in: which plugin's form, from which organisation and user.

    The referrer's own work contact (a professional, not the citizen) is kept here so the
    coordinator can call back; `extra` holds facts the form's plugin defines (JSON), shown
    by that plugin in a template slot. Nothing here describes the citizen.
    """

    course = ForeignKeyField(Course, backref="referral", unique=True, on_delete="CASCADE")
    form = CharField(max_length=60)  # the referral form's key
    plugin = CharField(max_length=60)  # the plugin that contributed the form
    organisation = CharField(max_length=60, null=True)
    referred_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    referrer_name = CharField(max_length=100, null=True)
    referrer_department = CharField(max_length=100, null=True)
    referrer_phone = CharField(max_length=30, null=True)
    first_call = CharField(max_length=20, null=True)  # "scheme" calls, or the "citizen" does
    extra = TextField(null=True)
    created_at = DateTimeField(default=now)
    # The referrer's own reference (their journal's number, initials): a core field of every
    # referral form, shown only to the referring user and the coordinator; never a CPR number
    # (refused). Cleared when the course's personal data is erased.
    case_reference = CharField(max_length=40, null=True)


# A partner's own referrals, newest first, a page at a time (migration 0021): by the referring
# user alone every page read and sorted all of a busy referrer's referrals.
Referral.add_index(
    Referral.index(
        Referral.referred_by,
        Referral.organisation,
        Referral.created_at,
        Referral.id,
        name="referral_by_referrer",
    )
)


class ReferrerContact(BaseModel):
    """What a referring partner user last typed as their work department and phone, so the
    next referral form is prefilled with it (their name is on User). One row a user, written
    when they send a referral; it goes with the user."""

    user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
    department = CharField(max_length=100, null=True)
    phone = CharField(max_length=30, null=True)
    updated_at = DateTimeField(default=now)
