"""Match suggestions as one pure function: which volunteers fit a course, and why.

No Flask, no database, no translations (the texts are in `trivsel.corps.reasons`):
`rank(course, volunteers, history, today)` takes plain facts and returns
every volunteer, eligible ones first, best first, each with its reasons. The coordinator decides;
the ranking only helps, so every reason is shown and none is hidden in a score.

How the reasons weigh (the closing note of the feature explains why):

- a need of the course the volunteer wants to help with: +3 each; one they would rather not
  help with: -4 each ("kemi" starts with wanting the same thing, report 5.1.4-5.1.5);
- said no thank you to this citizen before, or a "no" at the match meeting: -10 (the coordinator
  can still choose them, but they go to the bottom);
- available when the citizen is: +2, not available then: -2;
- speaks the citizen's language (other than Danish): +2, does not: -3;
- only by phone while the citizen wants meetings: -3; by phone when the citizen wants that: +1;
- lives near: same postcode +2, same area (first two digits) +1, further away -1 (not for a
  course by phone);
- current load: -1 for each course or open proposal, +1 when they have none.

Eligibility is a rule, not a weight: no profile, applicant, paused, left, no signed
confidentiality declaration or no free capacity makes a volunteer ineligible, shown with why.
"""

from dataclasses import dataclass, field
from datetime import date

from trivsel.courses.flow import ProposalStatus

SHARED_AREA = 3
AVOIDED_AREA = -4
SAID_NO_BEFORE = -10
AVAILABLE = 2
NOT_AVAILABLE = -2
SPEAKS_LANGUAGE = 2
LACKS_LANGUAGE = -3
PHONE_ONLY_MISMATCH = -3
PHONE_FITS = 1
SAME_POSTCODE = 2
SAME_AREA = 1
FAR_AWAY = -1
NO_LOAD = 1
PER_COURSE = -1

# Outcomes in a course's proposal history that count against a pairing.
DECLINED = ProposalStatus.DECLINED
NOT_MATCHED = ProposalStatus.NOT_MATCHED


@dataclass(frozen=True)
class CourseFacts:
    """What the match needs to know about a course (all optional)."""

    needs: frozenset = frozenset()
    days: frozenset = frozenset()
    times: frozenset = frozenset()
    by_phone: bool = False
    language: str | None = None
    postcode: str | None = None


@dataclass(frozen=True)
class VolunteerFacts:
    """What the match needs to know about a volunteer; `status` None means no profile."""

    id: int
    name: str
    status: str | None = "active"
    paused_until: date | None = None
    declaration_on: date | None = None
    capacity: int = 1
    load: int = 0  # active courses and open proposals
    days: frozenset = frozenset()
    times: frozenset = frozenset()
    phone_only: bool = False
    interests: frozenset = frozenset()
    avoids: frozenset = frozenset()
    languages: frozenset = frozenset({"da"})
    postcode: str | None = None


@dataclass(frozen=True)
class Reason:
    """One reason, with its weight in the ranking and what the text needs."""

    code: str
    weight: int = 0
    codes: tuple = ()  # interest areas, days or a language the text names
    n: int | None = None
    m: int | None = None
    until: date | None = None


@dataclass
class Suggestion:
    volunteer: VolunteerFacts
    eligible: bool
    score: int
    reasons: list = field(default_factory=list)
    refusals: list = field(default_factory=list)  # why not eligible

    @property
    def codes(self):
        return [r.code for r in self.reasons]


def effective_status(status, paused_until, today):
    """A pause ends by itself after its last day."""
    if status == "paused" and paused_until is not None and paused_until < today:
        return "active"
    return status


def refusals(volunteer, today):
    """Why a volunteer cannot be proposed now: an empty list when they can."""
    status = effective_status(volunteer.status, volunteer.paused_until, today)
    if status is None:
        return [Reason("no_profile")]
    found = []
    if status == "applicant":
        found.append(Reason("applicant"))
    elif status == "paused":
        found.append(Reason("paused", until=volunteer.paused_until))
    elif status == "left":
        found.append(Reason("left"))
    if volunteer.declaration_on is None:
        found.append(Reason("no_declaration"))
    if volunteer.load >= volunteer.capacity:
        found.append(Reason("at_capacity", n=volunteer.load, m=volunteer.capacity))
    return found


