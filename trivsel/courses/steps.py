"""Taking a step on a course: the flow decides, one transaction saves, plugins hear of it.

One function per step, called by the coordinator's and the volunteer's pages alike (and by
anything else that takes a step: a command, a plugin, a notification). Each takes plain
values, never a form, and raises `flow.StepRefused` or `Conflict` having changed nothing.
"""

import json
from dataclasses import dataclass, fields
from datetime import timedelta

from trivsel.calendar import appointments
from trivsel.calendar.models import INTAKE, MATCH_MEETING
from trivsel.core.db import database, now
from trivsel.core.hookspecs import CourseSnapshot
from trivsel.core.plugins import get_plugins
from trivsel.core.workdays import working_days_between
from trivsel.corps import service as corps
from trivsel.courses import flow, notices
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Course, CourseEvent, Proposal
from trivsel.directory.models import OfferLink
from trivsel.privacy import consent
from trivsel.referrals import notices as referral_notices

SNAPSHOT_FIELDS = tuple(f.name for f in fields(CourseSnapshot))


def snapshot(course):
    """The read-only view of a saved course that plugins get (no citizen field, no model)."""
    return CourseSnapshot(**{name: getattr(course, name) for name in SNAPSHOT_FIELDS})


class Conflict(Exception):
    """Someone else saved the course after the form was shown; nothing was changed."""


@dataclass(frozen=True)
class ProposalRefused(Exception):
    """The volunteer cannot be proposed now (`reasons`: `matching.Reason`s); nothing changed."""

    reasons: tuple


def take_step(course, action, actor, version, changes=None, after=None, detail=None, **facts):
    """Move `course` by `action`, saving `changes` to its columns. When that changes the
    status the referrer of a referred course sees, they are told in the same transaction.

    :param version: the course version the user's form was shown with.
    :param after: called with the updated course inside the same transaction (to save rows
        that belong to the step, such as a proposal, and queue the messages it causes).
    :param detail: what the step changed from what, for the timeline (a dict of codes and
        ISO dates, stored as JSON on the event).
    :param facts: passed to `flow.next_stage` (outcome, citizen_yes, volunteer_yes,
        scheduled).
    :raises flow.StepRefused: the step is not allowed from the course's stage.
    :raises Conflict: the course changed since `version`.
    """
    old_stage = course.stage
    new_stage = flow.next_stage(old_stage, action, **facts)
    with database.atomic():
        _save(course, version, stage=new_stage, **(changes or {}))
        CourseEvent.create(
            course=course.id,
            actor=actor,
            action=action,
            stage=new_stage,
            detail=json.dumps(detail) if detail else None,
        )
        updated = Course.get_by_id(course.id)
        if after is not None:
            after(updated)
        referral_notices.stage_changed(updated.id, old_stage, new_stage)
    plugins = get_plugins()
    view = snapshot(updated)
    plugins.notify("trivsel_course_stage_changed", course=view, action=action, old_stage=old_stage)
    if action == flow.CLOSE:
        offer_ids = [
            link.offer_id
            for link in OfferLink.select(OfferLink.offer).where(OfferLink.course == updated.id)
        ]
        plugins.notify("trivsel_course_closed", course=view, offer_ids=offer_ids)
    return updated


def save_course(course, version, **changes):
    """Save plain edits (no step) with the same optimistic lock."""
    with database.atomic():
        _save(course, version, **changes)
    return Course.get_by_id(course.id)


def _save(course, version, **changes):
    updated = (
        Course.update(version=Course.version + 1, updated_at=now(), **changes)
        .where((Course.id == course.id) & (Course.version == version))
        .execute()
    )
    if updated != 1:
        raise Conflict()


def _who5_if_consented(course, score):
    """The WHO-5 score, unless the citizen has withdrawn consent to it."""
    if score is None or consent.WHO5 in consent.withdrawn_items(course.id):
        return None
    return score


# --- The steps, in flow order -----------------------------------------------------------------


