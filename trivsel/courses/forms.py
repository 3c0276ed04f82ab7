"""The forms of the course flow, one per step, and the inquiry and contact forms."""

import re
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
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
    VersionField,
    choices,
    chosen,
    date_field,
    email_field,
    max_length,
    not_in_future,
    optional,
    typed,
    within_years,
    year_field,
)
from trivsel.core.numbers import row_id
from trivsel.corps.forms import MatchFactsMixin, match_fields
from trivsel.courses import flow
from trivsel.courses.who5 import Who5Mixin

YES_NO = choices(labels.YES_NO)


class CourseDates:
    """Validators that need the course: dates cannot come before what they follow."""

    def __init__(self, earliest, message):
        self.earliest = earliest
        self.message = message

    def __call__(self, form, field):
        earliest = self.earliest(form.course) if form.course is not None else None
        value = field.data.date() if hasattr(field.data, "date") else field.data
        if value and earliest and value < earliest:
            raise ValidationError(self.message)


BEFORE_RECEIVED = _l("Datoen kan ikke ligge før henvendelsen blev modtaget.")


def after_received(message=BEFORE_RECEIVED):
    return CourseDates(lambda course: course.received_on, message)


class StepForm(Form):
    """A form for one step; `course` is the course it applies to (for date checks).
    `step_values()` gives what the step's function in `trivsel.courses.steps` takes."""

    version = VersionField()

    def __init__(self, *args, course=None, **kwargs):
        self.course = course
        super().__init__(*args, **kwargs)

    def step_values(self):
        return {}


def _text(field):
    return (field.data or "").strip() or None


def _words(text):
    return set(re.findall(r"\w+", (text or "").casefold()))


def _birth_year_range():
    this_year = date.today().year
    return NumberRange(
        min=this_year - 120,
        max=this_year - 10,
        message=_l("Skriv et fødselsår mellem %(min)s og %(max)s."),
    )


class CitizenFieldsMixin:
    name = StringField(
        _l("Navn eller alias"),
        validators=[optional(), max_length(100)],
        description=_l(
            "Borgeren kan vælge et alias. Lad felterne stå tomme ved anonym henvendelse."
        ),
    )
    phone = StringField(_l("Telefon"), validators=[optional(), max_length(30)])
    email = email_field(_l("E-mail"))

    def citizen_fields(self):
        return {
            "name": (self.name.data or "").strip() or None,
            "phone": (self.phone.data or "").strip() or None,
            "email": (self.email.data or "").strip().lower() or None,
        }


class InquiryForm(CitizenFieldsMixin, Form):
    received_on = date_field(_l("Modtaget"), typed(), not_in_future, default=date.today)
    channel = RadioField(_l("Kanal"), choices=choices(labels.CHANNELS), validators=[chosen()])
    initiated_by = RadioField(
        _l("Hvem tog initiativet"),
        choices=choices(labels.INITIATORS),
        validators=[chosen()],
    )
    branch = SelectField(_l("Del af ordningen"), validators=[chosen()])
    birth_year = year_field(_l("Fødselsår"))
    submission_key = HiddenField(validators=[max_length(64)])
    target_group = SelectField(
        _l("Målgruppe"),
        choices=[SelectChoice("", _l("Ikke oplyst"))] + choices(labels.TARGET_GROUPS),
        validators=[optional()],
    )

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.branch.choices = [SelectChoice(b.key, b.label) for b in branches]
        self.birth_year.validators = [optional(), _birth_year_range()]


class CitizenForm(CitizenFieldsMixin, StepForm):
    goals = TextAreaField(
        _l("Borgerens egne mål, med borgerens ord"),
        validators=[optional(), max_length(2000)],
    )

    def citizen_fields(self):
        fields = super().citizen_fields()
        fields["goals"] = (self.goals.data or "").strip() or None
        return fields


class FirstContactForm(StepForm):
    contacted_on = date_field(
        _l("Dato for første kontakt"), typed(), not_in_future, after_received()
    )

    def step_values(self):
        return {"contacted_on": self.contacted_on.data}


def place_fields():
    """The place of a meeting (fields made per form, so they come after its date and time)."""
    return (
        StringField(
            _l("Sted"),
            validators=[optional(), max_length(100)],
            description=_l(
                "Fx Frivilligcentret. Skriv ikke borgerens navn eller adresse: stedet står i "
                "invitationen og i kalenderen. Er det hjemme hos borgeren, så sæt kryds nedenfor."
            ),
        ),
        BooleanField(_l("Hjemme hos borgeren")),
    )


