"""The rehabilitation department's referral form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from trivsel.api import (
    FIRST_CALL,
    Form,
    ReferralSubmission,
    choices,
    chosen,
    date_field,
    max_length,
    optional,
    required,
)

FORM_KEY = "rehabilitation"


class RehabilitationReferralForm(Form):
    referrer_name = StringField(_l("Dit navn"), validators=[required(), max_length(100)])
    referrer_department = StringField(_l("Din afdeling"), validators=[required(), max_length(100)])
    referrer_phone = StringField(_l("Dit telefonnummer"), validators=[required(), max_length(30)])
    citizen_name = StringField(_l("Borgerens navn"), validators=[required(), max_length(100)])
    citizen_phone = StringField(
        _l("Borgerens telefonnummer"), validators=[required(), max_length(30)]
    )
    first_call = RadioField(
        _l("Hvem ringer først?"),
        choices=choices(FIRST_CALL),
        validators=[chosen()],
    )
    share_contact = BooleanField(
        _l("Borgeren har sagt ja til, at navn og telefon gives videre til ordningen")
    )
    share_considerations = BooleanField(
        _l("Borgeren har sagt ja til, at særlige hensyn gives videre")
    )
    considerations = TextAreaField(
        _l("Særlige hensyn"),
        validators=[optional(), max_length(500)],
        description=_l("Fx demens. Kun med borgerens samtykke, og kun det der er nødvendigt."),
    )
    municipal_course_ends_on = date_field(
        _l("Dato for afslutning af det kommunale forløb"),
        optional(),
        description=_l("Så de to indsatser følger efter hinanden og ikke overlapper."),
    )

    def validate_share_contact(self, field):
        if not field.data:
            raise ValidationError(
                _l("Borgeren skal have sagt ja til, at kontaktoplysningerne gives videre.")
            )

    def validate_considerations(self, field):
        if (field.data or "").strip() and not self.share_considerations.data:
            raise ValidationError(
                _l("Særlige hensyn må kun gives videre, når borgeren har sagt ja til det.")
            )


def submit(form):
    ends_on = form.municipal_course_ends_on.data
    considerations = (form.considerations.data or "").strip() or None
    return ReferralSubmission(
        citizen={
            "name": form.citizen_name.data,
            "phone": form.citizen_phone.data,
            "considerations": considerations if form.share_considerations.data else None,
        },
        consents={
            "share_contact": True,
            "share_considerations": bool(form.share_considerations.data),
        },
        referrer_name=form.referrer_name.data.strip(),
        referrer_department=form.referrer_department.data.strip(),
        referrer_phone=form.referrer_phone.data.strip(),
        first_call=form.first_call.data,
        extra={"municipal_course_ends_on": ends_on.isoformat()} if ends_on else {},
    )
