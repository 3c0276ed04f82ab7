"""Loading the demo: the corps, the directory, the report's five stories at different steps,
supervision, and what the partner plugins add (`trivsel_demo`)."""

from datetime import date, datetime, time, timedelta

from trivsel.calendar import appointments
from trivsel.calendar.models import INTAKE
from trivsel.core.auth import hash_password
from trivsel.core.db import database
from trivsel.core.plugins import get_plugins
from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.models import Course
from trivsel.demo.data import DEMO_OFFERS, DEMO_PASSWORD, DEMO_PROFILES, DEMO_STORIES, DEMO_USERS
from trivsel.demo.partners import PartnerDemo
from trivsel.demo.story import Story, working_days_before
from trivsel.directory.models import Offer, OfferLink
from trivsel.directory.service import category_text, new_id
from trivsel.privacy import retention
from trivsel.privacy.models import Consent, RetentionRun
from trivsel.stories.models import Story as GoodStory
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "load_demo"]


def _corps(users, today):
    """Profiles for the demo volunteers: Mona at capacity with Gerda, Lise on a pause."""
    for key, (
        status,
        capacity,
        interests,
        avoids,
        days,
        times,
        phone,
        postcode,
    ) in DEMO_PROFILES.items():
        user = users[key]
        applied = today - timedelta(days=400)
        VolunteerProfile.create(
            user=user,
            status=status,
            paused_until=today + timedelta(days=30) if status == "paused" else None,
            applied_on=applied,
            declaration_signed_on=applied + timedelta(days=14),
            capacity=capacity,
            interests=interests,
            avoids=avoids,
            available_days=days,
            available_times=times,
            phone_only=phone,
            languages=["en"] if key == "poul" else [],
            postcode=postcode,
            suitability_notes="Rolig og god til at lytte.",
        )
        VolunteerStatusChange.create(user=user, status="applicant", changed_on=applied)
        VolunteerStatusChange.create(
            user=user, status="active", changed_on=applied + timedelta(days=14)
        )
        if status == "paused":
            VolunteerStatusChange.create(
                user=user,
                status="paused",
                changed_on=today - timedelta(days=10),
                paused_until=today + timedelta(days=30),
            )


def _supervision(users, today):
    """A series of group meetings every 14 days (two held, with attendance) and a theme day."""
    first = datetime.combine(today - timedelta(days=28), time(17, 0))
    volunteers = [users[k] for k in ("mona", "poul", "karen", "henrik")]
    for i in range(8):
        meeting = SupervisionMeeting.create(
            starts_at=first + timedelta(days=14 * i), place="Frivilligcentret, mødelokale 2"
        )
        # In the volunteers' calendars (the invitations went out long ago: none are queued).
        appointments.schedule_supervision(meeting, users["koordinator"].id, notify=False)
        if meeting.starts_at.date() < today:
            meeting.attendance_recorded = True
            meeting.save()
            SupervisionAttendance.insert_many(
                [
                    {"meeting": meeting.id, "volunteer": v.id, "attended": (i + n) % 4 != 0}
                    for n, v in enumerate(volunteers)
                ]
            ).execute()
    day = ThemeDay.create(
        title="Temadag: sorg og tab",
        starts_at=datetime.combine(today + timedelta(days=12), time(10, 0)),
        place="Frivilligcentret",
        capacity=20,
    )
    ThemeDaySignup.create(theme_day=day, volunteer=users["karen"])


def load_demo(today=None):
    """Load the demo into an empty database. Returns False (and changes nothing) when the
    database already has users."""
    today = today or date.today()
    with database.atomic():
        if User.select().exists():
            return False
        users = _users()
        offers = _offers()
        boss = users["koordinator"]
        for title, body in DEMO_STORIES:
            GoodStory.create(title=title, body=body, published=True, updated_by=boss)
        _corps(users, today)
        stories = _stories(users, offers, today)
        _supervision(users, today)
        get_plugins().notify("trivsel_demo", demo=PartnerDemo(today, users, stories))
    return True


def _users():
    password_hash = hash_password(DEMO_PASSWORD)
    return {
        email.split("@")[0]: User.create(
            email=email, name=name, role=role, password_hash=password_hash
        )
        for email, name, role in DEMO_USERS
    }


def _offers():
    offers = {}
    for row in DEMO_OFFERS:
        (org, name, text, group, who, low, high, when, where, area, contact, cats) = row
        offers[name] = Offer.create(
            hsds_id=new_id(),
            source="local",
            organisation_name=org,
            name=name,
            description=text,
            target_group=group,
            eligibility=who,
            minimum_age=low,
            maximum_age=high,
            schedule=when,
            location=where,
            area=area,
            contact_name=contact,
            categories=category_text(cats),
        )
    return offers


