"""The codes inquiries are counted by: who took the initiative, and what the inquiry led to."""

from flask_babel import lazy_gettext as _l

from trivsel.courses import flow

SOURCE_KEYS = ("citizen", "professional", "relative", "other")
OUTCOME_KEYS = ("course", "referred_elsewhere", "declined", "withdrawn", "pending")
OUTCOME_LABELS = {
    "course": _l("Forløb"),
    "referred_elsewhere": _l("Henvist andetsteds"),
    "declined": _l("Takket nej"),
    "withdrawn": _l("Trukket tilbage"),
    "pending": _l("Endnu ikke afklaret"),
}
# The stages of an inquiry not yet settled, and of one that ended at the intake: its outcome
# is the stage itself. Every other stage is a course.
PENDING_STAGES = (flow.NEW, flow.CONTACTED, flow.INTAKE_SCHEDULED)
ENDED_AT_INTAKE = (flow.REFERRED_ELSEWHERE, flow.DECLINED, flow.WITHDRAWN)


def outcome_of(stage):
    """The outcome code of an inquiry whose course is at `stage`."""
    if stage in PENDING_STAGES:
        return "pending"
    if stage in ENDED_AT_INTAKE:
        return stage
    return "course"