def first_contact(course, actor, version, contacted_on):
    changes = {
        "first_contact_on": contacted_on,
        "first_contact_working_days": working_days_between(course.received_on, contacted_on),
    }
    return take_step(course, flow.FIRST_CONTACT, actor, version, changes)


def meeting_detail(standing, starts_at=None):
    """The timeline's detail of a move (`starts_at` given) or cancellation of the meeting that
    stands (an Appointment, or None): the time it had, and the new one."""
    if standing is None:
        return None
    detail = {"was": standing.starts_at.isoformat(timespec="minutes")}
    if starts_at is not None:
        if starts_at == standing.starts_at:
            return None  # the same time again (perhaps another place): not a move in time
        detail["now"] = starts_at.isoformat(timespec="minutes")
    return detail


def schedule_intake(course, actor, version, scheduled_at, place=None, at_home=False):
    """Schedule the intake, or move it: its appointment (same UID, next SEQUENCE) and the
    invitation to the coordinators who scheduled and moved it."""
    standing = appointments.live(INTAKE, course_id=course.id)

    def save_appointment(updated):
        appointments.schedule(
            INTAKE,
            scheduled_at,
            actor,
            invitees=[actor],
            place=place,
            at_home=at_home,
            course_id=updated.id,
        )

    return take_step(
        course,
        flow.SCHEDULE_INTAKE,
        actor,
        version,
        {"intake_scheduled_at": scheduled_at},
        save_appointment,
        detail=meeting_detail(standing, scheduled_at),
    )


def cancel_intake(course, actor, version):
    """The intake is off: back to "contact made", and a cancellation to whoever was invited."""
    standing = appointments.live(INTAKE, course_id=course.id)

    def cancel_appointment(updated):
        appointments.cancel_course_meetings(updated.id, kinds=(INTAKE,))

    return take_step(
        course,
        flow.CANCEL_INTAKE,
        actor,
        version,
        {"intake_scheduled_at": None},
        cancel_appointment,
        detail=meeting_detail(standing),
    )


def hold_intake(course, actor, version, held_on, outcome, match_facts, goals, postcode, who5):
    """The intake: its outcome, what the match needs, and the citizen's own goals and area
    (personal: kept on the citizen row, created for a so far anonymous inquiry)."""
    changes = {
        "intake_held_on": held_on,
        "intake_outcome": outcome,
        "who5_intake": _who5_if_consented(course, who5),
        **match_facts,
    }
    if outcome != "matching":
        changes["ended_on"] = held_on
    personal = {k: v for k, v in (("goals", goals), ("postcode", postcode)) if v}

    def save_personal(updated):
        if personal:
            _save_citizen_fields(updated, personal)
        # Held before the day it was set for: that calendar entry is cancelled.
        appointments.cancel_course_meetings(updated.id, kinds=(INTAKE,), held_on=held_on)

    return take_step(
        course, flow.HOLD_INTAKE, actor, version, changes, save_personal, outcome=outcome
    )


def propose(course, actor, version, volunteer_id, today=None):
    """Propose a volunteer; refused (ProposalRefused) when they cannot take the course now."""
    refused = corps.refusals_for(volunteer_id, today)
    if refused:
        raise ProposalRefused(tuple(refused))

    def create_proposal(updated):
        Proposal.create(course=updated.id, volunteer=volunteer_id, proposed_by=actor)
        notices.proposed(updated.id, volunteer_id)

    return take_step(course, flow.PROPOSE, actor, version, after=create_proposal)


def _end_open_proposals(status):
    def end(updated):
        (
            Proposal.update(status=status, answered_at=now())
            .where((Proposal.course == updated.id) & Proposal.status.in_(ProposalStatus.OPEN))
            .execute()
        )

    return end


def retract(course, actor, version):
    return take_step(
        course, flow.RETRACT, actor, version, after=_end_open_proposals(ProposalStatus.RETRACTED)
    )


