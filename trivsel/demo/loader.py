"""Demo data: the report's five stories (Inge, Lene, Gerda, Jens, Søren) at different steps."""

import json
from datetime import date, datetime, time, timedelta

from trivsel.core.auth import hash_password
from trivsel.core.db import database
from trivsel.core.users import User
from trivsel.core.workdays import is_working_day, working_days_between
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses import flow
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.directory.models import Offer, OfferLink
from trivsel.directory.service import category_text, new_id
from trivsel.privacy import retention
from trivsel.privacy.models import Consent, RetentionRun
from trivsel.referrals.models import Referral
from trivsel.stories.models import Story
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

DEMO_PASSWORD = "trivsel-demo"
DEMO_USERS = [
    ("koordinator@trivsel.example", "Birgit Holm", "coordinator"),
    ("anne@trivsel.example", "Anne Dahl", "coordinator"),  # covers when Birgit is away
    ("mona@trivsel.example", "Mona Jensen", "volunteer"),
    ("poul@trivsel.example", "Poul Madsen", "volunteer"),
    ("karen@trivsel.example", "Karen Nielsen", "volunteer"),
    ("henrik@trivsel.example", "Henrik Lund", "volunteer"),
    ("lise@trivsel.example", "Lise Kjær", "volunteer"),
    ("partner@trivsel.example", "Susanne Berg", "partner"),
    ("forening@trivsel.example", "Ole Krogh", "partner"),
    ("admin@trivsel.example", "Anders Admin", "admin"),
]
# The partner users' organisations (keys of the organisations the plugins in plugins/ add).
DEMO_ORGANISATIONS = {"partner": "rehabilitation", "forening": "aeldresagen"}

# Follow-on offers: (owner organisation, organisation, offer, description, target group,
# who, ages, when, where, area, contact, categories).
DEMO_OFFERS = [
    (
        "aeldresagen",
        "Ældresagen Fredericia",
        "Computerundervisning for begyndere",
        "Lær at skrive mails, bruge MitID og tale med familien over video. Små hold, "
        "god tid og kaffe.",
        "senior",
        "Seniorer, ingen forudsætninger",
        60,
        None,
        "Tirsdage kl. 10-12",
        "Seniorhuset, Danmarksgade 8",
        "Fredericia",
        "Ole Krogh, 75 92 00 00",
        ("learning", "social"),
    ),
    (
        "aeldresagen",
        "Ældresagen Fredericia",
        "Gå-hold langs volden",
        "En rolig gåtur på en time i eget tempo, også med rollator. Kaffe bagefter.",
        "senior",
        "Alle der vil gå i selskab med andre",
        None,
        None,
        "Torsdage kl. 10",
        "Mødested: Prinsens Port",
        "Fredericia",
        "Ole Krogh, 75 92 00 00",
        ("exercise", "social"),
    ),
    (
        "frivilligcenter",
        "Frivilligcenter Fredericia",
        "Netværksgruppe for ledige",
        "Struktur på ugen, sparring på ansøgninger og et fællesskab med andre i samme situation.",
        "adult",
        "Ledige voksne",
        25,
        67,
        "Mandage kl. 9.30-11.30",
        "Frivilligcentret, Vendersgade 30",
        "Fredericia",
        "frivilligcenter@example.org",
        ("work", "support"),
    ),
    (
        "frivilligcenter",
        "Frivilligcenter Fredericia",
        "Ungdomsnetværk",
        "Fællesspisning og aktiviteter for unge voksne, der gerne vil møde andre.",
        "young_adult",
        "Unge mellem 18 og 30",
        18,
        30,
        "Onsdage kl. 17-20",
        "Ungdomshuset",
        "Taulov",
        "frivilligcenter@example.org",
        ("social", "creative"),
    ),
]

