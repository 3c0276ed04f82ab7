"""Forms of the volunteer corps: profiles, status and what a course needs for a match."""

from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Regexp, ValidationError

from trivsel.core import labels
from trivsel.core.forms import (
    Form,
    MultiCheckboxField,
    choices,
    chosen,
    date_field,
    email_field,
    max_length,
    not_in_future,
    optional,
    required,
    typed,
)


def postcode_field(label):
    return StringField(
        label,
        validators=[
            optional(),
            Regexp(r"^\d{4}$", message=_l("Skriv et postnummer med fire cifre.")),
        ],
    )


def _codes(mapping, label, description=None):
    return MultiCheckboxField(
        label, choices=choices(mapping), validators=[optional()], description=description
    )


def match_fields():
    """Fresh fields for what the match needs (fresh, so a form can place them where it likes:
    WTForms orders fields by when they were created)."""
    return (
        _codes(
            labels.INTEREST_AREAS,
            _l("Hvad skal borgeren have støtte til?"),
            _l("Bruges til at foreslå en frivillig. Ikke borgerens egne ord, kun områderne."),
        ),
        _codes(labels.WEEKDAYS, _l("Borgeren kan på disse dage")),
        _codes(labels.TIMES_OF_DAY, _l("Borgeren kan på disse tider")),
        BooleanField(_l("Forløbet skal foregå i telefonen")),
        SelectField(
            _l("Foretrukket sprog"),
            choices=[SelectChoice("", _l("Dansk"))]
            + [c for c in choices(labels.LANGUAGES) if c.value != "da"],
            validators=[optional()],
        ),
        postcode_field(_l("Borgerens postnummer")),
    )


class MatchFactsMixin:
    """What the match needs to know about a course, recorded at the intake."""

    needs, available_days, available_times, by_phone, language, postcode = match_fields()

    def match_facts(self):
        return {
            "needs": self.needs.data or [],
            "available_days": self.available_days.data or [],
            "available_times": self.available_times.data or [],
            "by_phone": bool(self.by_phone.data),
            "language": self.language.data or None,
        }


class ProfileFieldsMixin:
    """What a volunteer offers: they fill it in themselves, or the coordinator does."""

    capacity = IntegerField(
        _l("Antal forløb ad gangen"),
        default=1,
        validators=[
            typed(),
            NumberRange(min=1, max=5, message=_l("Skriv et tal fra %(min)s til %(max)s.")),
        ],
    )
    available_days = _codes(labels.WEEKDAYS, _l("Dage du kan"))
    available_times = _codes(labels.TIMES_OF_DAY, _l("Tider du kan"))
    phone_only = BooleanField(_l("Kun forløb i telefonen"))
    interests = _codes(labels.INTEREST_AREAS, _l("Det vil jeg gerne hjælpe med"))
    avoids = _codes(labels.INTEREST_AREAS, _l("Det vil jeg helst ikke"))
    languages = _codes(labels.LANGUAGES, _l("Sprog"))
    postcode = postcode_field(_l("Postnummer"))
    background = StringField(
        _l("Faglig baggrund (valgfrit)"), validators=[optional(), max_length(200)]
    )

    def validate_avoids(self, field):
        # Only known areas are named (an unknown code is the choice check's to refuse), and
        # the message is a plain string, escaped where it is shown: a lazy string formatted
        # with what was sent would pass as markup.
        both = set(field.data or ()) & set(self.interests.data or ()) & set(labels.INTEREST_AREAS)
        if both:
            names = ", ".join(str(labels.INTEREST_AREAS[c]).lower() for c in sorted(both))
            raise ValidationError(
                gettext("Et område kan ikke både være ønsket og fravalgt: %(areas)s.", areas=names)
            )

    def profile_fields(self):
        return {
            "capacity": self.capacity.data,
            "available_days": self.available_days.data or [],
            "available_times": self.available_times.data or [],
            "phone_only": bool(self.phone_only.data),
            "interests": self.interests.data or [],
            "avoids": self.avoids.data or [],
            "languages": self.languages.data or [],
            "postcode": (self.postcode.data or "").strip() or None,
            "background": (self.background.data or "").strip() or None,
        }


class ApplicationForm(ProfileFieldsMixin, Form):
    """The volunteer's own application and profile."""


class ProfileForm(ProfileFieldsMixin, Form):
    """The coordinator's view of a profile: also the suitability notes and the declaration."""

    declaration_signed_on = date_field(
        _l("Tavshedserklæring underskrevet"),
        optional(),
        not_in_future,
        description=_l("Uden underskrevet tavshedserklæring kan den frivillige ikke foreslås."),
    )
    motivation = TextAreaField(
        _l("Motivation"),
        validators=[optional(), max_length(2000)],
        description=_l("Kun for koordinatorer."),
    )
    suitability_notes = TextAreaField(
        _l("Noter fra egnethedssamtalen"),
        validators=[optional(), max_length(2000)],
        description=_l("Kun for koordinatorer. Egenskaber og kompetencer."),
    )

    def profile_fields(self):
        fields = super().profile_fields()
        fields.update(
            declaration_signed_on=self.declaration_signed_on.data,
            motivation=(self.motivation.data or "").strip() or None,
            suitability_notes=(self.suitability_notes.data or "").strip() or None,
        )
        return fields


class NewVolunteerForm(Form):
    name = StringField(_l("Navn"), validators=[required(), max_length(100)])
    email = email_field(
        _l("E-mail"),
        required_field=True,
        description=_l("Den frivillige logger ind med den, når administratoren har givet adgang."),
    )
    applied_on = date_field(_l("Ansøgt"), typed(), not_in_future, default=date.today)


class StatusForm(Form):
    status = RadioField(
        _l("Status"), choices=choices(labels.VOLUNTEER_STATUSES), validators=[chosen()]
    )
    changed_on = date_field(_l("Fra"), typed(), default=date.today)
    paused_until = date_field(_l("Pause til og med"), optional(), description=_l("Kun ved pause."))

    def validate(self, extra_validators=None):
        # Not an inline validator: Optional() on the field would stop it when it is empty.
        valid = super().validate(extra_validators)
        field = self.paused_until
        if self.status.data != "paused" or field.errors:
            return valid
        if not field.data:
            field.errors.append(_l("Skriv hvornår pausen slutter."))
        elif self.changed_on.data and field.data < self.changed_on.data:
            field.errors.append(_l("Pausen kan ikke slutte før den begynder."))
        return valid and not field.errors
