"""Forms of supervision: a series of group meetings, a theme day."""

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, StringField
from wtforms.validators import NumberRange, ValidationError

from trivsel.calendar.appointments import local_now
from trivsel.core.forms import Form, max_length, optional, required, typed, within_years


class SeriesForm(Form):
    first_at = DateTimeLocalField(
        _l("Første møde, dato og tid"),
        format="%Y-%m-%dT%H:%M",
        validators=[typed(), within_years()],
    )
    count = IntegerField(
        _l("Antal møder"),
        default=6,
        validators=[
            typed(),
            NumberRange(min=1, max=26, message=_l("Skriv et tal fra %(min)s til %(max)s.")),
        ],
        description=_l("Et møde hver 14. dag."),
    )
    place = StringField(_l("Sted"), validators=[optional(), max_length(100)])


class ThemeDayForm(Form):
    title = StringField(_l("Titel"), validators=[required(), max_length(120)])
    starts_at = DateTimeLocalField(
        _l("Dato og tid"), format="%Y-%m-%dT%H:%M", validators=[typed(), within_years()]
    )
    place = StringField(_l("Sted"), validators=[optional(), max_length(100)])
    capacity = IntegerField(
        _l("Antal pladser"),
        validators=[
            optional(),
            NumberRange(min=1, max=500, message=_l("Skriv et tal fra %(min)s til %(max)s.")),
        ],
        description=_l("Lad feltet stå tomt, hvis der ikke er et loft."),
    )


class MoveMeetingForm(Form):
    """Move a coming group meeting (the volunteers get the change in their calendars)."""

    starts_at = DateTimeLocalField(
        _l("Ny dato og tid"), format="%Y-%m-%dT%H:%M", validators=[typed(), within_years()]
    )
    place = StringField(_l("Sted"), validators=[optional(), max_length(100)])

    def validate_starts_at(self, field):
        if field.data and field.data <= local_now():
            raise ValidationError(_l("Vælg et tidspunkt, der ikke er gået."))
