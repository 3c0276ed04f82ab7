"""The base form: Danish messages for WTForms' own validators, and shared fields."""

from datetime import date

from flask_babel import get_translations, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from trivsel.core.numbers import MAX_ROW_ID, parse_int

# WTForms' built-in messages (English in WTForms), said in Danish through our catalogue.
BUILTIN_MESSAGES = {
    "Not a valid date value.": _l("Skriv en gyldig dato (åååå-mm-dd)."),
    "Not a valid datetime value.": _l("Skriv en gyldig dato og tid."),
    "Not a valid integer value.": _l("Skriv et helt tal."),
    "Not a valid choice.": _l("Vælg en af mulighederne."),
    "Not a valid choice": _l("Vælg en af mulighederne."),
    "This field is required.": _l("Udfyld feltet."),
    "Invalid email address.": _l("Skriv en gyldig e-mailadresse."),
    "Invalid input.": _l("Ugyldigt input."),
    "Invalid Choice: could not coerce.": _l("Vælg en af mulighederne."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Vælg blandt mulighederne."
    ),
}


def _plural(singular, plural):
    """Marks a plural pair for extraction (make extract-messages) without translating it."""
    return singular, plural


# WTForms formats these with the rejected values itself, so they stay unformatted here.
BUILTIN_PLURALS = {
    "'%(value)s' is not a valid choice for this field.": _plural(
        "“%(value)s” er ikke en af mulighederne.",
        "“%(value)s” er ikke blandt mulighederne.",
    ),
}


class _Translations:
    def gettext(self, string):
        message = BUILTIN_MESSAGES.get(string)
        return str(message) if message is not None else gettext(string)

    def ngettext(self, singular, plural, n):
        # WTForms formats the result itself (with names like %(value)s), so the catalogue's
        # text is returned unformatted.
        if singular in BUILTIN_PLURALS:
            singular, plural = BUILTIN_PLURALS[singular]
        return get_translations().ngettext(singular, plural, n)


def _without_nul(value):
    """NUL cannot be stored in PostgreSQL text and has no place in what people type."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            filters = [*unbound_field.kwargs.get("filters", ()), _without_nul]
            return unbound_field.bind(form=form, filters=filters, **options)


REQUIRED = _l("Udfyld feltet.")


def required():
    return DataRequired(message=REQUIRED)


def typed():
    """Required for fields that parse their input (dates): an unparsable value keeps its own
    message instead of becoming "fill in the field"."""
    return InputRequired(message=REQUIRED)


def chosen():
    """Required for radio buttons and selects, where 'no' or 0 is a real answer."""
    return InputRequired(message=_l("Vælg en af mulighederne."))


def max_length(n):
    return Length(max=n, message=_l("Højst %(max)d tegn.", max=n))


def optional():
    return Optional()


class VersionField(HiddenField):
    """The version of the record the form was shown with (optimistic locking)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        try:  # ASCII digits within an id's range, or None (a conflict, never a crash)
            self.data = parse_int(self.data, 0, MAX_ROW_ID)
        except ValueError:
            self.data = None


def date_field(label, *validators, **kwargs):
    return DateField(label, validators=list(validators) or [typed()], **kwargs)


def email_field(label, required_field=False, **kwargs):
    """An e-mail address field: at most 254 characters, a valid address (Danish messages)."""
    return EmailField(
        label,
        validators=[
            required() if required_field else optional(),
            max_length(254),
            Email(message=_l("Skriv en gyldig e-mailadresse.")),
        ],
        **kwargs,
    )


def year_field(label):
    return IntegerField(label, validators=[optional()])


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (rendered as a fieldset by the forms macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("Datoen kan ikke ligge i fremtiden."))


def within_years(years=2):
    """A validator: the date (or date and time) lies at most `years` ahead, so a mistyped year
    (9999) is a message at the field, not a calendar entry no one can use."""

    def check(form, field):
        value = field.data.date() if hasattr(field.data, "date") else field.data
        if value and value > date.today().replace(year=date.today().year + years, day=1):
            raise ValidationError(_l("Vælg en dato inden for %(years)s år.", years=years))

    return check


def choices(mapping):
    """WTForms choices from a mapping of code to label (the lists in `trivsel.core.labels`)."""
    return [SelectChoice(value, label) for value, label in mapping.items()]
