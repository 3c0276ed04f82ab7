"""What sends what: each trigger queues its message to the right people, once, in the
transaction of the change (a step that rolls back queues nothing), and the reminders scan
reads a fixed number of queries however many courses it looks at."""

from datetime import date, timedelta

import pytest
from conftest import make_user, statements
from flowkit import days_ago

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.core.workdays import is_working_day
from trivsel.corps.models import VolunteerProfile
from trivsel.courses import flow, notices, service, steps
from trivsel.courses.models import Course, Proposal
from trivsel.cover.service import start_cover
from trivsel.demo.story import working_days_before
from trivsel.notifications import reminders
from trivsel.notifications.models import NotificationPreference, OutboxMessage
from trivsel.referrals.models import Referral

TODAY = date.today()


@pytest.fixture
def plugins_dir():
    """The partner plugins, for the referrals."""
    return ROOT / "plugins"


@pytest.fixture
def anne(app, users):
    """A second coordinator."""
    with app.app_context():
        return make_user("coordinator", "Anne Dahl")


def sent(kind=None):
    """{(kind, user id), ...} of the messages queued."""
    query = OutboxMessage.select()
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return sorted((m.kind, m.user_id) for m in query)


def messages(kind):
    return list(OutboxMessage.select().where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))


def register(app, actor, **facts):
    """A new inquiry through the service, by `actor` (a user id)."""
    values = {"received_on": TODAY, "channel": "phone", "initiated_by": "citizen"}
    values.update(facts)
    with app.app_context():
        course, _created = service.register_inquiry(actor, {"name": "Gerda"}, **values)
    return course