def answer_proposal(proposal, course, actor, version, accept, reason=None):
    """The proposed volunteer's yes (on to the match meeting) or no thank you (with why)."""

    def record_answer(updated):
        (
            Proposal.update(
                status=ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED,
                answered_at=now(),
                decline_reason=None if accept else reason,
            )
            .where(Proposal.id == proposal.id)
            .execute()
        )
        notices.proposal_answered(proposal, accept)

    action = flow.ACCEPT if accept else flow.DECLINE
    return take_step(course, action, actor, version, after=record_answer)


def _accepted_proposal(course):
    return (
        Proposal.select()
        .where((Proposal.course == course.id) & (Proposal.status == ProposalStatus.ACCEPTED))
        .order_by(Proposal.id.desc())
        .first()
    )


def scheduled_meetings(course, proposals=None):
    """The course's intake and match meeting as they stand in people's calendars (not
    cancelled; the match meeting of the proposal now accepted): {kind: Appointment}.
    `proposals`, every proposal of the course when the caller has them, saves looking up the
    accepted one."""
    found = {}
    intake = appointments.live(INTAKE, course_id=course.id)
    if intake is not None:
        found[INTAKE] = intake
    if proposals is None:
        proposal = _accepted_proposal(course)
    else:
        accepted = [p for p in proposals if p.status == ProposalStatus.ACCEPTED]
        proposal = max(accepted, key=lambda p: p.id, default=None)
    if proposal is not None:
        meeting = appointments.live(MATCH_MEETING, course_id=course.id, proposal_id=proposal.id)
        if meeting is not None:
            found[MATCH_MEETING] = meeting
    return found


def schedule_match_meeting(course, actor, version, starts_at, place=None, at_home=False):
    """Schedule the match meeting with the volunteer who said yes, or move it; the invitation
    goes to the coordinator and to the volunteer. The stage stays: the meeting decides."""
    proposal = _accepted_proposal(course)
    if proposal is None:  # only in a stage the flow refuses anyway
        raise flow.StepRefused(flow.SCHEDULE_MATCH_MEETING, course.stage)
    standing = appointments.live(MATCH_MEETING, course_id=course.id, proposal_id=proposal.id)

    def save_appointment(updated):
        appointments.schedule(
            MATCH_MEETING,
            starts_at,
            actor,
            invitees=[actor, proposal.volunteer_id],
            place=place,
            at_home=at_home,
            course_id=updated.id,
            proposal_id=proposal.id,
        )

    return take_step(
        course,
        flow.SCHEDULE_MATCH_MEETING,
        actor,
        version,
        after=save_appointment,
        detail=meeting_detail(standing, starts_at),
    )


def cancel_match_meeting(course, actor, version):
    """Cancel the scheduled match meeting (the stage stays: a new one can be set)."""
    proposal = _accepted_proposal(course)
    standing = proposal and appointments.live(
        MATCH_MEETING, course_id=course.id, proposal_id=proposal.id
    )

    def cancel_appointment(updated):
        appointments.cancel(standing)

    return take_step(
        course,
        flow.CANCEL_MATCH_MEETING,
        actor,
        version,
        after=cancel_appointment,
        detail=meeting_detail(standing),
        scheduled=standing is not None,
    )


