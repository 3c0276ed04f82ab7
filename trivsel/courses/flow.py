"""The course flow as one pure function: which step may follow which.

No Flask, no database: `next_stage(stage, action, **facts)` returns the stage a course moves to,
or raises `StepRefused`. Views and services call it before changing anything, so a step that is
not allowed changes nothing.
"""

from dataclasses import dataclass

# Stages, in the order a course normally passes them.
NEW = "new"  # inquiry received, waiting for first contact
CONTACTED = "contacted"  # first contact made, intake not yet scheduled
INTAKE_SCHEDULED = "intake_scheduled"
MATCHING = "matching"  # waiting for the coordinator to propose a volunteer
PROPOSED = "proposed"  # waiting for the volunteer's answer
MATCH_MEETING = "match_meeting"  # volunteer said yes; the three-way meeting decides
ACTIVE = "active"
CLOSED = "closed"  # ended, waiting for the follow-up call
FOLLOWED_UP = "followed_up"
# Ends before a course starts
REFERRED_ELSEWHERE = "referred_elsewhere"
DECLINED = "declined"
WITHDRAWN = "withdrawn"

STAGES = (
    NEW,
    CONTACTED,
    INTAKE_SCHEDULED,
    MATCHING,
    PROPOSED,
    MATCH_MEETING,
    ACTIVE,
    CLOSED,
    FOLLOWED_UP,
    REFERRED_ELSEWHERE,
    DECLINED,
    WITHDRAWN,
)
OPEN_STAGES = (NEW, CONTACTED, INTAKE_SCHEDULED, MATCHING, PROPOSED, MATCH_MEETING, ACTIVE)
ENDED_STAGES = (CLOSED, FOLLOWED_UP, REFERRED_ELSEWHERE, DECLINED, WITHDRAWN)

# What the intake can lead to.
INTAKE_OUTCOMES = {
    "matching": MATCHING,
    "referred_elsewhere": REFERRED_ELSEWHERE,
    "declined": DECLINED,
    "withdrawn": WITHDRAWN,
}

# Actions
FIRST_CONTACT = "first_contact"
SCHEDULE_INTAKE = "schedule_intake"
CANCEL_INTAKE = "cancel_intake"
HOLD_INTAKE = "hold_intake"
PROPOSE = "propose"
RETRACT = "retract"
ACCEPT = "accept"
DECLINE = "decline"
SCHEDULE_MATCH_MEETING = "schedule_match_meeting"
CANCEL_MATCH_MEETING = "cancel_match_meeting"
MATCH_MEETING_HELD = "match_meeting_held"
CLOSE = "close"
FOLLOW_UP = "follow_up"
WITHDRAW = "withdraw"

# action: the stages it may be taken from
ALLOWED_FROM = {
    FIRST_CONTACT: (NEW,),
    SCHEDULE_INTAKE: (CONTACTED, INTAKE_SCHEDULED),  # from INTAKE_SCHEDULED: moves it
    CANCEL_INTAKE: (INTAKE_SCHEDULED,),
    HOLD_INTAKE: (CONTACTED, INTAKE_SCHEDULED),
    PROPOSE: (MATCHING,),
    RETRACT: (PROPOSED,),
    ACCEPT: (PROPOSED,),
    DECLINE: (PROPOSED,),
    SCHEDULE_MATCH_MEETING: (MATCH_MEETING,),  # again: moves it
    CANCEL_MATCH_MEETING: (MATCH_MEETING,),  # when one is scheduled (the fact `scheduled`)
    MATCH_MEETING_HELD: (MATCH_MEETING,),
    CLOSE: (ACTIVE,),
    FOLLOW_UP: (CLOSED,),
    WITHDRAW: (NEW, CONTACTED, INTAKE_SCHEDULED, MATCHING, PROPOSED, MATCH_MEETING),
}
ACTIONS = tuple(ALLOWED_FROM)

_FIXED_TARGET = {
    FIRST_CONTACT: CONTACTED,
    SCHEDULE_INTAKE: INTAKE_SCHEDULED,
    CANCEL_INTAKE: CONTACTED,  # no intake is scheduled any more
    PROPOSE: PROPOSED,
    RETRACT: MATCHING,
    ACCEPT: MATCH_MEETING,
    DECLINE: MATCHING,
    SCHEDULE_MATCH_MEETING: MATCH_MEETING,  # the stage is "the meeting decides", so it stays
    CANCEL_MATCH_MEETING: MATCH_MEETING,
    CLOSE: CLOSED,
    FOLLOW_UP: FOLLOWED_UP,
    WITHDRAW: WITHDRAWN,
}


@dataclass(frozen=True)
class StepRefused(Exception):
    """The action may not be taken from the course's current stage (or with these facts)."""

    action: str
    stage: str
    reason: str = "stage"  # "stage", "unknown_action", "outcome", "answers", "not_scheduled"


