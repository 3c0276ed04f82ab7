"""TrivselsPiloter Brobygning: the branch for young, psychologically vulnerable adults, with
its own referral form; counted apart in the statistics."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import NumberRange, ValidationError

from trivsel.api import (
    FIRST_CALL,
    Branch,
    Form,
    ReferralForm,
    ReferralSubmission,
    choices,
    chosen,
    email_field,
    hookimpl,
    max_length,
    optional,
    required,
)

BRANCH = "youth"


def _age_range(form, field):
    this_year = date.today().year
    NumberRange(
        min=this_year - 35,
        max=this_year - 15,
        message=_l("Brobygning er for unge voksne: skriv et fødselsår mellem %(min)s og %(max)s."),
    )(form, field)


class YouthReferralForm(Form):
    referrer_name = StringField(_l("Dit navn"), validators=[required(), max_length(100)])
    referrer_department = StringField(
        _l("Din arbejdsplads"),
        validators=[required(), max_length(100)],
        description=_l("Fx jobcentret, ungdomsuddannelsen, psykiatrien."),
    )
    referrer_phone = StringField(_l("Dit telefonnummer"), validators=[required(), max_length(30)])
    citizen_name = StringField(_l("Den unges navn"), validators=[required(), max_length(100)])
    citizen_phone = StringField(
        _l("Den unges telefonnummer"), validators=[optional(), max_length(30)]
    )
    citizen_email = email_field(_l("Den unges e-mail"))
    birth_year = IntegerField(_l("Fødselsår"), validators=[optional(), _age_range])
    first_call = RadioField(
        _l("Hvem tager første kontakt?"),
        choices=choices(FIRST_CALL),
        validators=[chosen()],
    )
    share_contact = BooleanField(
        _l("Den unge har sagt ja til, at kontaktoplysningerne gives videre til ordningen")
    )
    share_considerations = BooleanField(
        _l("Den unge har sagt ja til, at særlige hensyn gives videre")
    )
    considerations = TextAreaField(
        _l("Særlige hensyn"),
        validators=[optional(), max_length(500)],
        description=_l("Kun med den unges samtykke, og kun det der er nødvendigt."),
    )

    def validate_citizen_phone(self, field):
        if not (field.data or "").strip() and not (self.citizen_email.data or "").strip():
            raise ValidationError(_l("Skriv et telefonnummer eller en e-mail."))

    def validate_share_contact(self, field):
        if not field.data:
            raise ValidationError(
                _l("Den unge skal have sagt ja til, at kontaktoplysningerne gives videre.")
            )

    def validate_considerations(self, field):
        if (field.data or "").strip() and not self.share_considerations.data:
            raise ValidationError(
                _l("Særlige hensyn må kun gives videre, når den unge har sagt ja til det.")
            )


def submit(form):
    return ReferralSubmission(
        citizen={
            "name": form.citizen_name.data,
            "phone": form.citizen_phone.data,
            "email": form.citizen_email.data,
            "considerations": form.considerations.data if form.share_considerations.data else None,
        },
        consents={
            "share_contact": True,
            "share_considerations": bool(form.share_considerations.data),
        },
        branch=BRANCH,
        target_group="young_adult",
        birth_year=form.birth_year.data,
        referrer_name=form.referrer_name.data.strip(),
        referrer_department=form.referrer_department.data.strip(),
        referrer_phone=form.referrer_phone.data.strip(),
        first_call=form.first_call.data,
    )


@hookimpl
def trivsel_branches():
    return [Branch(BRANCH, _l("TrivselsPiloter Brobygning"))]


@hookimpl
def trivsel_referral_forms():
    return [
        ReferralForm(
            "youth",
            _l("Henvisning til Brobygning (unge voksne)"),
            YouthReferralForm,
            submit,
            roles=("partner", "coordinator"),
            description=_l("For unge, psykisk sårbare voksne, der har brug for en bro videre."),
        )
    ]
