"""No message names a citizen. On the demo (with the partner plugins), the flow is walked so
that every kind of message registered in `kinds.KINDS` is queued at least once, and no
subject, body or calendar file contains anything personal about any citizen (name, phone,
e-mail, goals, postcode, special considerations) nor a volunteer's reason for saying no
thank you. A kind nobody produces here fails the test: a new kind must be walked too."""

import re
from datetime import date, datetime, time, timedelta

import pytest

from trivsel.core.resources import CHECKOUT as ROOT
from trivsel.core.users import User
from trivsel.corps.service import refusals_for
from trivsel.courses import service, steps
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Course, Proposal
from trivsel.demo.data import DEMO_PASSWORD
from trivsel.demo.loader import load_demo
from trivsel.invitations import service as invitations
from trivsel.notifications import digest, outbox, reminders
from trivsel.notifications.kinds import KINDS
from trivsel.notifications.models import NotificationPreference, OutboxMessage
from trivsel.referrals.models import Referral
from trivsel.supervision import service as supervision

PERSONAL = ("name", "phone", "email", "goals", "postcode", "considerations")


@pytest.fixture
def plugins_dir():
    return ROOT / "plugins"


def demo_user(login):
    return User.get(User.email == f"{login}@trivsel.example")


def fresh(course_id):
    return Course.get_by_id(course_id)


def mentions(text, value):
    """Whether `text` names `value` (as a whole word, in any case: "Inge" is not in "ingen")."""
    pattern = r"(?<!\w)" + re.escape(value.strip()) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def walk(app, client, auth):
    """Everything that sends a message, once, on the demo."""
    today = date.today()
    soon = datetime.combine(today + timedelta(days=3), time(10, 0))
    with app.app_context():
        assert load_demo()
    birgit, anne, partner = demo_user("koordinator"), demo_user("anne"), demo_user("partner")
    # Anne takes the morning digest: what may wait for it is held for her.
    NotificationPreference.create(user=anne, kind=outbox.DIGEST, channel=outbox.EMAIL)

    # A referral from the rehabilitation department (new_referral, referral_status).
    auth.login(partner, DEMO_PASSWORD)
    response = client.post(
        "/referrals/rehabilitation",
        data={
            "referrer_name": "Susanne Berg",
            "referrer_department": "Genoptræningen",
            "referrer_phone": "72 10 60 00",
            "citizen_name": "Walther Nørgaard",
            "citizen_phone": "29 87 65 43",
            "first_call": "scheme",
            "share_contact": "y",
            "share_considerations": "y",
            "considerations": "Begyndende demens, hører dårligt",
            "municipal_course_ends_on": (today + timedelta(days=14)).isoformat(),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    auth.logout()
    referred = Referral.select().order_by(Referral.id.desc()).get().course_id

    with app.app_context():
        # An inquiry the coordinator registers (new_inquiry, to Anne).
        service.register_inquiry(
            birgit.id,
            {"name": "Vibeke Sand", "phone": "31 41 59 26", "email": "vibeke.sand@example.org"},
            received_on=today - timedelta(days=10),
            channel="phone",
            initiated_by="citizen",
        )
        # The referred course through the flow (referral_status, the invitations, the
        # proposal and its answer).
        steps.first_contact(fresh(referred), birgit.id, fresh(referred).version, today)
        course = fresh(referred)
        steps.schedule_intake(course, birgit.id, course.version, soon, at_home=True)
        course = fresh(referred)
        steps.hold_intake(
            course,
            birgit.id,
            course.version,
            today,
            "matching",
            {},
            "Gå tur med rollatoren til Føtex og mødes med naboerne",
            "7000",
            None,
        )
        volunteers = User.select().where(User.role == "volunteer").order_by(User.id)
        volunteer = next(v for v in volunteers if not refusals_for(v.id))
        course = fresh(referred)
        steps.propose(course, birgit.id, course.version, volunteer.id)
        proposal = Proposal.get(
            (Proposal.course == referred) & (Proposal.status == ProposalStatus.PENDING)
        )
        course = fresh(referred)
        steps.answer_proposal(proposal, course, volunteer.id, course.version, True)
        course = fresh(referred)
        steps.schedule_match_meeting(
            course, birgit.id, course.version, soon + timedelta(days=1), place="Kaffestuen"
        )
        course = fresh(referred)
        steps.hold_match_meeting(course, birgit.id, course.version, today, True, True)
        # Søren's proposal waits for Poul, who says no thank you, with a reason that speaks
        # of the citizen (proposal_answered must not carry it).
        waiting = Proposal.get(Proposal.status == ProposalStatus.PENDING)
        course = fresh(waiting.course_id)
        steps.answer_proposal(
            waiting,
            course,
            waiting.volunteer_id,
            course.version,
            False,
            reason="Søren minder mig om min bror, der også har angst",
        )
        # Gerda, referred by the same department, closes (referral_status "closed").
        gerda = Referral.get(Referral.course != referred).course_id
        course = fresh(gerda)
        steps.close(course, birgit.id, course.version, today, "yes", False, None, [])
        # A group meeting (the invitations and the reminder the day before).
        supervision.create_series(soon, 1, "Frivilligcentret", birgit.id)
        # The hourly scan a month ahead: inquiries waiting too long, quiet courses.
        reminders.remind(today + timedelta(days=30))
        # The morning digest of Anne's held messages, and the admin's test message.
        morning = datetime.combine(today + timedelta(days=1), time(app.config["DIGEST_HOUR"]))
        assert digest.gather(morning) == 1
        outbox.queue_to_address("test", "admin@trivsel.example")
        # The account mails: an invitation and a password reset.
        invitations.invite(demo_user("admin"), "Ny Kollega", "ny@trivsel.example", "coordinator")
        invitations.request_reset("mona@trivsel.example")


def test_no_message_of_any_kind_names_a_citizen(app, client, auth):
    walk(app, client, auth)
    produced = {kind for (kind,) in OutboxMessage.select(OutboxMessage.kind).tuples()}
    assert set(KINDS) - produced == set(), "walk the flow so that these kinds are sent"

    personal = {
        (field, value)
        for citizen in Citizen.select()
        for field in PERSONAL
        if (value := getattr(citizen, field))
    }
    reasons = {
        ("decline_reason", p.decline_reason)
        for p in Proposal.select().where(Proposal.decline_reason.is_null(False))
    }
    assert {"Walther Nørgaard", "Vibeke Sand", "7000"} <= {value for _f, value in personal}
    assert len(reasons) >= 2
    for message in OutboxMessage.select():
        text = "\n".join(filter(None, (message.subject, message.body, message.attachment)))
        for field, value in personal | reasons:
            assert not mentions(text, value), (message.kind, field, value, text)


def test_mentions_matches_whole_words_only():
    assert mentions("Ring til Inge i dag", "inge")
    assert not mentions("Der er ingen nye beskeder", "Inge")
    assert mentions("tlf. 75 55 66 77.", "75 55 66 77")
