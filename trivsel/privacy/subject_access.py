"""Subject access: everything stored about the citizen of one course, in plain Danish beside
the values as stored.

Every value is a *fact*: ``{"felt": the field's Danish name, "værdi": the value in Danish as
the page shows it, "kode": the value as stored}`` (a code, a list of codes, an ISO date or
time, true/false, a number, text, or null). A section is one record (a mapping of field key to
fact) or a list of them; the page and the JSON download show the same facts."""

import json

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from peewee import JOIN

from trivsel.core import labels
from trivsel.core.db import now
from trivsel.core.plugins import get_plugins
from trivsel.core.templating import danish_date
from trivsel.core.users import User
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.access_log import access_log_for
from trivsel.privacy.consent import consents_for
from trivsel.referrals.models import Referral

NOT_RECORDED = _l("Ikke registreret")

# The sections of the answer, in the order the page shows them, with their Danish titles.
SECTIONS = {
    "personal": _l("Personoplysninger"),
    "referral": _l("Henvisning"),
    "offers": _l("Tilbud borgeren er bygget bro til"),
    "consents": _l("Samtykker"),
    "facts": _l("Forløbets oplysninger (statistik)"),
    "timeline": _l("Forløbets trin"),
    "proposals": _l("Forslag til frivillige"),
    "conversations": _l("Samtaler"),
    "access_log": _l("Adgangslog"),
}

# --- How a stored value reads ----------------------------------------------------------------


def fact(field, text, code):
    return {"felt": str(field), "værdi": str(text), "kode": code}


def plain(field, value):
    """Text as it was typed (a name, a phone number, a reason); a number as a number."""
    return fact(field, NOT_RECORDED if value in (None, "") else value, value)


def day(field, value):
    """A date, or a date and time, as a Danish date ("26. nov. 2026")."""
    if value is None:
        return fact(field, NOT_RECORDED, None)
    return fact(field, danish_date(value), value.isoformat())


def yes_no(field, value):
    if value is None:
        return fact(field, NOT_RECORDED, None)
    return fact(field, labels.YES_NO["yes" if value else "no"], bool(value))


def coded(field, value, mapping):
    """A code from one of the label lists, as its Danish name."""
    if value in (None, ""):
        return fact(field, NOT_RECORDED, None)
    return fact(field, mapping.get(value, value), value)


def codes(field, values, mapping):
    """A list of codes in words: "Sorg og ensomhed"."""
    values = list(values or ())
    if not values:
        return fact(field, NOT_RECORDED, values)
    words = [str(mapping.get(code, code)) for code in values]
    words = words[:1] + [word[:1].lower() + word[1:] for word in words[1:]]
    return fact(field, format_list(words, locale=str(get_locale())), values)


def count(field, value, singular, plural):
    if value is None:
        return fact(field, NOT_RECORDED, None)
    return fact(field, ngettext(singular, plural, value), value)


def score(field, value):
    """A WHO-5 score, 0-100."""
    if value is None:
        return fact(field, NOT_RECORDED, None)
    return fact(field, _l("%(score)s af 100", score=value), value)


# --- The answer ------------------------------------------------------------------------------


def subject_access(course_id, access_log_page=None):
    """Everything stored about the citizen of one course (for the page and the JSON download),
    or None when there is no such course. A handful of queries, none a row.

    With `access_log_page` (the page), the access log is that page of it, newest first, and
    "access_log_more" says whether an older page follows; the download has all of it."""
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        return None
    citizen = Citizen.get_or_none(Citizen.id == course.citizen_id) if course.citizen_id else None
    volunteer = User.get_or_none(User.id == course.volunteer_id) if course.volunteer_id else None
    referral = Referral.get_or_none(Referral.course == course_id)
    plugins = get_plugins()
    return {
        "course": fact(_l("Forløb"), f"#{course.id}", course.id),
        "generated_at": day(_l("Udtrukket"), now()),
        "sections": {key: str(title) for key, title in SECTIONS.items()},
        "personal": _personal(citizen) if citizen else None,
        "facts": _facts(course, volunteer, plugins),
        "consents": _consents(course_id, plugins),
        "timeline": _timeline(course_id),
        "proposals": _proposals(course_id),
        "conversations": _conversations(course_id),
        "referral": _referral(course, referral, plugins) if referral else None,
        "offers": _offers(course_id),
        **_access_log_section(course_id, access_log_page),
    }


# Access log entries on one page of the subject access page.
ACCESS_LOG_PAGE = 50


def _access_log_section(course_id, page):
    if page is None:
        return {"access_log": _access_log(access_log_for(course_id))}
    entries, has_more = access_log_for(course_id, page, ACCESS_LOG_PAGE)
    return {"access_log": _access_log(entries), "access_log_more": has_more}