class MeetingPlaceMixin:
    """Where a meeting is: typed, or "at the citizen's home" as a choice, so no address is
    written. The place goes into people's calendars and e-mail: never the citizen's name."""

    def validate_place(self, field):
        text = (field.data or "").strip()
        if text and self.at_home.data:
            raise ValidationError(
                _l("Sæt kryds ved hjemme hos borgeren eller skriv et sted, ikke begge.")
            )
        citizen = self.course.citizen if self.course is not None else None
        if citizen is None or not text:
            return
        names = {name for name in _words(citizen.name) if len(name) > 1}
        # A name, or its Danish possessive ("Gerdas stue").
        if any(word in names or word[:-1] in names for word in _words(text)):
            raise ValidationError(_l("Skriv ikke borgerens navn i stedet."))
        digits = re.sub(r"\D", "", citizen.phone or "")
        email = (citizen.email or "").lower()
        if (len(digits) >= 6 and digits in re.sub(r"\D", "", text)) or (
            email and email in text.lower()
        ):
            raise ValidationError(_l("Skriv ikke borgerens telefonnummer eller e-mail i stedet."))

    def place_values(self):
        return {"place": _text(self.place), "at_home": bool(self.at_home.data)}


class ScheduleIntakeForm(MeetingPlaceMixin, StepForm):
    scheduled_at = DateTimeLocalField(
        _l("Startsamtale, dato og tid"),
        format="%Y-%m-%dT%H:%M",
        validators=[
            typed(),
            after_received(_l("Startsamtalen kan ikke ligge før henvendelsen.")),
            within_years(),
        ],
    )
    place, at_home = place_fields()

    def step_values(self):
        return {"scheduled_at": self.scheduled_at.data, **self.place_values()}


class CancelMeetingForm(StepForm):
    """Cancel a scheduled intake or match meeting (everyone invited gets the cancellation)."""


class HoldIntakeForm(Who5Mixin, MatchFactsMixin, StepForm):
    held_on = date_field(_l("Startsamtalen blev holdt"), typed(), not_in_future, after_received())
    goals = TextAreaField(
        _l("Borgerens egne mål, med borgerens ord"),
        validators=[optional(), max_length(2000)],
        description=_l("Kun det borgeren vil have støtte til. Ingen helbredsoplysninger."),
    )
    outcome = RadioField(
        _l("Udfald"), choices=choices(labels.INTAKE_OUTCOMES), validators=[chosen()]
    )
    # After the outcome, for a course going on to a match.
    needs, available_days, available_times, by_phone, language, postcode = match_fields()

    def step_values(self):
        return {
            "held_on": self.held_on.data,
            "outcome": self.outcome.data,
            "match_facts": self.match_facts(),
            "goals": _text(self.goals),
            "postcode": _text(self.postcode),
            "who5": self.who5_score(),
        }


class MatchFactsForm(MatchFactsMixin, StepForm):
    """What the match needs, edited after the intake."""


class ProposeForm(StepForm):
    volunteer = SelectField(_l("Frivillig"), coerce=row_id, validators=[chosen()])

    def __init__(self, *args, volunteers=(), suggestions=None, **kwargs):
        """`suggestions` (ranked, from `corps.suggestions`) list the eligible first and mark
        the others; plain `volunteers` are listed as they come. Whether the one chosen can be
        proposed is the step's to decide (`steps.propose`), not the form's."""
        super().__init__(*args, **kwargs)
        options = [SelectChoice(0, _l("Vælg frivillig"))]
        if suggestions is not None:
            for s in suggestions:
                label = s.volunteer.name
                if not s.eligible:
                    # A plain string (escaped like any text), never markup: the name is
                    # whatever was typed for the volunteer.
                    label = str(gettext("%(name)s (kan ikke foreslås)", name=s.volunteer.name))
                options.append(SelectChoice(s.volunteer.id, label))
        else:
            options += [SelectChoice(v.id, v.name) for v in volunteers]
        self.volunteer.choices = options

    def validate_volunteer(self, field):
        if not field.data:
            raise ValidationError(_l("Vælg en frivillig."))

    def step_values(self):
        return {"volunteer_id": self.volunteer.data}


class RetractForm(StepForm):
    pass


