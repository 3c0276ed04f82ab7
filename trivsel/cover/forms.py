"""The form to set who covers for an away coordinator."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField
from wtforms.validators import ValidationError

from trivsel.core.forms import Form, chosen, date_field, typed
from trivsel.core.numbers import row_id


class CoverForm(Form):
    away = SelectField(_l("Koordinator der er væk"), coerce=row_id, validators=[chosen()])
    covered_by = SelectField(_l("Dækkes af"), coerce=row_id, validators=[chosen()])
    starts_on = date_field(_l("Fra og med"), typed(), default=date.today)
    ends_on = date_field(_l("Til og med"), typed())

    def __init__(self, *args, coordinators=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = [SelectChoice(c.id, c.name) for c in coordinators]
        self.away.choices = options
        self.covered_by.choices = options

    def validate_covered_by(self, field):
        if field.data == self.away.data:
            raise ValidationError(_l("Vælg en anden koordinator end den, der er væk."))

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Slutdatoen kan ikke ligge før startdatoen."))