def _sorted(codes):
    """Codes in a fixed order (the texts put them in their list's order for the reader)."""
    return tuple(sorted(codes))


def reasons_for(course, volunteer, outcomes, others_said_no):
    """The weighed reasons for one pairing; `outcomes` are this volunteer's earlier outcomes on
    the course, `others_said_no` whether anybody else said no to it."""
    reasons = []
    if course.needs:
        shared = course.needs & volunteer.interests
        avoided = course.needs & volunteer.avoids
        if shared:
            reasons.append(Reason("shared_areas", SHARED_AREA * len(shared), _sorted(shared)))
        if avoided:
            reasons.append(Reason("avoided_areas", AVOIDED_AREA * len(avoided), _sorted(avoided)))
        if not shared and not avoided:
            reasons.append(Reason("no_shared_areas"))
    else:
        reasons.append(Reason("needs_unknown"))

    if DECLINED in outcomes:
        reasons.append(Reason("declined_before", SAID_NO_BEFORE))
    if NOT_MATCHED in outcomes:
        reasons.append(Reason("match_meeting_no", SAID_NO_BEFORE))
    if not outcomes and others_said_no:
        reasons.append(Reason("not_declined_before"))

    reasons.extend(_availability(course, volunteer))

    if course.language and course.language != "da":
        if course.language in volunteer.languages:
            reasons.append(Reason("speaks", SPEAKS_LANGUAGE, (course.language,)))
        else:
            reasons.append(Reason("does_not_speak", LACKS_LANGUAGE, (course.language,)))

    if volunteer.phone_only and not course.by_phone:
        reasons.append(Reason("phone_only", PHONE_ONLY_MISMATCH))
    elif course.by_phone:
        reasons.append(Reason("by_phone", PHONE_FITS if volunteer.phone_only else 0))
    elif course.postcode and volunteer.postcode:
        if course.postcode == volunteer.postcode:
            reasons.append(Reason("same_postcode", SAME_POSTCODE))
        elif course.postcode[:2] == volunteer.postcode[:2]:
            reasons.append(Reason("near", SAME_AREA))
        else:
            reasons.append(Reason("far", FAR_AWAY))

    free = volunteer.capacity - volunteer.load
    if free > 0:
        reasons.append(Reason("free_capacity", 0, n=free, m=volunteer.capacity))
    if volunteer.load:
        reasons.append(Reason("load", PER_COURSE * volunteer.load, n=volunteer.load))
    else:
        reasons.append(Reason("no_load", NO_LOAD))
    return reasons


def _availability(course, volunteer):
    checks = []
    if course.days and volunteer.days:
        checks.append(course.days & volunteer.days)
    if course.times and volunteer.times:
        checks.append(course.times & volunteer.times)
    if not checks:
        return [Reason("availability_unknown")]
    if all(checks):
        days = course.days & volunteer.days if course.days and volunteer.days else frozenset()
        return [Reason("available", AVAILABLE, _sorted(days))]
    return [Reason("not_available", NOT_AVAILABLE)]


def rank(course, volunteers, history, today):
    """Every volunteer as a `Suggestion`: the eligible first, best score first (fewer courses,
    then name, on a tie), then the ineligible, each with its reasons.

    :param course: `CourseFacts`.
    :param volunteers: `VolunteerFacts` for every volunteer to consider.
    :param history: {volunteer id: set of earlier outcomes on this course} (DECLINED,
        NOT_MATCHED).
    :param today: the day eligibility is judged on (pauses end by date).
    """
    others_said_no = any(history.values())
    suggestions = []
    for volunteer in volunteers:
        outcomes = history.get(volunteer.id, set())
        reasons = reasons_for(course, volunteer, outcomes, others_said_no)
        refused = refusals(volunteer, today)
        suggestions.append(
            Suggestion(
                volunteer=volunteer,
                eligible=not refused,
                score=sum(r.weight for r in reasons),
                reasons=reasons,
                refusals=refused,
            )
        )
    suggestions.sort(
        key=lambda s: (not s.eligible, -s.score, s.volunteer.load, s.volunteer.name.lower())
    )
    return suggestions