class ScheduleMatchMeetingForm(MeetingPlaceMixin, StepForm):
    starts_at = DateTimeLocalField(
        _l("Matchmøde, dato og tid"),
        format="%Y-%m-%dT%H:%M",
        validators=[
            typed(),
            after_received(_l("Matchmødet kan ikke ligge før henvendelsen.")),
            within_years(),
        ],
    )
    place, at_home = place_fields()

    def step_values(self):
        return {"starts_at": self.starts_at.data, **self.place_values()}


class MatchMeetingForm(StepForm):
    meeting_on = date_field(_l("Matchmødet blev holdt"), typed(), not_in_future, after_received())
    citizen_yes = RadioField(_l("Vil borgeren fortsætte?"), choices=YES_NO, validators=[chosen()])
    volunteer_yes = RadioField(
        _l("Vil den frivillige fortsætte?"), choices=YES_NO, validators=[chosen()]
    )
    frequency = SelectField(
        _l("Aftalt hyppighed"),
        choices=choices(labels.FREQUENCIES),
        default="one_or_two",
        validators=[optional()],
    )
    expected_end_on = date_field(
        _l("Forventet afslutning"),
        optional(),
        description=_l("Lad feltet stå tomt for tre måneder (en rettesnor, ikke en grænse)."),
    )

    def validate_expected_end_on(self, field):
        if field.data and self.meeting_on.data and field.data <= self.meeting_on.data:
            raise ValidationError(_l("Forventet afslutning skal ligge efter matchmødet."))

    def step_values(self):
        return {
            "meeting_on": self.meeting_on.data,
            "citizen_yes": self.citizen_yes.data == "yes",
            "volunteer_yes": self.volunteer_yes.data == "yes",
            "frequency": self.frequency.data,
            "expected_end_on": self.expected_end_on.data,
        }


class CloseForm(StepForm):
    ended_on = date_field(
        _l("Slutdato"),
        typed(),
        not_in_future,
        CourseDates(
            lambda course: course.started_on,
            _l("Slutdatoen kan ikke ligge før forløbet startede."),
        ),
    )
    goals_met = RadioField(
        _l("Blev målene nået?"), choices=choices(labels.GOALS_MET), validators=[chosen()]
    )
    needs_more_support = RadioField(
        _l("Er der brug for mere støtte for at fastholde forandringen?"),
        choices=YES_NO,
        validators=[chosen()],
    )
    # Picked through a search of the directory (never every offer on the page): the choices
    # are the offers sent (when active) and the search's results; `validate_offers` refuses
    # any id sent that is not an active offer.
    offers = MultiCheckboxField(
        _l("Tilbud fra kataloget, borgeren er bygget bro til"),
        coerce=row_id,
        validate_choice=False,
    )
    follow_on_offers = TextAreaField(
        _l("Andre tilbud borgeren er bygget bro til"),
        validators=[optional(), max_length(1000)],
        description=_l("Tilbud, der ikke står i kataloget. Ingen personoplysninger."),
    )

    def __init__(self, *args, offers=(), results=(), **kwargs):
        """`offers`: the active offers among those sent (the chosen ones); `results`: the
        offers the search found, shown unchecked beside them."""
        super().__init__(*args, **kwargs)
        self.chosen_offers = list(offers)
        chosen = {offer.id for offer in self.chosen_offers}
        self.found_offers = [offer for offer in results if offer.id not in chosen]
        self.offers.choices = [
            SelectChoice(offer.id, f"{offer.name} ({offer.organisation_name})")
            for offer in self.chosen_offers + self.found_offers
        ]

    def validate_offers(self, field):
        known = {offer.id for offer in self.chosen_offers}
        if any(offer_id not in known for offer_id in field.data or ()):
            raise ValidationError(
                _l("Et af de valgte tilbud findes ikke i kataloget eller er ikke længere aktivt.")
            )

    def step_values(self):
        return {
            "ended_on": self.ended_on.data,
            "goals_met": self.goals_met.data,
            "needs_more_support": self.needs_more_support.data == "yes",
            "follow_on_offers": _text(self.follow_on_offers),
            "offer_ids": self.offers.data or [],
        }