# The report's five stories, anonymised, published for partner staff.
DEMO_STORIES = [
    (
        "Fra ensomhed til computerhold",
        "En ældre kvinde havde mistet sin mand og sad alene det meste af dagen. En "
        "TrivselsPilot besøgte hende hver uge i tre måneder.\n\nSammen fandt de ud af, "
        "at hun gerne ville kunne skrive til børnebørnene i udlandet. I dag går hun til "
        "computerundervisning hos en ældreforening og har fået nye bekendte.",
    ),
    (
        "Struktur efter en fyring",
        "En bogholder mistede sit job og mistede fodfæstet. Med ugentlige samtaler fik hun "
        "overblik over sin situation og struktur på hverdagen.\n\nEfter to måneder søgte "
        "hun job igen, og hun fik et.",
    ),
    (
        "Tryg nok til at gå i supermarkedet",
        "En ældre kvinde turde ikke gå ud efter et brud. Genoptræningen henviste hende.\n\n"
        "Hendes TrivselsPilot gik med hende og rollatoren, først et kort stykke, så hele "
        "vejen til supermarkedet. Nu går hun selv.",
    ),
    (
        "En far skubbede på",
        "En ung mand med rygsmerter havde givet op. Hans far fik ham til at ringe.\n\n"
        "Ved startsamtalen fandt han selv sine mål, og han fik en frivillig, der passede "
        "til ham.",
    ),
    (
        "Støtte over telefonen",
        "En fraskilt far med angst ville helst have støtten over telefonen. Den første "
        "frivillige kendte familien og sagde nej tak; den næste sagde ja.\n\nSamtalerne "
        "gav ham konkrete teknikker til at turde de ting, han undgik.",
    ),
]


def _working_days_before(day, n):
    while n:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


class _Story:
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


