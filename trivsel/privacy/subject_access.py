"""Subject access: everything stored about the citizen of one course, as plain data."""

from peewee import JOIN

from trivsel.core.db import now
from trivsel.core.users import User
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.access_log import access_log_for
from trivsel.privacy.consent import consents_for
from trivsel.referrals.models import Referral

FACT_FIELDS = (
    "branch",
    "stage",
    "received_on",
    "channel",
    "initiated_by",
    "birth_year",
    "target_group",
    "first_contact_on",
    "first_contact_working_days",
    "intake_scheduled_at",
    "intake_held_on",
    "intake_outcome",
    "who5_intake",
    "started_on",
    "frequency",
    "expected_end_on",
    "ended_on",
    "goals_met",
    "needs_more_support",
    "follow_on_offers",
    "followed_up_on",
    "felt_heard",
    "quality_of_life",
    "follow_on_contact",
    "who5_follow_up",
    "needs",
    "available_days",
    "available_times",
    "by_phone",
    "language",
    "ready_to_close_on",
    "erased_on",
)

# Every personal field the citizen table holds, so a field added there is never left out.
PERSONAL_FIELDS = tuple(name for name in Citizen._meta.sorted_field_names if name != "id")


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def subject_access(course_id):
    """Everything stored about the citizen of one course, as plain data (for the page and the
    JSON download), or None when there is no such course. A handful of queries, none a row."""
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        return None
    citizen = Citizen.get_or_none(Citizen.id == course.citizen_id) if course.citizen_id else None
    volunteer = User.get_or_none(User.id == course.volunteer_id) if course.volunteer_id else None
    referral = Referral.get_or_none(Referral.course == course_id)
    return {
        "course": course.id,
        "generated_at": _plain(now()),
        "personal": (
            {name: getattr(citizen, name) for name in PERSONAL_FIELDS} if citizen else None
        ),
        "facts": {name: _plain(getattr(course, name)) for name in FACT_FIELDS}
        | {"volunteer": volunteer.name if volunteer else None},
        "consents": _consents(course_id),
        "timeline": _timeline(course_id),
        "proposals": _proposals(course_id),
        "conversations": _conversations(course_id),
        "referral": _referral(referral) if referral else None,
        "offers": _offers(course_id),
        "access_log": _access_log(course_id),
    }


def _consents(course_id):
    return [
        {
            "item": c.item,
            "given": c.given,
            "recorded_on": _plain(c.recorded_on),
            "source": c.source,
            "withdrawn_on": _plain(c.withdrawn_on),
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
            "at": _plain(e.at),
            "action": e.action,
            "stage": e.stage,
            "by": e.actor.name if e.actor else None,
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
            "volunteer": p.volunteer.name,
            "status": p.status,
            "proposed_at": _plain(p.proposed_at),
            "answered_at": _plain(p.answered_at),
            "decline_reason": p.decline_reason,
            "meeting_on": _plain(p.meeting_on),
            "citizen_yes": p.citizen_yes,
            "volunteer_yes": p.volunteer_yes,
        }
        for p in proposals
    ]


def _conversations(course_id):
    conversations = (
        Conversation.select(Conversation.held_on, Conversation.mode)
        .where(Conversation.course == course_id)
        .order_by(Conversation.held_on, Conversation.id)
    )
    return [{"held_on": _plain(c.held_on), "mode": c.mode} for c in conversations]


def _referral(referral):
    return {
        "form": referral.form,
        "organisation": referral.organisation,
        "referrer_name": referral.referrer_name,
        "referrer_department": referral.referrer_department,
        "referrer_phone": referral.referrer_phone,
        "first_call": referral.first_call,
        "extra": referral.extra,
        "created_at": _plain(referral.created_at),
    }


def _offers(course_id):
    links = (
        OfferLink.select(OfferLink, Offer)
        .join(Offer)
        .where(OfferLink.course == course_id)
        .order_by(OfferLink.linked_on, OfferLink.id)
    )
    return [
        {
            "organisation": link.offer.organisation_name,
            "offer": link.offer.name,
            "linked_on": _plain(link.linked_on),
            "went": link.went,
        }
        for link in links
    ]


def _access_log(course_id):
    return [
        {
            "at": _plain(entry.at),
            "by": entry.user.name if entry.user else None,
            "action": entry.action,
            "endpoint": entry.endpoint,
        }
        for entry in access_log_for(course_id)
    ]
