"""The flow as a pure function: every action from every stage, allowed or refused."""

import pytest

from trivsel.courses import flow
from trivsel.courses.flow import StepRefused, allowed_actions, next_stage

# (stage, action, facts, expected stage)
ALLOWED = [
    (flow.NEW, flow.FIRST_CONTACT, {}, flow.CONTACTED),
    (flow.CONTACTED, flow.SCHEDULE_INTAKE, {}, flow.INTAKE_SCHEDULED),
    (flow.INTAKE_SCHEDULED, flow.SCHEDULE_INTAKE, {}, flow.INTAKE_SCHEDULED),
    (flow.INTAKE_SCHEDULED, flow.CANCEL_INTAKE, {}, flow.CONTACTED),
    (flow.CONTACTED, flow.HOLD_INTAKE, {"outcome": "matching"}, flow.MATCHING),
    (flow.INTAKE_SCHEDULED, flow.HOLD_INTAKE, {"outcome": "matching"}, flow.MATCHING),
    (
        flow.INTAKE_SCHEDULED,
        flow.HOLD_INTAKE,
        {"outcome": "referred_elsewhere"},
        flow.REFERRED_ELSEWHERE,
    ),
    (flow.INTAKE_SCHEDULED, flow.HOLD_INTAKE, {"outcome": "declined"}, flow.DECLINED),
    (flow.INTAKE_SCHEDULED, flow.HOLD_INTAKE, {"outcome": "withdrawn"}, flow.WITHDRAWN),
    (flow.MATCHING, flow.PROPOSE, {}, flow.PROPOSED),
    (flow.PROPOSED, flow.ACCEPT, {}, flow.MATCH_MEETING),
    (flow.PROPOSED, flow.DECLINE, {}, flow.MATCHING),
    (flow.PROPOSED, flow.RETRACT, {}, flow.MATCHING),
    (flow.MATCH_MEETING, flow.SCHEDULE_MATCH_MEETING, {}, flow.MATCH_MEETING),
    (flow.MATCH_MEETING, flow.CANCEL_MATCH_MEETING, {"scheduled": True}, flow.MATCH_MEETING),
    (
        flow.MATCH_MEETING,
        flow.MATCH_MEETING_HELD,
        {"citizen_yes": True, "volunteer_yes": True},
        flow.ACTIVE,
    ),
    (
        flow.MATCH_MEETING,
        flow.MATCH_MEETING_HELD,
        {"citizen_yes": False, "volunteer_yes": True},
        flow.MATCHING,
    ),
    (
        flow.MATCH_MEETING,
        flow.MATCH_MEETING_HELD,
        {"citizen_yes": True, "volunteer_yes": False},
        flow.MATCHING,
    ),
    (flow.ACTIVE, flow.CLOSE, {}, flow.CLOSED),
    (flow.CLOSED, flow.FOLLOW_UP, {}, flow.FOLLOWED_UP),
] + [(stage, flow.WITHDRAW, {}, flow.WITHDRAWN) for stage in flow.ALLOWED_FROM[flow.WITHDRAW]]


@pytest.mark.parametrize("stage, action, facts, expected", ALLOWED)
def test_allowed_steps(stage, action, facts, expected):
    assert next_stage(stage, action, **facts) == expected


def _refused_pairs():
    for stage in flow.STAGES:
        for action in flow.ACTIONS:
            if stage not in flow.ALLOWED_FROM[action]:
                yield stage, action


@pytest.mark.parametrize("stage, action", list(_refused_pairs()))
def test_every_other_step_is_refused(stage, action):
    with pytest.raises(StepRefused) as refused:
        next_stage(stage, action, outcome="matching", citizen_yes=True, volunteer_yes=True)
    assert refused.value.reason == "stage"
    assert refused.value.stage == stage


def test_nothing_follows_an_ended_course():
    for stage in (flow.FOLLOWED_UP, flow.REFERRED_ELSEWHERE, flow.DECLINED, flow.WITHDRAWN):
        assert allowed_actions(stage) == []


def test_an_active_course_cannot_be_withdrawn_only_closed():
    assert allowed_actions(flow.ACTIVE) == [flow.CLOSE]


def test_intake_needs_a_known_outcome():
    with pytest.raises(StepRefused) as refused:
        next_stage(flow.CONTACTED, flow.HOLD_INTAKE, outcome="maybe")
    assert refused.value.reason == "outcome"


def test_match_meeting_needs_both_answers():
    with pytest.raises(StepRefused) as refused:
        next_stage(flow.MATCH_MEETING, flow.MATCH_MEETING_HELD, citizen_yes=True)
    assert refused.value.reason == "answers"


def test_cancelling_a_match_meeting_needs_one_scheduled():
    with pytest.raises(StepRefused) as refused:
        next_stage(flow.MATCH_MEETING, flow.CANCEL_MATCH_MEETING, scheduled=False)
    assert refused.value.reason == "not_scheduled"


def test_meetings_are_scheduled_moved_and_cancelled_without_leaving_their_stage():
    assert allowed_actions(flow.INTAKE_SCHEDULED) == [
        flow.SCHEDULE_INTAKE,
        flow.CANCEL_INTAKE,
        flow.HOLD_INTAKE,
        flow.WITHDRAW,
    ]
    assert allowed_actions(flow.MATCH_MEETING) == [
        flow.SCHEDULE_MATCH_MEETING,
        flow.CANCEL_MATCH_MEETING,
        flow.MATCH_MEETING_HELD,
        flow.WITHDRAW,
    ]
    # Nothing is cancelled that was never scheduled: no cancel before the intake is set.
    assert flow.CANCEL_INTAKE not in allowed_actions(flow.CONTACTED)


def test_unknown_action_is_refused():
    with pytest.raises(StepRefused) as refused:
        next_stage(flow.NEW, "teleport")
    assert refused.value.reason == "unknown_action"


def test_every_queue_stage_is_a_stage():
    for _, stages in flow.QUEUES:
        assert set(stages) <= set(flow.STAGES)
