"""The only statuses a referrer ever sees of a referral they made, from the course's stage.

Apart from the referrals service so that the step that changes a stage can tell the referrer
(`referrals.notices`) without importing the service, which imports the courses' services."""

from trivsel.courses import flow

STATUS_OF_STAGE = {
    flow.NEW: "received",
    flow.CONTACTED: "contacted",
    flow.INTAKE_SCHEDULED: "contacted",
    flow.MATCHING: "contacted",
    flow.PROPOSED: "contacted",
    flow.MATCH_MEETING: "contacted",
    flow.ACTIVE: "in_course",
    flow.CLOSED: "closed",
    flow.FOLLOWED_UP: "closed",
    flow.REFERRED_ELSEWHERE: "closed",
    flow.DECLINED: "closed",
    flow.WITHDRAWN: "closed",
}


def status_of(stage):
    return STATUS_OF_STAGE.get(stage, "received")
