"""The form for an offer in the directory."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, ValidationError

from trivsel.core import labels
from trivsel.core.forms import (
    Form,
    MultiCheckboxField,
    choices,
    email_field,
    max_length,
    optional,
    required,
)

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
    contact_email = email_field(_l("E-mail"))
    url = StringField(_l("Hjemmeside"), validators=[optional(), max_length(300)])
    categories = MultiCheckboxField(_l("Kategorier"), choices=choices(labels.OFFER_CATEGORIES))
    active = BooleanField(_l("Vis tilbuddet i kataloget"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_group.choices = [SelectChoice("", _l("Alle"))] + choices(labels.TARGET_GROUPS)

    @classmethod
    def showing(cls, offer):
        """The form filled in from a stored offer (its categories are stored as text)."""
        form = cls(obj=offer)
        form.categories.data = offer.category_codes
        form.target_group.data = offer.target_group or ""
        return form

    def validate_maximum_age(self, field):
        low = self.minimum_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Til-alderen kan ikke være lavere end fra-alderen."))

    def values(self):
        """What was typed, as the service takes it: empty text as None, categories as codes."""
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
            "categories": self.categories.data or [],
            "active": self.active.data,
        }