class FollowUpForm(Who5Mixin, StepForm):
    followed_up_on = date_field(
        _l("Dato for opfølgende samtale"),
        typed(),
        not_in_future,
        CourseDates(
            lambda course: course.ended_on,
            _l("Opfølgningen kan ikke ligge før forløbet sluttede."),
        ),
    )
    felt_heard = RadioField(
        _l("Følte borgeren sig set og hørt?"), choices=YES_NO, validators=[chosen()]
    )
    quality_of_life = RadioField(
        _l("Livskvaliteten er"),
        choices=choices(labels.QUALITY_OF_LIFE),
        validators=[chosen()],
    )
    follow_on_contact = RadioField(
        _l("Kontakt til et andet frivilligt tilbud eller anden forandring?"),
        choices=YES_NO,
        validators=[chosen()],
    )
    went = MultiCheckboxField(
        _l("Hvilke af tilbuddene kom borgeren faktisk i gang med?"),
        coerce=row_id,
        description=_l("Sæt kryds ved dem, borgeren gik til. Uden kryds: gik ikke."),
    )

    def __init__(self, *args, links=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.went.choices = [
            SelectChoice(link.offer.id, f"{link.offer.name} ({link.offer.organisation_name})")
            for link in links
        ]
        if not self.went.choices:
            del self["went"]

    def step_values(self):
        went = None
        if "went" in self:
            ticked = set(self.went.data or [])
            went = {choice.value: choice.value in ticked for choice in self.went.choices}
        return {
            "followed_up_on": self.followed_up_on.data,
            "felt_heard": self.felt_heard.data == "yes",
            "quality_of_life": self.quality_of_life.data,
            "follow_on_contact": self.follow_on_contact.data == "yes",
            "who5": self.who5_score(),
            "went": went,
        }


class WithdrawForm(StepForm):
    withdrawn_on = date_field(_l("Dato"), typed(), not_in_future, after_received())

    def step_values(self):
        return {"withdrawn_on": self.withdrawn_on.data}


class ConversationForm(StepForm):
    """The volunteer logs one conversation (date and where, never what was said)."""

    held_on = date_field(_l("Dato"), typed(), not_in_future, default=date.today)
    mode = RadioField(_l("Hvor"), choices=choices(labels.MODES), validators=[chosen()])
    submission_key = HiddenField(validators=[max_length(64)])

    def validate_held_on(self, field):
        started = self.course.started_on if self.course else None
        if field.data and started and field.data < started:
            raise ValidationError(_l("Datoen kan ikke ligge før forløbet startede."))


class ConversationCorrectionForm(StepForm):
    """Correct a conversation's date or where it was held (never what was said)."""

    held_on = date_field(_l("Dato"), typed(), not_in_future)
    mode = RadioField(_l("Hvor"), choices=choices(labels.MODES), validators=[chosen()])
    validate_held_on = ConversationForm.validate_held_on


class RemoveConversationForm(StepForm):
    """Remove a conversation logged by mistake (`undo`: right after the one-tap log)."""

    undo = HiddenField()


def date_correction_form(course, dates, **kwargs):
    """A form with a date field for each of `dates` ({column: label}: the course's
    correctable dates, in the flow's order), filled from the request when posted."""

    class DateCorrectionForm(StepForm):
        pass

    for name, label in dates.items():
        setattr(DateCorrectionForm, name, date_field(label, typed(), not_in_future))
    return DateCorrectionForm(course=course, **kwargs)


class AnswerProposalForm(StepForm):
    answer = RadioField(
        _l("Dit svar"),
        choices=[SelectChoice("accept", _l("Ja, gerne")), SelectChoice("decline", _l("Nej tak"))],
        validators=[chosen()],
    )
    reason = TextAreaField(
        _l("Hvorfor nej tak?"),
        validators=[max_length(300)],  # not Optional(): validate_reason must run when empty
        description=_l("Fx kender borgeren, har ikke tid nu. Skriv ikke om borgeren."),
    )

    def validate_reason(self, field):
        if self.answer.data == "decline" and not (field.data or "").strip():
            raise ValidationError(_l("Skriv kort hvorfor du siger nej tak."))

    def step_values(self):
        accept = self.answer.data == "accept"
        return {"accept": accept, "reason": None if accept else _text(self.reason)}


STEP_FORMS = {
    flow.FIRST_CONTACT: FirstContactForm,
    flow.SCHEDULE_INTAKE: ScheduleIntakeForm,
    flow.CANCEL_INTAKE: CancelMeetingForm,
    flow.HOLD_INTAKE: HoldIntakeForm,
    flow.PROPOSE: ProposeForm,
    flow.RETRACT: RetractForm,
    flow.SCHEDULE_MATCH_MEETING: ScheduleMatchMeetingForm,
    flow.CANCEL_MATCH_MEETING: CancelMeetingForm,
    flow.MATCH_MEETING_HELD: MatchMeetingForm,
    flow.CLOSE: CloseForm,
    flow.FOLLOW_UP: FollowUpForm,
    flow.WITHDRAW: WithdrawForm,
}