# Every personal field the citizen table holds, so a field added there is never left out.
PERSONAL_FIELDS = tuple(name for name in Citizen._meta.sorted_field_names if name != "id")
PERSONAL_LABELS = {
    "name": _l("Navn eller alias"),
    "phone": _l("Telefon"),
    "email": _l("E-mail"),
    "goals": _l("Egne mål"),
    "considerations": _l("Særlige hensyn"),
    "postcode": _l("Postnummer"),
}


def _personal(citizen):
    return {name: plain(PERSONAL_LABELS[name], getattr(citizen, name)) for name in PERSONAL_FIELDS}


def _facts(course, volunteer, plugins):
    branches = {key: branch.label for key, branch in plugins.branches().items()}
    c = course
    return {
        "branch": coded(_l("Del af ordningen"), c.branch, branches),
        "stage": coded(_l("Status"), c.stage, labels.STAGES),
        "received_on": day(_l("Modtaget"), c.received_on),
        "channel": coded(_l("Kanal"), c.channel, labels.CHANNELS),
        "initiated_by": coded(_l("Initiativ"), c.initiated_by, labels.INITIATORS),
        "birth_year": plain(_l("Fødselsår"), c.birth_year),
        "target_group": coded(_l("Målgruppe"), c.target_group, labels.TARGET_GROUPS),
        "first_contact_on": day(_l("Første kontakt"), c.first_contact_on),
        "first_contact_working_days": count(
            _l("Tid til første kontakt"),
            c.first_contact_working_days,
            "%(num)s arbejdsdag",
            "%(num)s arbejdsdage",
        ),
        "intake_scheduled_at": day(_l("Startsamtale aftalt"), c.intake_scheduled_at),
        "intake_held_on": day(_l("Startsamtale holdt"), c.intake_held_on),
        "intake_outcome": coded(
            _l("Udfald af startsamtalen"), c.intake_outcome, labels.INTAKE_OUTCOMES
        ),
        "who5_intake": score(_l("WHO-5 ved startsamtalen"), c.who5_intake),
        "needs": codes(_l("Behov"), c.needs, labels.INTEREST_AREAS),
        "available_days": codes(_l("Dage borgeren kan"), c.available_days, labels.WEEKDAYS),
        "available_times": codes(_l("Tider borgeren kan"), c.available_times, labels.TIMES_OF_DAY),
        "by_phone": yes_no(_l("Forløbet foregår i telefonen"), c.by_phone),
        "language": coded(_l("Sprog"), c.language, labels.LANGUAGES),
        "volunteer": plain(_l("Frivillig"), volunteer.name if volunteer else None),
        "started_on": day(_l("Startede"), c.started_on),
        "frequency": coded(_l("Hyppighed"), c.frequency, labels.FREQUENCIES),
        "expected_end_on": day(_l("Forventet slut"), c.expected_end_on),
        "ready_to_close_on": day(_l("Meldt klar til afslutning"), c.ready_to_close_on),
        "ended_on": day(_l("Sluttede"), c.ended_on),
        "goals_met": coded(_l("Mål nået"), c.goals_met, labels.GOALS_MET),
        "needs_more_support": yes_no(_l("Brug for mere støtte"), c.needs_more_support),
        "follow_on_offers": plain(_l("Videre til"), c.follow_on_offers),
        "followed_up_on": day(_l("Opfølgning"), c.followed_up_on),
        "felt_heard": yes_no(_l("Set og hørt"), c.felt_heard),
        "quality_of_life": coded(_l("Livskvalitet"), c.quality_of_life, labels.QUALITY_OF_LIFE),
        "follow_on_contact": yes_no(_l("Kontakt til andet tilbud"), c.follow_on_contact),
        "who5_follow_up": score(_l("WHO-5 ved opfølgningen"), c.who5_follow_up),
        "erased_on": day(_l("Personoplysninger slettet"), c.erased_on),
    }


def _consents(course_id, plugins):
    items = plugins.consent_items()
    return [
        {
            "item": coded(_l("Samtykke til"), c.item, items),
            "given": yes_no(_l("Givet"), c.given),
            "recorded_on": day(_l("Registreret"), c.recorded_on),
            "source": fact(_l("Hvordan"), labels.consent_source(c.source), c.source),
            "withdrawn_on": day(_l("Trukket tilbage"), c.withdrawn_on),
        }
        for c in consents_for(course_id)
    ]


