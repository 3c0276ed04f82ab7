"""Writes one demo course and its timeline, step by step, with the dates its story gives."""

from datetime import datetime, time, timedelta

from trivsel.core.workdays import is_working_day, working_days_between
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal


def working_days_before(day, n):
    while n:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


class Story:
    """Writes one course and its timeline, step by step, with the dates the story gives."""

    def __init__(self, coordinator, received, citizen=None, **facts):
        self.coordinator = coordinator
        self.course = Course.create(
            citizen=Citizen.create(**citizen) if citizen else None,
            stage=flow.NEW,
            received_on=received,
            **facts,
        )
        self.event("inquiry", received)

    def event(self, action, day, actor=None):
        CourseEvent.create(
            course=self.course,
            action=action,
            stage=self.course.stage,
            actor=actor or self.coordinator,
            at=datetime.combine(day, time(10, 0)),
        )

    def step(self, action, day, actor=None, **changes):
        for name, value in changes.items():
            setattr(self.course, name, value)
        self.course.save()
        self.event(action, day, actor)
        return self

    def first_contact(self, day):
        waited = working_days_between(self.course.received_on, day)
        return self.step(
            flow.FIRST_CONTACT,
            day,
            stage=flow.CONTACTED,
            first_contact_on=day,
            first_contact_working_days=waited,
        )

    def intake(self, contacted, held, outcome="matching"):
        self.first_contact(contacted)
        stage = flow.INTAKE_OUTCOMES[outcome]
        changes = {"intake_held_on": held, "intake_outcome": outcome}
        if outcome != "matching":
            changes["ended_on"] = held
        return self.step(flow.HOLD_INTAKE, held, stage=stage, **changes)

    def propose(self, volunteer, day, answer=None, answered=None, reason=None):
        proposal = Proposal.create(
            course=self.course,
            volunteer=volunteer,
            proposed_by=self.coordinator,
            proposed_at=datetime.combine(day, time(11, 0)),
        )
        self.step(flow.PROPOSE, day, stage=flow.PROPOSED)
        if answer:
            proposal.status = (
                ProposalStatus.ACCEPTED if answer == "accept" else ProposalStatus.DECLINED
            )
            proposal.answered_at = datetime.combine(answered, time(18, 0))
            proposal.decline_reason = reason
            proposal.save()
            action, stage = (
                (flow.ACCEPT, flow.MATCH_MEETING)
                if answer == "accept"
                else (flow.DECLINE, flow.MATCHING)
            )
            self.step(action, answered, actor=volunteer, stage=stage)
        return proposal

    def match(self, proposal, day, frequency="one_or_two", weeks=13):
        proposal.meeting_on, proposal.citizen_yes, proposal.volunteer_yes = day, True, True
        proposal.status = ProposalStatus.MATCHED
        proposal.save()
        return self.step(
            flow.MATCH_MEETING_HELD,
            day,
            stage=flow.ACTIVE,
            volunteer=proposal.volunteer,
            started_on=day,
            frequency=frequency,
            expected_end_on=day + timedelta(weeks=weeks),
        )

    def conversations(self, first, every_days, count, mode):
        volunteer = self.course.volunteer
        Conversation.insert_many(
            [
                {
                    "course": self.course.id,
                    "held_on": first + timedelta(days=every_days * i),
                    "mode": mode(i) if callable(mode) else mode,
                    "logged_by": volunteer.id,
                }
                for i in range(count)
            ]
        ).execute()
        return self

    def close(self, day, goals_met="yes", more_support=False, offers=None):
        return self.step(
            flow.CLOSE,
            day,
            stage=flow.CLOSED,
            ended_on=day,
            goals_met=goals_met,
            needs_more_support=more_support,
            follow_on_offers=offers,
        )