# email prefix: (status, capacity, interests, avoids, days, times, phone only, postcode)
DEMO_PROFILES = {
    "mona": (
        "active",
        1,
        ["mobility", "structure", "unemployment"],
        [],
        ["tue", "thu"],
        ["morning"],
        False,
        "7000",
    ),
    "poul": ("active", 2, ["mental_vulnerability", "structure"], [], [], ["evening"], True, "7000"),
    "karen": (
        "active",
        2,
        ["loneliness", "digital_skills", "grief"],
        [],
        ["mon", "wed"],
        ["morning", "afternoon"],
        False,
        "7000",
    ),
    "henrik": (
        "active",
        1,
        ["illness", "authorities", "unemployment"],
        ["grief"],
        ["mon", "tue", "wed", "thu", "fri"],
        ["afternoon", "evening"],
        False,
        "7080",
    ),
    "lise": ("paused", 2, ["loneliness", "grief"], [], ["mon"], ["morning"], False, "7000"),
}


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
    t = lambda days: today - timedelta(days=days)  # noqa: E731
    with database.atomic():
        if User.select().exists():
            return False
        password_hash = hash_password(DEMO_PASSWORD)
        users = {
            email.split("@")[0]: User.create(
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                organisation=DEMO_ORGANISATIONS.get(email.split("@")[0]),
            )
            for email, name, role in DEMO_USERS
        }
        boss = users["koordinator"]
        offers = {}
        for row in DEMO_OFFERS:
            (owner, org, name, text, group, who, low, high, when, where, area, contact, cats) = row
            offers[name] = Offer.create(
                hsds_id=new_id(),
                source="local",
                owner_organisation=owner,
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
        for title, body in DEMO_STORIES:
            Story.create(title=title, body=body, published=True, updated_by=boss)
        _corps(users, today)

        # Inge, 73: lonely after losing her husband; bridged to Ældresagen's computer classes.
        inge = _Story(
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
        inge.step(
            flow.FOLLOW_UP,
            t(20),
            stage=flow.FOLLOWED_UP,
            followed_up_on=t(20),
            felt_heard=True,
            quality_of_life="better",
            follow_on_contact=True,
        )

        # Lene, 50: dismissed bookkeeper; weekly structured talks for two months, new job.
        lene = _Story(
            boss,
            t(90),
            {
                "name": "Lene",
                "email": "lene@example.org",
                "goals": "Overblik over min situation, struktur på hverdagen og mod "
                "på at søge job.",
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
        OfferLink.create(
            course=lene.course, offer=offers["Netværksgruppe for ledige"], linked_on=t(14)
        )

        # Gerda, 81: afraid to walk outside after a fracture; referred by the rehabilitation
        # department. Walks with the rollator to the supermarket, past the expected end.
        gerda = _Story(
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
        Referral.create(
            course=gerda.course,
            form="rehabilitation",
            plugin="rehabilitation",
            organisation="rehabilitation",
            referred_by=users["partner"],
            referrer_name="Susanne Berg",
            referrer_department="Genoptræningen",
            referrer_phone="72 10 60 00",
            first_call="scheme",
            extra=json.dumps({"municipal_course_ends_on": t(112).isoformat()}),
            created_at=datetime.combine(t(110), time(9, 0)),
        )
        for item, given in (("share_contact", True), ("share_considerations", False)):
            Consent.create(
                course=gerda.course,
                item=item,
                given=given,
                recorded_on=t(110),
                source="referral:rehabilitation",
                recorded_by=users["partner"],
            )
        gerda.intake(t(109), t(105))
        proposal = gerda.propose(users["mona"], t(104), "accept", t(104))
        gerda.match(proposal, t(100), frequency="twice_weekly")
        gerda.conversations(t(99), 4, 24, lambda i: "outside" if i % 3 else "home")

        # Jens, 23: back pain, gave up; his father pushed him to call. Intake is scheduled.
        jens = _Story(
            boss,
            _working_days_before(today, 2),
            {"name": "Jens", "phone": "30 40 50 60"},
            channel="phone",
            initiated_by="relative",
            birth_year=today.year - 23,
            target_group="young_adult",
        )
        jens.first_contact(_working_days_before(today, 1))
        jens.step(
            flow.SCHEDULE_INTAKE,
            _working_days_before(today, 1),
            stage=flow.INTAKE_SCHEDULED,
            intake_scheduled_at=datetime.combine(today + timedelta(days=2), time(10, 0)),
        )

        # Søren, 40: anxiety after a divorce; wants the course by phone. One volunteer said no
        # thank you; the proposal to the next waits for an answer.
        soren = _Story(
            boss,
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
        soren.propose(
            users["henrik"], t(12), "decline", t(11), reason="Jeg kender familien privat."
        )
        soren.propose(users["poul"], t(3))

        # Ulla, 68: widowed in the spring, lonely; waits for a match, so the suggestions show.
        ulla = _Story(
            boss,
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

        # Gerda's volunteer thinks she is ready to close and asks for a talk about it.
        Course.update(ready_to_close_on=t(2)).where(Course.id == gerda.course.id).execute()
        SupervisionRequest.create(
            course=gerda.course,
            volunteer=users["mona"],
            requested_at=datetime.combine(t(2), time(19, 0)),
        )
        _supervision(users, today)

        # An anonymous call three working days ago, still waiting for first contact.
        _Story(boss, _working_days_before(today, 3), channel="phone", initiated_by="citizen")

        # A walk-in who was referred to another offer at the intake.
        walk_in = _Story(
            boss, t(40), channel="walk_in", initiated_by="citizen", target_group="adult"
        )
        walk_in.intake(t(40), t(35), outcome="referred_elsewhere")

        # Consent, item by item: Inge agreed at the intake to WHO-5 and the follow-up call;
        # Gerda's contact data came with the rehabilitation department's referral.
        for item in ("who5", "follow_up_call"):
            Consent.create(
                course=inge.course, item=item, recorded_on=t(145), source="intake", recorded_by=boss
            )
        Consent.create(
            course=gerda.course,
            item="share_contact",
            recorded_on=t(110),
            source="written",
            recorded_by=boss,
        )

        # A course from the year before: followed up, and its personal data since erased by
        # the retention job. Its facts still count in the annual figures.
        erna = _Story(
            boss,
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
        erna.step(
            flow.FOLLOW_UP,
            t(310),
            stage=flow.FOLLOWED_UP,
            followed_up_on=t(310),
            felt_heard=True,
            quality_of_life="better",
            follow_on_contact=True,
        )
        erased_on = retention.add_months(t(310), 3)
        retention.erase_course(erna.course.id, today=erased_on, wipe=False)
        RetentionRun.create(
            ran_at=datetime.combine(erased_on, time(2, 15)), as_of=erased_on, erased=1
        )
        RetentionRun.create(ran_at=datetime.combine(today, time(2, 15)), as_of=today, erased=0)
    return True