def refer(kit, users, **fields):
    """A referral from the rehabilitation department, as its partner user."""
    User.update(organisation="rehabilitation").where(User.id == users["partner"].id).execute()
    kit.as_("partner")
    data = {
        "referrer_name": "Susanne Berg",
        "referrer_department": "Genoptræningen",
        "referrer_phone": "72 10 60 00",
        "citizen_name": "Gerda Hansen",
        "citizen_phone": "75 55 66 77",
        "first_call": "scheme",
        "share_contact": "y",
        "municipal_course_ends_on": days_ago(-14),
    } | fields
    response = kit.client.post("/referrals/rehabilitation", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    referral = Referral.select().order_by(Referral.id.desc()).get()
    # Received a month ago, so the flow kit's dates for the steps come after it.
    Course.update(received_on=days_ago(30)).where(Course.id == referral.course_id).execute()
    return referral


# --- New inquiries and referrals --------------------------------------------------------------


def test_a_new_inquiry_goes_to_the_other_coordinators_on_duty(kit, users, anne):
    kit.as_("coordinator")
    course_id = kit.inquiry()
    # The coordinator who registered it knows; the other one is told.
    assert sent() == [("new_inquiry", anne.id)]
    (message,) = messages("new_inquiry")
    assert message.course_id == course_id
    assert f"forløb nr. {course_id}" in message.subject
    assert f"/courses/{course_id}" in message.body
    assert "Gerda" not in message.subject + message.body


def test_while_a_cover_is_set_the_away_coordinator_gets_nothing(app, users, anne):
    birgit, admin = users["coordinator"], users["admin"]
    carl = make_user("coordinator", "Carl Berg")
    inactive = make_user("coordinator", "Ib Gammel", active=False)
    start_cover(anne.id, carl.id, TODAY - timedelta(days=1), TODAY + timedelta(days=6))
    start_cover(birgit.id, carl.id, TODAY + timedelta(days=1), TODAY + timedelta(days=6))
    start_cover(carl.id, anne.id, TODAY - timedelta(days=9), TODAY - timedelta(days=1))
    register(app, admin.id)
    # Anne is away (Carl covers); Birgit's cover has not started, Carl's has ended.
    assert {user for _kind, user in sent("new_inquiry")} == {birgit.id, carl.id}
    assert inactive.id not in {user for _kind, user in sent()}


def test_when_every_coordinator_is_away_they_all_get_it(app, users, anne):
    birgit = users["coordinator"]
    start_cover(anne.id, birgit.id, TODAY, TODAY)
    start_cover(birgit.id, anne.id, TODAY, TODAY)
    register(app, users["admin"].id)
    assert {user for _kind, user in sent("new_inquiry")} == {birgit.id, anne.id}


def test_a_referral_tells_the_coordinators_and_the_referrer(kit, users, anne):
    referral = refer(kit, users)
    assert sent() == sorted(
        [
            ("new_referral", users["coordinator"].id),
            ("new_referral", anne.id),
            ("referral_status", users["partner"].id),
        ]
    )
    (status,) = messages("referral_status")
    assert status.subject == f"Henvisning nr. {referral.id}: Modtaget"
    assert "/referrals/" in status.body
    for message in OutboxMessage.select():
        text = message.subject + message.body
        assert "Gerda" not in text and "75 55 66 77" not in text


def test_a_coordinator_who_registers_a_referral_is_not_told(app, users, anne):
    register(app, anne.id, channel="referral", initiated_by="professional")
    assert sent() == [("new_referral", users["coordinator"].id)]


# --- The referrer's status --------------------------------------------------------------------


def test_the_referrer_hears_each_status_once(kit, users):
    referral = refer(kit, users)
    course_id = referral.course_id
    kit.as_("coordinator")
    for action in (flow.FIRST_CONTACT, flow.SCHEDULE_INTAKE, flow.HOLD_INTAKE, flow.PROPOSE):
        assert kit.step(course_id, action).status_code in (200, 303)
    kit.as_("volunteer")
    assert kit.answer(course_id).status_code == 303
    kit.as_("coordinator")
    for action in (flow.MATCH_MEETING_HELD, flow.CLOSE, flow.FOLLOW_UP):
        assert kit.step(course_id, action).status_code in (200, 303)
    statuses = [m.subject for m in messages("referral_status")]
    assert statuses == [
        f"Henvisning nr. {referral.id}: {status}"
        for status in ("Modtaget", "Første kontakt skabt", "I forløb", "Afsluttet")
    ]
    assert {m.user_id for m in messages("referral_status")} == {users["partner"].id}


def test_an_inquiry_that_is_no_referral_tells_no_referrer(kit, users):
    course_id = kit.to(flow.CONTACTED)
    assert Course.get_by_id(course_id).stage == flow.CONTACTED
    assert sent("referral_status") == []


def test_a_referral_closed_at_the_intake_is_closed_for_the_referrer(kit, users):
    referral = refer(kit, users)
    kit.as_("coordinator")
    kit.step(referral.course_id, flow.FIRST_CONTACT)
    kit.step(referral.course_id, flow.HOLD_INTAKE, outcome="referred_elsewhere")
    assert [m.subject.rsplit(": ", 1)[1] for m in messages("referral_status")] == [
        "Modtaget",
        "Første kontakt skabt",
        "Afsluttet",
    ]


# --- Proposals --------------------------------------------------------------------------------


def test_a_proposal_tells_the_volunteer(kit, users):
    course_id = kit.to(flow.PROPOSED)
    (message,) = messages("proposal")
    assert message.user_id == users["volunteer"].id
    assert str(course_id) in message.body and "/me/" in message.body


def test_a_no_thank_you_tells_the_proposer_without_the_reason(kit, users, anne):
    course_id = kit.to(flow.PROPOSED)
    kit.as_("volunteer")
    reason = "Jeg kender hendes datter fra arbejdet"
    assert kit.answer(course_id, "decline", reason).status_code == 303
    (message,) = messages("proposal_answered")
    assert message.user_id == users["coordinator"].id  # who proposed, not Anne
    assert "nej tak" in message.subject and "Mona Jensen" in message.body
    assert "datter" not in message.subject + message.body
    assert f"/courses/{course_id}" in message.body


def test_a_yes_tells_the_proposer_or_who_covers_for_them(kit, users, anne):
    course_id = kit.to(flow.PROPOSED)
    start_cover(users["coordinator"].id, anne.id, TODAY, TODAY + timedelta(days=3))
    kit.as_("volunteer")
    assert kit.answer(course_id).status_code == 303
    (message,) = messages("proposal_answered")
    assert message.user_id == anne.id
    assert message.subject.endswith(": ja")


def test_an_answer_to_a_coordinator_who_left_reaches_those_on_duty(kit, users, anne):
    course_id = kit.to(flow.PROPOSED)
    User.update(active=False).where(User.id == users["coordinator"].id).execute()
    kit.as_("volunteer")
    assert kit.answer(course_id).status_code == 303
    assert [m.user_id for m in messages("proposal_answered")] == [anne.id]


# --- Once, and only what commits --------------------------------------------------------------


def test_a_rolled_back_step_queues_nothing(app, kit, users, monkeypatch):
    course_id = kit.to(flow.MATCHING)
    before = OutboxMessage.select().count()

    def fail(*args):
        raise RuntimeError("the disk is full")

    # The step queues the proposal message, then fails later in the same transaction.
    monkeypatch.setattr(steps.referral_notices, "stage_changed", fail)
    course = Course.get_by_id(course_id)
    with app.app_context(), pytest.raises(RuntimeError):
        steps.propose(course, users["coordinator"].id, course.version, users["volunteer"].id)
    assert OutboxMessage.select().count() == before
    assert Proposal.select().where(Proposal.course == course_id).count() == 0


def test_a_rolled_back_inquiry_queues_nothing(app, users, anne, monkeypatch):
    original = notices.inquiry_registered

    def queue_then_fail(course, actor):
        assert original(course, actor)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service.notices, "inquiry_registered", queue_then_fail)
    with pytest.raises(RuntimeError):
        register(app, users["admin"].id)
    assert (OutboxMessage.select().count(), Course.select().count()) == (0, 0)