def _stories(users, offers, today):
    """The report's stories and a few more, each at its own step. Returns {first name in
    lower case: Story}."""
    stories = {
        "inge": _inge(users, offers, today),
        "lene": _lene(users, offers, today),
        "gerda": _gerda(users, today),
        "jens": _jens(users, today),
        "soren": _soren(users, today),
        "ulla": _ulla(users, today),
    }
    _others(users, today)
    stories["erna"] = _erna(users, today)
    return stories


def _ago(today, days):
    return today - timedelta(days=days)


def _followed_up(story, day):
    story.step(
        flow.FOLLOW_UP,
        day,
        stage=flow.FOLLOWED_UP,
        followed_up_on=day,
        felt_heard=True,
        quality_of_life="better",
        follow_on_contact=True,
    )


def _inge(users, offers, today):
    """Inge, 73: lonely after losing her husband; bridged to Ældresagen's computer classes.
    She agreed at the intake to WHO-5 and to the follow-up call."""
    t = lambda days: _ago(today, days)  # noqa: E731
    boss = users["koordinator"]
    inge = Story(
        boss,
        t(150),
        {
            "name": "Inge",
            "phone": "20 11 22 33",
            "goals": "Komme ud blandt andre mennesker og kunne skrive mails til "
            "børn og børnebørn i udlandet.",
        },
        channel="phone",
        initiated_by="citizen",
        birth_year=today.year - 73,
        target_group="senior",
        needs=["loneliness", "digital_skills"],
        available_days=["mon", "wed"],
        available_times=["morning"],
    )
    inge.intake(t(149), t(145))
    proposal = inge.propose(users["karen"], t(140), "accept", t(139))
    inge.match(proposal, t(135), frequency="weekly")
    inge.conversations(t(134), 7, 12, "home")
    inge.close(t(45))
    OfferLink.create(
        course=inge.course,
        offer=offers["Computerundervisning for begyndere"],
        linked_on=t(45),
        went=True,
    )
    _followed_up(inge, t(20))
    for item in ("who5", "follow_up_call"):
        Consent.create(
            course=inge.course, item=item, recorded_on=t(145), source="intake", recorded_by=boss
        )
    return inge


def _lene(users, offers, today):
    """Lene, 50: dismissed bookkeeper; weekly structured talks for two months, new job."""
    t = lambda days: _ago(today, days)  # noqa: E731
    lene = Story(
        users["koordinator"],
        t(90),
        {
            "name": "Lene",
            "email": "lene@example.org",
            "goals": "Overblik over min situation, struktur på hverdagen og mod på at søge job.",
        },
        channel="email",
        initiated_by="citizen",
        birth_year=today.year - 50,
        target_group="adult",
        needs=["unemployment", "structure"],
        available_times=["morning"],
    )
    lene.intake(t(89), t(85))
    proposal = lene.propose(users["mona"], t(84), "accept", t(83))
    lene.match(proposal, t(80), frequency="weekly")
    lene.conversations(t(79), 7, 9, "home")
    lene.close(t(14))
    OfferLink.create(course=lene.course, offer=offers["Netværksgruppe for ledige"], linked_on=t(14))
    return lene


def _gerda(users, today):
    """Gerda, 81: afraid to walk outside after a fracture; referred by a professional (the
    rehabilitation plugin's demo says which form). Walks with the rollator to the
    supermarket, past the expected end; her volunteer thinks she is ready to close and asks
    for a talk about it."""
    t = lambda days: _ago(today, days)  # noqa: E731
    boss = users["koordinator"]
    gerda = Story(
        boss,
        t(110),
        {
            "name": "Gerda",
            "phone": "75 55 66 77",
            "goals": "Blive tryg nok til selv at gå i Føtex og hjem igen.",
        },
        channel="referral",
        initiated_by="professional",
        birth_year=today.year - 81,
        target_group="senior",
        needs=["mobility"],
        available_days=["tue", "thu"],
    )
    gerda.intake(t(109), t(105))
    proposal = gerda.propose(users["mona"], t(104), "accept", t(104))
    gerda.match(proposal, t(100), frequency="twice_weekly")
    gerda.conversations(t(99), 4, 24, lambda i: "outside" if i % 3 else "home")
    Course.update(ready_to_close_on=t(2)).where(Course.id == gerda.course.id).execute()
    SupervisionRequest.create(
        course=gerda.course,
        volunteer=users["mona"],
        requested_at=datetime.combine(t(2), time(19, 0)),
    )
    Consent.create(
        course=gerda.course,
        item="share_contact",
        recorded_on=t(110),
        source="written",
        recorded_by=boss,
    )
    return gerda


