"""The admin's test message, and a user's choice of channels."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField

from trivsel.core.forms import Form, chosen, email_field

DIGEST_LABEL = _l("Én samlet besked hver morgen")
DIGEST_HINT = _l(
    "I stedet for en besked for hver hændelse får du dem samlet i én e-mail om morgenen."
)


class TestMessageForm(Form):
    address = email_field(_l("Send en prøvebesked til"), required_field=True)


class PreferencesForm(Form):
    """One choice of channel per kind (fields `kind_<key>`), added by `preferences_form`."""

    def chosen(self):
        """{kind key: channel} as chosen."""
        return {
            name.removeprefix("kind_"): field.data
            for name, field in self._fields.items()
            if name.startswith("kind_")
        }

    def wants_digest(self):
        return bool("digest" in self._fields and self.digest.data)


def preferences_form(kinds, channel_choices, offer_digest, current, digest, **kwargs):
    """The form for a user: a radio choice of channel for each kind, the digest option for a
    coordinator; filled with their current choices."""

    class Form(PreferencesForm):
        pass

    for kind in kinds:
        setattr(
            Form,
            f"kind_{kind.key}",
            RadioField(kind.label, choices=channel_choices, validators=[chosen()]),
        )
    if offer_digest:
        Form.digest = BooleanField(DIGEST_LABEL)
    data = {f"kind_{key}": channel for key, channel in current.items()}
    if offer_digest:
        data["digest"] = digest
    return Form(data=data, **kwargs)