def next_stage(
    stage, action, *, outcome=None, citizen_yes=None, volunteer_yes=None, scheduled=None
):
    """The stage a course in `stage` moves to when `action` is taken.

    :param outcome: for HOLD_INTAKE, one of INTAKE_OUTCOMES.
    :param citizen_yes, volunteer_yes: for MATCH_MEETING_HELD, each True or False.
    :param scheduled: for CANCEL_MATCH_MEETING, whether a match meeting is scheduled (the
        stage alone does not say: the volunteer's yes comes before the meeting is set).
    :raises StepRefused: when the action is unknown, not allowed from this stage, or its facts
        are missing.
    """
    if action not in ALLOWED_FROM:
        raise StepRefused(action, stage, "unknown_action")
    if stage not in ALLOWED_FROM[action]:
        raise StepRefused(action, stage)
    if action == HOLD_INTAKE:
        if outcome not in INTAKE_OUTCOMES:
            raise StepRefused(action, stage, "outcome")
        return INTAKE_OUTCOMES[outcome]
    if action == MATCH_MEETING_HELD:
        if citizen_yes is None or volunteer_yes is None:
            raise StepRefused(action, stage, "answers")
        return ACTIVE if citizen_yes and volunteer_yes else MATCHING
    if action == CANCEL_MATCH_MEETING and not scheduled:
        raise StepRefused(action, stage, "not_scheduled")
    return _FIXED_TARGET[action]


def allowed_actions(stage):
    """The actions that may be taken from `stage`, in flow order."""
    return [action for action in ACTIONS if stage in ALLOWED_FROM[action]]


class ProposalStatus:
    """Where a proposal of a volunteer for a course stands."""

    PENDING = "pending"  # waiting for the volunteer's answer
    ACCEPTED = "accepted"  # the volunteer said yes; the match meeting decides
    DECLINED = "declined"  # the volunteer said no thank you
    RETRACTED = "retracted"  # the coordinator took it back (or the citizen withdrew)
    MATCHED = "matched"  # both said yes at the match meeting
    NOT_MATCHED = "not_matched"  # a no at the match meeting
    OPEN = (PENDING, ACCEPTED)
    ALL = (PENDING, ACCEPTED, DECLINED, RETRACTED, MATCHED, NOT_MATCHED)


# The coordinator's queues on the dashboard, each a set of stages (and, for "overdue", a date
# condition the query adds).
QUEUES = (
    ("awaiting_contact", (NEW,)),
    ("intake", (CONTACTED, INTAKE_SCHEDULED)),
    ("matching", (MATCHING, PROPOSED)),
    ("match_meeting", (MATCH_MEETING,)),
    ("overdue", (ACTIVE,)),
    ("awaiting_follow_up", (CLOSED,)),
)


# --- Corrections ------------------------------------------------------------------------------

# The dates the steps record on a course, in the order they must come: the inquiry received,
# first contact, the intake held, the start (the match meeting), the end (closing, or an intake
# or withdrawal that ended it) and the follow-up call. A correction keeps that order.
CORRECTABLE_DATES = (
    "received_on",
    "first_contact_on",
    "intake_held_on",
    "started_on",
    "ended_on",
    "followed_up_on",
)
CORRECT_DATE = "correct_date"
CORRECT_CONVERSATION = "correct_conversation"
REMOVE_CONVERSATION = "remove_conversation"
MOVE_MEETING = "move_meeting"  # the detail of a schedule step that moved a standing meeting
# How long a volunteer may correct or remove a conversation they logged.
OWN_CONVERSATION_DAYS = 14


def date_order_problem(name, value, dates, today):
    """Why `value` cannot be the course's date `name` (one of CORRECTABLE_DATES), given the
    course's other `dates` ({name: date or None}): "future", "before" (an earlier step's date
    lies after it) or "after" (a later step's date lies before it); None when it fits."""
    if value > today:
        return "future"
    index = CORRECTABLE_DATES.index(name)
    for earlier in CORRECTABLE_DATES[:index]:
        if dates.get(earlier) and value < dates[earlier]:
            return "before"
    for later in CORRECTABLE_DATES[index + 1 :]:
        if dates.get(later) and value > dates[later]:
            return "after"
    return None


def may_change_conversation(role, user_id, logged_by_id, logged_at, now):
    """Whether a user may correct or remove a conversation: a coordinator any, any time; a
    volunteer only one they logged, for OWN_CONVERSATION_DAYS days after logging it."""
    if role == "coordinator":
        return True
    if role != "volunteer" or logged_by_id is None or logged_by_id != user_id:
        return False
    return (now - logged_at).total_seconds() <= OWN_CONVERSATION_DAYS * 24 * 3600
