"""The form for a good story."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField

from trivsel.core.forms import Form, max_length, required


class StoryForm(Form):
    title = StringField(_l("Overskrift"), validators=[required(), max_length(200)])
    body = TextAreaField(
        _l("Fortælling"),
        validators=[required(), max_length(5000)],
        description=_l(
            "Anonymiseret: ingen navne, adresser eller andet, der kan genkende borgeren eller "
            "den frivillige."
        ),
    )
    published = BooleanField(_l("Vis for samarbejdspartnere"))
