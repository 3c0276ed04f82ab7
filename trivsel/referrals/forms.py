"""The core's own fields on every referral form a plugin contributes, and the prefill.

A plugin's form class is never changed: the core makes a subclass of it once, with two fields
of its own (the referrer's case reference and the consent to contact the referrer), and uses
that for every request. Where they are drawn is decided by `field_order`."""

import re
from functools import cache

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from trivsel.core.forms import max_length, optional

CASE_REFERENCE = "case_reference"
CONTACT_REFERRER = "contact_referrer"
CORE_FIELDS = (CASE_REFERENCE, CONTACT_REFERRER)
# The work contact a partner user is prefilled with, by field name (the plugins' forms use
# these names; a form without one of them simply gets no prefill for it).
PREFILLED = ("referrer_name", "referrer_department", "referrer_phone")

# A run of digits, allowing separators between them (spaces, dashes of any kind, dots,
# slashes): "010190-1234", "0101 90 1234", "010190–1234" are each one run of ten digits.
DIGIT_RUN = re.compile(r"\d(?:[\s.\-/\u2010-\u2015\u2212]*\d)*")


def looks_like_cpr(value):
    """Is there, anywhere in `value`, a run of exactly ten digits (a CPR number's shape: with
    or without the dash, with spaces)? No date check: anything shaped like one is refused."""
    return any(
        sum(ch.isdigit() for ch in run.group(0)) == 10 for run in DIGIT_RUN.finditer(value or "")
    )


def not_a_cpr_number(form, field):
    if looks_like_cpr(field.data):
        # Not shown again: what was typed is dropped from the field as well as refused.
        field.data = ""
        field.raw_data = []
        raise ValidationError(
            _l(
                "Det ligner et CPR-nummer. Skriv aldrig CPR-nummer her, kun jeres eget "
                "sagsnummer eller initialer."
            )
        )


def _strip(value):
    return value.strip() if isinstance(value, str) else value


@cache
def with_core_fields(form_class):
    """The plugin's form class with the core's fields added (made once per class)."""
    attributes = {
        CASE_REFERENCE: StringField(
            _l("Din reference (valgfri)"),
            validators=[optional(), max_length(40), not_a_cpr_number],
            filters=[_strip],
            description=_l(
                "Jeres eget journal- eller sagsnummer eller dine initialer, højst 40 tegn, så "
                "du kan kende henvisningen igen. Kun du og koordinatoren ser den. Skriv aldrig "
                "et CPR-nummer."
            ),
        ),
        CONTACT_REFERRER: BooleanField(
            _l("Borgeren har sagt ja til, at ordningen må kontakte mig om borgeren")
        ),
    }
    return type(form_class.__name__, (form_class,), attributes)


def field_order(form):
    """The names of the form's fields as drawn: the plugin's, with the reference after the
    referrer's own fields and the consent after the plugin's last check box (a consent)."""
    names = [f.short_name for f in form if f.short_name not in CORE_FIELDS]
    referrer = [i for i, name in enumerate(names) if name.startswith("referrer_")]
    names.insert(referrer[-1] + 1 if referrer else 0, CASE_REFERENCE)
    boxes = [
        i
        for i, name in enumerate(names)
        if name != CASE_REFERENCE and form[name].type == "BooleanField"
    ]
    names.insert(boxes[-1] + 1 if boxes else len(names), CONTACT_REFERRER)
    return names
