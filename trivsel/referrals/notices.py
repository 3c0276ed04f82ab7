"""What a referring professional is told: the referral's status, as on their status page,
and nothing else (no citizen, no stage, no date). Queued in the transaction of the change.

Imports only models and the status table, so the step that changes a course's stage can call
it without importing the referrals service (which imports the courses' services)."""

from flask_babel import lazy_gettext as _l

from trivsel.core.labels import REFERRAL_STATUSES
from trivsel.notifications.kinds import kind
from trivsel.notifications.outbox import queue
from trivsel.referrals.models import Referral
from trivsel.referrals.statuses import status_of

REFERRAL_STATUS = kind(
    "referral_status",
    _l("Status for en henvisning"),
    ("partner",),
    _l("Henvisning nr. %(referral)s: %(status)s"),
    _l("Henvisning nr. %(referral)s har nu status: %(status)s."),
    link="referrals.index",
)


def referral_received(referral):
    """The referral arrived: "received", to the one who referred."""
    return _tell(referral, "received")


def stage_changed(course_id, old_stage, new_stage):
    """A step moved the course: when the referrer's status changed with it, tell them. No
    query unless the status changed."""
    status = status_of(new_stage)
    if status == status_of(old_stage):
        return []
    referral = Referral.get_or_none(Referral.course == course_id)
    if referral is None:
        return []
    return _tell(referral, status)


def _tell(referral, status):
    if referral.referred_by_id is None:
        return []
    return queue(
        REFERRAL_STATUS.key,
        [referral.referred_by_id],
        course_id=referral.course_id,
        context={"referral": referral.id, "status": REFERRAL_STATUSES[status]},
        dedupe_key=f"referral_status:{referral.id}:{status}",
    )
