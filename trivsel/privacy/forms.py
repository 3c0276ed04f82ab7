"""The forms for recording and withdrawing a consent and for erasure on request."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, ValidationError

from trivsel.core import labels
from trivsel.core.forms import Form, choices, chosen, date_field, not_in_future, typed


class ConsentForm(Form):
    item = SelectField(
        _l("Samtykke til"), choices=choices(labels.CONSENT_ITEMS), validators=[chosen()]
    )
    recorded_on = date_field(_l("Givet den"), typed(), not_in_future, default=date.today)
    source = SelectField(
        _l("Hvordan"), choices=choices(labels.CONSENT_SOURCES), validators=[chosen()]
    )


class WithdrawConsentForm(Form):
    withdrawn_on = date_field(_l("Trukket tilbage den"), typed(), not_in_future)

    def __init__(self, *args, consent=None, **kwargs):
        self.consent = consent
        super().__init__(*args, **kwargs)

    def validate_withdrawn_on(self, field):
        if self.consent and field.data and field.data < self.consent.recorded_on:
            raise ValidationError(_l("Datoen kan ikke ligge før samtykket blev givet."))


class EraseForm(Form):
    confirm = BooleanField(
        _l("Borgeren har bedt om sletning, og jeg har sikret mig, at det er borgeren selv"),
        validators=[DataRequired(message=_l("Sæt kryds for at bekræfte."))],
    )