def _jens(users, today):
    """Jens, 23: back pain, gave up; his father pushed him to call. Intake is scheduled."""
    jens = Story(
        users["koordinator"],
        working_days_before(today, 2),
        {"name": "Jens", "phone": "30 40 50 60"},
        channel="phone",
        initiated_by="relative",
        birth_year=today.year - 23,
        target_group="young_adult",
    )
    jens.first_contact(working_days_before(today, 1))
    jens.step(
        flow.SCHEDULE_INTAKE,
        working_days_before(today, 1),
        stage=flow.INTAKE_SCHEDULED,
        intake_scheduled_at=datetime.combine(today + timedelta(days=2), time(10, 0)),
    )
    appointments.schedule(
        INTAKE,
        jens.course.intake_scheduled_at,
        users["koordinator"].id,
        invitees=[users["koordinator"].id],
        place="Frivilligcentret",
        course_id=jens.course.id,
        notify=False,
    )
    return jens


def _soren(users, today):
    """Søren, 40: anxiety after a divorce; wants the course by phone. One volunteer said no
    thank you; the proposal to the next waits for an answer."""
    t = lambda days: _ago(today, days)  # noqa: E731
    soren = Story(
        users["koordinator"],
        t(20),
        {
            "name": "Søren",
            "phone": "40 10 20 30",
            "goals": "Konkrete teknikker til at turde ting, helst over telefonen.",
        },
        channel="phone",
        initiated_by="citizen",
        birth_year=today.year - 40,
        target_group="adult",
        needs=["mental_vulnerability"],
        available_times=["evening"],
        by_phone=True,
    )
    soren.intake(t(19), t(15))
    soren.propose(users["henrik"], t(12), "decline", t(11), reason="Jeg kender familien privat.")
    soren.propose(users["poul"], t(3))
    return soren


def _ulla(users, today):
    """Ulla, 68: widowed in the spring, lonely; waits for a match, so the suggestions show."""
    t = lambda days: _ago(today, days)  # noqa: E731
    ulla = Story(
        users["koordinator"],
        t(9),
        {
            "name": "Ulla",
            "phone": "61 22 33 44",
            "postcode": "7000",
            "goals": "Have nogen at tale med om Svend og komme ud om formiddagen.",
        },
        channel="phone",
        initiated_by="citizen",
        birth_year=today.year - 68,
        target_group="senior",
        needs=["grief", "loneliness"],
        available_days=["mon", "wed"],
        available_times=["morning"],
    )
    ulla.intake(t(8), t(5))
    return ulla


def _others(users, today):
    """An anonymous call three working days ago, still waiting for first contact, and a
    walk-in who was referred to another offer at the intake."""
    boss = users["koordinator"]
    Story(boss, working_days_before(today, 3), channel="phone", initiated_by="citizen")
    walk_in = Story(
        boss, _ago(today, 40), channel="walk_in", initiated_by="citizen", target_group="adult"
    )
    walk_in.intake(_ago(today, 40), _ago(today, 35), outcome="referred_elsewhere")


def _erna(users, today):
    """A course from the year before: followed up, and its personal data since erased by the
    retention job. Its facts still count in the annual figures."""
    t = lambda days: _ago(today, days)  # noqa: E731
    erna = Story(
        users["koordinator"],
        t(420),
        {"name": "Erna", "phone": "60 70 80 90", "goals": "Komme med i en gåklub."},
        channel="phone",
        initiated_by="citizen",
        birth_year=today.year - 77,
        target_group="senior",
    )
    erna.intake(t(419), t(415))
    proposal = erna.propose(users["karen"], t(410), "accept", t(409))
    erna.match(proposal, t(405), frequency="weekly")
    erna.conversations(t(404), 7, 10, "home")
    erna.close(t(330), offers="Dansk Folkeoplysnings Samråd: gåklub")
    _followed_up(erna, t(310))
    erased_on = retention.add_months(t(310), 3)
    retention.erase_course(erna.course.id, today=erased_on, wipe=False)
    RetentionRun.create(ran_at=datetime.combine(erased_on, time(2, 15)), as_of=erased_on, erased=1)
    RetentionRun.create(ran_at=datetime.combine(today, time(2, 15)), as_of=today, erased=0)
    return erna
