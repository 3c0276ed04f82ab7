"""Drive courses through the flow over HTTP, as the coordinator and volunteers would."""

from datetime import date, timedelta

from trivsel.courses import flow
from trivsel.courses.models import Course, Proposal

PATH_TO = {
    flow.NEW: [],
    flow.CONTACTED: [flow.FIRST_CONTACT],
    flow.INTAKE_SCHEDULED: [flow.FIRST_CONTACT, flow.SCHEDULE_INTAKE],
    flow.MATCHING: [flow.FIRST_CONTACT, flow.SCHEDULE_INTAKE, flow.HOLD_INTAKE],
    flow.PROPOSED: [flow.FIRST_CONTACT, flow.SCHEDULE_INTAKE, flow.HOLD_INTAKE, flow.PROPOSE],
}
PATH_TO[flow.MATCH_MEETING] = PATH_TO[flow.PROPOSED] + [flow.ACCEPT]
PATH_TO[flow.ACTIVE] = PATH_TO[flow.MATCH_MEETING] + [flow.MATCH_MEETING_HELD]
PATH_TO[flow.CLOSED] = PATH_TO[flow.ACTIVE] + [flow.CLOSE]
PATH_TO[flow.FOLLOWED_UP] = PATH_TO[flow.CLOSED] + [flow.FOLLOW_UP]


def days_ago(n):
    return (date.today() - timedelta(days=n)).isoformat()


class FlowKit:
    def __init__(self, client, auth, users):
        self.client = client
        self.auth = auth
        self.users = users

    def as_(self, role):
        self.auth.logout()
        self.auth.login(self.users[role])

    def inquiry(self, **overrides):
        data = {
            "received_on": days_ago(30),
            "channel": "phone",
            "initiated_by": "citizen",
            "branch": "main",
            "name": "Gerda",
            "phone": "75 55 66 77",
            "birth_year": "1945",
            "target_group": "senior",
        }
        data.update(overrides)
        response = self.client.post("/inquiries/new", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def default_fields(self, action):
        volunteer = self.users["volunteer"]
        return {
            flow.FIRST_CONTACT: {"contacted_on": days_ago(29)},
            flow.SCHEDULE_INTAKE: {"scheduled_at": f"{days_ago(27)}T10:00"},
            flow.HOLD_INTAKE: {
                "held_on": days_ago(27),
                "goals": "Gå i Føtex selv",
                "outcome": "matching",
            },
            flow.PROPOSE: {"volunteer": str(volunteer.id)},
            flow.MATCH_MEETING_HELD: {
                "meeting_on": days_ago(20),
                "citizen_yes": "yes",
                "volunteer_yes": "yes",
                "frequency": "one_or_two",
            },
            flow.CLOSE: {
                "ended_on": days_ago(3),
                "goals_met": "yes",
                "needs_more_support": "no",
                "follow_on_offers": "Ældresagen: gåhold",
            },
            flow.FOLLOW_UP: {
                "followed_up_on": days_ago(1),
                "felt_heard": "yes",
                "quality_of_life": "better",
                "follow_on_contact": "yes",
            },
            flow.WITHDRAW: {"withdrawn_on": days_ago(1)},
            flow.RETRACT: {},
        }[action]

    def step(self, course_id, action, version=None, headers=None, **fields):
        """POST a coordinator step; fields are given without the form prefix."""
        data = dict(self.default_fields(action))
        data.update(fields)
        if version is None:
            version = Course.get_by_id(course_id).version
        data["version"] = version
        prefixed = {f"{action}-{name}": value for name, value in data.items() if value is not None}
        return self.client.post(
            f"/courses/{course_id}/steps/{action}", data=prefixed, headers=headers or {}
        )

    def answer(self, course_id, answer="accept", reason="", role="volunteer"):
        """The proposed volunteer answers (log in as them first)."""
        proposal = (
            Proposal.select()
            .where((Proposal.course == course_id) & (Proposal.status == "pending"))
            .get()
        )
        return self.client.post(
            f"/me/proposals/{proposal.id}/answer",
            data={
                "answer": answer,
                "reason": reason,
                "version": Course.get_by_id(course_id).version,
            },
        )

    def to(self, stage, **inquiry):
        """A new course taken to `stage`; leaves the coordinator logged in."""
        self.as_("coordinator")
        course_id = self.inquiry(**inquiry)
        for action in PATH_TO[stage]:
            if action == flow.ACCEPT:
                self.as_("volunteer")
                response = self.answer(course_id)
                self.as_("coordinator")
            else:
                response = self.step(course_id, action)
            assert response.status_code in (200, 303), (action, response.get_data(as_text=True))
        assert Course.get_by_id(course_id).stage == stage
        return course_id