def test_a_stale_answer_queues_nothing(app, kit, users):
    course_id = kit.to(flow.PROPOSED)
    before = sent()
    proposal = Proposal.get(Proposal.course == course_id)
    course = Course.get_by_id(course_id)
    with app.app_context(), pytest.raises(steps.Conflict):
        steps.answer_proposal(proposal, course, users["volunteer"].id, course.version - 1, True)
    assert sent() == before


def test_a_double_submitted_inquiry_tells_once(app, users, anne):
    with app.app_context():
        for _ in range(2):
            service.register_inquiry(
                users["admin"].id,
                {"name": "Gerda"},
                submission_key="same-key",
                received_on=TODAY,
                channel="phone",
                initiated_by="citizen",
            )
    assert len(sent("new_inquiry")) == 2  # Birgit and Anne, once each


def test_a_kind_turned_off_is_not_queued(kit, users, anne):
    NotificationPreference.create(user=anne.id, kind="new_inquiry", channel="off")
    kit.as_("coordinator")
    kit.inquiry()
    assert sent() == []


# --- The reminders scan -----------------------------------------------------------------------


def waiting(app, users, working_days):
    """An inquiry received `working_days` working days ago, still waiting for first contact."""
    return register(app, users["admin"].id, received_on=working_days_before(TODAY, working_days))


def remind(app, today=TODAY, flag_after=2):
    with app.app_context():
        return reminders.remind(today, flag_after=flag_after)


def test_an_inquiry_past_the_flag_is_told_once_to_the_coordinators_on_duty(app, users, anne):
    late = waiting(app, users, 3)
    on_the_flag = waiting(app, users, 2)  # not yet
    contacted = waiting(app, users, 5)
    with app.app_context():
        steps.first_contact(contacted, users["coordinator"].id, contacted.version, TODAY)
    start_cover(anne.id, users["coordinator"].id, TODAY, TODAY)
    OutboxMessage.delete().execute()
    assert remind(app)["first_contact_overdue"] == 1
    (message,) = messages("first_contact_overdue")
    assert (message.user_id, message.course_id) == (users["coordinator"].id, late.id)
    assert "3 arbejdsdage" in message.body
    assert message.dedupe_key == f"first_contact_overdue:{late.id}:{users['coordinator'].id}"
    # Once: not again the next hour, nor after the cover ends (when the one on the flag is
    # past it, to both coordinators).
    assert remind(app)["first_contact_overdue"] == 0
    next_working_day = TODAY + timedelta(days=1)
    while not is_working_day(next_working_day):
        next_working_day += timedelta(days=1)
    assert remind(app, next_working_day)["first_contact_overdue"] == 2
    assert sorted((m.course_id, m.user_id) for m in messages("first_contact_overdue")) == [
        (late.id, users["coordinator"].id),
        (on_the_flag.id, users["coordinator"].id),
        (on_the_flag.id, anne.id),
    ]