def _timeline(course_id):
    actor = User.alias("actor_user")
    events = (
        CourseEvent.select(CourseEvent, actor)
        .join(actor, JOIN.LEFT_OUTER, on=(CourseEvent.actor == actor.id), attr="actor")
        .where(CourseEvent.course == course_id)
        .order_by(CourseEvent.at, CourseEvent.id)
    )
    return [
        {
            "at": day(_l("Hvornår"), e.at),
            "action": coded(_l("Trin"), e.action, labels.ACTIONS),
            "stage": coded(_l("Status bagefter"), e.stage, labels.STAGES),
            "by": plain(_l("Hvem"), e.actor.name if e.actor else None),
        }
        for e in events
    ]


def _proposals(course_id):
    proposed = User.alias("proposed_user")
    proposals = (
        Proposal.select(Proposal, proposed)
        .join(proposed, on=(Proposal.volunteer == proposed.id), attr="volunteer")
        .where(Proposal.course == course_id)
        .order_by(Proposal.proposed_at, Proposal.id)
    )
    return [
        {
            "volunteer": plain(_l("Frivillig"), p.volunteer.name),
            "status": coded(_l("Status"), p.status, labels.PROPOSAL_STATUSES),
            "proposed_at": day(_l("Foreslået"), p.proposed_at),
            "answered_at": day(_l("Svaret"), p.answered_at),
            "decline_reason": plain(_l("Begrundelse for nej tak"), p.decline_reason),
            "meeting_on": day(_l("Matchmøde"), p.meeting_on),
            "citizen_yes": yes_no(_l("Borgeren ville fortsætte"), p.citizen_yes),
            "volunteer_yes": yes_no(_l("Den frivillige ville fortsætte"), p.volunteer_yes),
        }
        for p in proposals
    ]


def _conversations(course_id):
    conversations = (
        Conversation.select(Conversation.held_on, Conversation.mode)
        .where(Conversation.course == course_id)
        .order_by(Conversation.held_on, Conversation.id)
    )
    return [
        {
            "held_on": day(_l("Dato"), c.held_on),
            "mode": coded(_l("Hvor"), c.mode, labels.MODES),
        }
        for c in conversations
    ]


def _referral(course, referral, plugins):
    forms = {key: form.title for key, (_plugin, form) in plugins.referral_forms().items()}
    organisations = {key: org.name for key, org in plugins.organisations().items()}
    extra = json.loads(referral.extra) if referral.extra else None
    return {
        "form": coded(_l("Henvisningsformular"), referral.form, forms),
        "organisation": coded(_l("Fra"), referral.organisation, organisations),
        "referrer_name": plain(_l("Henvist af"), referral.referrer_name),
        "referrer_department": plain(_l("Afdeling"), referral.referrer_department),
        "referrer_phone": plain(_l("Henviserens telefon"), referral.referrer_phone),
        "case_reference": plain(_l("Henviserens reference"), referral.case_reference),
        "first_call": coded(_l("Første opkald"), referral.first_call, labels.FIRST_CALL),
        "extra": fact(_l("Oplysninger fra formularen"), _extra_text(course, plugins), extra),
        "created_at": day(_l("Modtaget"), referral.created_at),
    }


def _extra_text(course, plugins):
    """What the referral form's plugin says of its own facts on the course page (its
    `course_facts` slot), as text: "Kommunalt forløb slutter: 15. dec. 2026"."""
    from trivsel.courses.steps import snapshot
    from trivsel.referrals.service import referral_of

    html = str(
        plugins.template_slot(
            "course_facts", {"course": snapshot(course), "referral": referral_of(course.id)}
        )
    )
    text = Markup(html.replace("</dt>", ":</dt> ").replace("</dd>", ";</dd> ")).striptags()
    return text.rstrip(";").strip() or NOT_RECORDED


def _offers(course_id):
    links = (
        OfferLink.select(OfferLink, Offer)
        .join(Offer)
        .where(OfferLink.course == course_id)
        .order_by(OfferLink.linked_on, OfferLink.id)
    )
    return [
        {
            "organisation": plain(_l("Forening"), link.offer.organisation_name),
            "offer": plain(_l("Tilbud"), link.offer.name),
            "linked_on": day(_l("Bygget bro"), link.linked_on),
            "went": yes_no(_l("Borgeren kom i gang"), link.went),
        }
        for link in links
    ]


def _access_log(entries):
    return [
        {
            "at": day(_l("Hvornår"), entry.at),
            "by": plain(_l("Hvem"), entry.user.name if entry.user else None),
            "action": coded(_l("Hvad"), entry.action, labels.ACCESS_ACTIONS),
            "endpoint": fact(_l("Side"), labels.access_page(entry.endpoint), entry.endpoint),
        }
        for entry in entries
    ]
