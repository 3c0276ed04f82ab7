"""Erasure keeps the statistics: over generated histories, every figure of the annual
figures (main and all) and of the annual report is the same before and after erasure."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trivsel.core.plugins import get_plugins
from trivsel.courses import flow
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy import retention
from trivsel.privacy.models import AccessLog, Consent, RetentionRun
from trivsel.statistics import bridging
from trivsel.statistics import figures as statistics
from trivsel.statistics import report as annual_report

POLICY = retention.RetentionPolicy(3, 6, 6, 12)
FIRST_DAY = date(2022, 1, 1)

course_specs = st.fixed_dictionaries(
    {
        "received": st.integers(0, 4 * 365),
        "branch": st.sampled_from(["main", "youth"]),
        "channel": st.sampled_from(["phone", "email", "walk_in", "referral", None]),
        "initiated_by": st.sampled_from(["citizen", "professional", "relative", "other"]),
        "birth_year": st.none() | st.integers(1930, 2005),
        "personal": st.booleans(),
        # how far the inquiry got: 0 new .. 5 followed up; or an early end
        "reach": st.sampled_from(
            ["new", "contacted", "declined", "withdrawn", "referred_elsewhere"]
            + ["matching", "active", "closed", "followed_up"] * 2
        ),
        "wait": st.integers(0, 20),
        "length": st.integers(7, 200),
        "conversations": st.integers(0, 12),
        # PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate; the forms send neither.
        "decline_reason": st.none()
        | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30),
        "follow_on": st.none() | st.booleans(),
        "who5": st.none() | st.tuples(st.integers(0, 25), st.integers(0, 25)),
        "felt_heard": st.none() | st.booleans(),
        "quality_of_life": st.sampled_from([None, "better", "same", "worse"]),
        # the directory offers bridged to at closing, and whether the citizen went
        "offers": st.lists(st.tuples(st.integers(0, 2), st.none() | st.booleans()), max_size=3),
    }
)

OFFER_CATEGORIES = (" social learning ", " exercise ", "")


def build_history(specs, volunteers):
    offers = [
        Offer.create(
            hsds_id=f"00000000-0000-4000-8000-00000000000{i}",
            source="local",
            owner_organisation="aeldresagen" if i else None,
            organisation_name="Forening",
            name=f"Tilbud {i}",
            categories=categories,
        )
        for i, categories in enumerate(OFFER_CATEGORIES)
    ]
    for n, spec in enumerate(specs):
        received = FIRST_DAY + timedelta(days=spec["received"])
        contacted = received + timedelta(days=spec["wait"])
        reach = spec["reach"]
        facts = {
            "stage": reach,
            "branch": spec["branch"],
            "received_on": received,
            "channel": spec["channel"],
            "initiated_by": spec["initiated_by"],
            "birth_year": spec["birth_year"],
        }
        if reach != flow.NEW:
            facts |= {"first_contact_on": contacted, "first_contact_working_days": spec["wait"]}
        if reach in (flow.DECLINED, flow.WITHDRAWN, flow.REFERRED_ELSEWHERE):
            facts |= {"intake_held_on": contacted, "intake_outcome": reach, "ended_on": contacted}
        started = contacted + timedelta(days=5)
        ended = started + timedelta(days=spec["length"])
        if reach in (flow.ACTIVE, flow.CLOSED, flow.FOLLOWED_UP):
            facts |= {
                "intake_held_on": contacted,
                "intake_outcome": "matching",
                "started_on": started,
                "volunteer": volunteers[n % len(volunteers)],
            }
            if spec["who5"]:
                facts["who5_intake"] = spec["who5"][0] * 4
        if reach in (flow.CLOSED, flow.FOLLOWED_UP):
            facts |= {"ended_on": ended, "goals_met": "yes", "follow_on_offers": "Ældresagen"}
        if reach == flow.FOLLOWED_UP:
            facts |= {
                "followed_up_on": ended + timedelta(days=14),
                "felt_heard": spec.get("felt_heard", True),
                "quality_of_life": spec.get("quality_of_life", "better"),
                "follow_on_contact": spec["follow_on"],
            }
            if spec["who5"]:
                facts["who5_follow_up"] = spec["who5"][1] * 4
        if spec["personal"]:
            facts["citizen"] = Citizen.create(name=f"Borger {n}", phone="12 34 56 78", goals="Mål")
        course = Course.create(**facts)
        CourseEvent.create(course=course, action="inquiry", stage=flow.NEW, at=received)
        if reach in (flow.MATCHING, flow.ACTIVE, flow.CLOSED, flow.FOLLOWED_UP):
            Proposal.create(
                course=course,
                volunteer=volunteers[(n + 1) % len(volunteers)],
                status="declined",
                decline_reason=spec["decline_reason"],
            )
        if reach in (flow.CLOSED, flow.FOLLOWED_UP):
            for index, went in dict(spec.get("offers", ())).items():
                OfferLink.create(
                    course=course,
                    offer=offers[index],
                    linked_on=ended,
                    went=went if reach == flow.FOLLOWED_UP else None,
                )
        if facts.get("started_on"):
            last = facts.get("ended_on") or started + timedelta(days=90)
            step = max(1, (last - started).days // max(1, spec["conversations"]))
            Conversation.insert_many(
                [
                    {
                        "course": course.id,
                        "held_on": started + timedelta(days=i * step),
                        "mode": "home",
                    }
                    for i in range(spec["conversations"])
                ]
            ).execute()


def figures():
    branches = get_plugins().branches()
    report = annual_report.build((9, 1), branches)
    return (
        statistics.annual_figures(statistics.MAIN, (9, 1)),
        statistics.annual_figures(statistics.ALL, (9, 1)),
        statistics.annual_figures("youth", (1, 1)),
        report.years,
        [(key, figs) for key, _, figs in report.tables],
        report.by_source,
        report.by_outcome,
        report.waits,
        report.lengths,
        report.volunteers,
        report.who5,
        [(g.target, g.actual, g.met) for g in report.goals],
        report.bridging_offers,
        report.bridging_categories,
        bridging.offer_figures_by_year("aeldresagen", (9, 1)),
    )


def clear():
    for model in (
        OfferLink,
        Offer,
        AccessLog,
        Consent,
        Conversation,
        Proposal,
        CourseEvent,
        RetentionRun,
        Course,
        Citizen,
    ):
        model.delete().execute()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(course_specs, min_size=1, max_size=25),
    as_of_days=st.integers(0, 6 * 365),
    erase_on_request=st.lists(st.integers(0, 24), max_size=5),
)
def test_erasure_leaves_every_figure_unchanged(app, users, specs, as_of_days, erase_on_request):
    volunteers = [users["volunteer"], users["other_volunteer"]]
    with app.app_context():
        clear()
        build_history(specs, volunteers)
        before = figures()
        retention.run_retention(FIRST_DAY + timedelta(days=as_of_days), POLICY)
        ids = [c.id for c in Course.select(Course.id).order_by(Course.id)]
        for index in erase_on_request:
            if index < len(ids):
                retention.erase_course(ids[index])
        assert figures() == before
        # and the personal data of what was erased is gone
        erased = Course.select().where(Course.erased_on.is_null(False))
        assert all(c.citizen_id is None for c in erased)
        assert not (
            Proposal.select()
            .join(Course)
            .where(Course.erased_on.is_null(False) & Proposal.decline_reason.is_null(False))
            .exists()
        )


def test_the_property_test_can_fail(app, users):
    """A guard on the guard: if erasure dropped a fact, `figures()` would tell."""
    with app.app_context():
        build_history(
            [
                {
                    "received": 10,
                    "branch": "main",
                    "channel": "phone",
                    "initiated_by": "citizen",
                    "birth_year": 1950,
                    "personal": True,
                    "reach": "followed_up",
                    "wait": 2,
                    "length": 60,
                    "conversations": 4,
                    "decline_reason": "x",
                    "follow_on": True,
                    "who5": (10, 20),
                }
            ],
            [users["volunteer"]],
        )
        before = figures()
        Course.update(follow_on_contact=None).execute()
        assert figures() != before
        before = figures()
        Course.update(felt_heard=False, quality_of_life="worse").execute()
        assert figures() != before