def hold_match_meeting(
    course,
    actor,
    version,
    meeting_on,
    citizen_yes,
    volunteer_yes,
    frequency=None,
    expected_end_on=None,
    expected_weeks=13,
):
    """The three-way meeting: both yes starts the course with the accepted volunteer (ending
    `expected_weeks` after the meeting unless a date is given); any no goes back to matching."""
    proposal = _accepted_proposal(course)
    if proposal is None:  # only in a stage the flow refuses anyway
        raise flow.StepRefused(flow.MATCH_MEETING_HELD, course.stage)
    matched = citizen_yes and volunteer_yes
    changes = {}
    if matched:
        changes = {
            "volunteer": proposal.volunteer_id,
            "started_on": meeting_on,
            "frequency": frequency,
            "expected_end_on": expected_end_on or meeting_on + timedelta(weeks=expected_weeks),
        }

    def record_meeting(updated):
        (
            Proposal.update(
                meeting_on=meeting_on,
                citizen_yes=citizen_yes,
                volunteer_yes=volunteer_yes,
                status=ProposalStatus.MATCHED if matched else ProposalStatus.NOT_MATCHED,
            )
            .where(Proposal.id == proposal.id)
            .execute()
        )
        appointments.cancel_course_meetings(updated.id, kinds=(MATCH_MEETING,), held_on=meeting_on)

    facts = {"citizen_yes": citizen_yes, "volunteer_yes": volunteer_yes}
    return take_step(
        course, flow.MATCH_MEETING_HELD, actor, version, changes, record_meeting, **facts
    )


def close(
    course, actor, version, ended_on, goals_met, needs_more_support, follow_on_offers, offer_ids
):
    """Close the course, bridging the citizen to the directory offers `offer_ids`."""
    changes = {
        "ended_on": ended_on,
        "goals_met": goals_met,
        "needs_more_support": needs_more_support,
        "follow_on_offers": follow_on_offers,
    }

    def link_offers(updated):
        for offer_id in dict.fromkeys(offer_ids):
            OfferLink.create(course=updated.id, offer=offer_id, linked_on=ended_on)

    return take_step(course, flow.CLOSE, actor, version, changes, link_offers)


def follow_up(
    course,
    actor,
    version,
    followed_up_on,
    felt_heard,
    quality_of_life,
    follow_on_contact,
    who5=None,
    went=None,
):
    """The follow-up call. `went`: {offer id: whether the citizen went} for the offers the
    course was bridged to (None when it was bridged to none)."""
    changes = {
        "followed_up_on": followed_up_on,
        "felt_heard": felt_heard,
        "quality_of_life": quality_of_life,
        "follow_on_contact": follow_on_contact,
        "who5_follow_up": _who5_if_consented(course, who5),
    }

    def record_went(updated):
        for went_there in (True, False):
            offer_ids = [offer for offer, value in (went or {}).items() if value is went_there]
            if offer_ids:
                OfferLink.update(went=went_there).where(
                    (OfferLink.course == updated.id) & OfferLink.offer.in_(offer_ids)
                ).execute()

    return take_step(course, flow.FOLLOW_UP, actor, version, changes, record_went)


def withdraw(course, actor, version, withdrawn_on):
    """The citizen withdraws: open proposals end, and meetings still ahead are cancelled."""
    end_proposals = _end_open_proposals(ProposalStatus.RETRACTED)

    def end(updated):
        end_proposals(updated)
        appointments.cancel_course_meetings(updated.id)

    return take_step(course, flow.WITHDRAW, actor, version, {"ended_on": withdrawn_on}, end)


# The coordinator's steps, by action (the volunteer answers a proposal: `answer_proposal`).
COORDINATOR_STEPS = {
    flow.FIRST_CONTACT: first_contact,
    flow.SCHEDULE_INTAKE: schedule_intake,
    flow.CANCEL_INTAKE: cancel_intake,
    flow.HOLD_INTAKE: hold_intake,
    flow.PROPOSE: propose,
    flow.RETRACT: retract,
    flow.SCHEDULE_MATCH_MEETING: schedule_match_meeting,
    flow.CANCEL_MATCH_MEETING: cancel_match_meeting,
    flow.MATCH_MEETING_HELD: hold_match_meeting,
    flow.CLOSE: close,
    flow.FOLLOW_UP: follow_up,
    flow.WITHDRAW: withdraw,
}


def _save_citizen_fields(course, personal):
    """Personal fields on the course's citizen row, created for an anonymous inquiry."""
    if course.citizen_id:
        Citizen.update(**personal).where(Citizen.id == course.citizen_id).execute()
    else:
        citizen = Citizen.create(**personal)
        Course.update(citizen=citizen).where(Course.id == course.id).execute()