def test_imported_history_waiting_for_contact_is_not_reminded_of(app, users):
    old = waiting(app, users, 10)
    Course.update(ref="2019-17").where(Course.id == old.id).execute()
    assert remind(app)["first_contact_overdue"] == 0


def test_a_quiet_course_reminds_its_volunteer_once_per_quiet_period(app, kit, users):
    course_id = kit.to(flow.ACTIVE)  # started 20 days ago, no conversation
    volunteer = users["volunteer"]
    assert remind(app)["quiet_course"] == 0
    assert remind(app, TODAY + timedelta(days=1))["quiet_course"] == 1
    (message,) = messages("quiet_course")
    assert (message.user_id, message.course_id) == (volunteer.id, course_id)
    assert "3 uger" in message.body and "/me/" in message.body
    # Once per quiet period: not the next day. A conversation starts a new period: three
    # quiet weeks after it, one more.
    assert remind(app, TODAY + timedelta(days=2))["quiet_course"] == 0
    service.log_conversation(Course.get_by_id(course_id), volunteer.id, TODAY, "phone")
    assert remind(app, TODAY + timedelta(days=20))["quiet_course"] == 0
    assert remind(app, TODAY + timedelta(days=21))["quiet_course"] == 1
    assert remind(app, TODAY + timedelta(days=22))["quiet_course"] == 0
    assert [m.dedupe_key for m in messages("quiet_course")] == [
        f"quiet:{course_id}:{days_ago(20)}:{volunteer.id}",
        f"quiet:{course_id}:{TODAY.isoformat()}:{volunteer.id}",
    ]


def test_a_closed_course_is_not_quiet(app, kit):
    kit.to(flow.CLOSED)
    assert remind(app, TODAY + timedelta(days=60))["quiet_course"] == 0


def test_the_reminders_scan_runs_a_fixed_number_of_queries(app, kit, users, anne):
    """One query per scan for the candidates and none per course, and the queueing in a
    fixed number of statements too: the same count for 2 courses due as for 12 (to two
    coordinators each), and for a repeat scan when all were reminded."""

    def count_queries(day):
        with statements() as executed:
            queued = remind(app, day)
        return len(executed), queued

    day = TODAY + timedelta(days=1)

    VolunteerProfile.update(capacity=20).execute()

    def add_due(count=1):
        for _ in range(count):
            kit.to(flow.ACTIVE)  # quiet by `day`
            waiting(app, users, 4)
        OutboxMessage.delete().execute()  # what getting there queued; no reminder yet

    add_due()
    few, queued = count_queries(day)
    assert queued == {"first_contact_overdue": 2, "quiet_course": 1}
    add_due(5)
    many, queued = count_queries(day)
    assert queued == {"first_contact_overdue": 12, "quiet_course": 6}
    assert many == few
    assert len(messages("first_contact_overdue")) == 12 and len(messages("quiet_course")) == 6
    # A repeat scan finds nothing due, as cheaply.
    again, queued = count_queries(day)
    assert queued == {"first_contact_overdue": 0, "quiet_course": 0}
    assert again <= few


def test_the_remind_command(app, kit, runner):
    kit.to(flow.ACTIVE)
    day = (TODAY + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["outbox", "remind", "--as-of", day])
    assert result.exit_code == 0, result.output
    assert "quiet_course: 1 queued" in result.output
    result = runner.invoke(args=["outbox", "remind", "--as-of", day])
    assert "quiet_course: 0 queued" in result.output
