"""What the course flow tells people, and the kinds of message it sends.

Each function queues in the caller's transaction (a step's `after`, a service's atomic block),
so a change that rolls back tells nobody. No message names the citizen: only what happened,
the course number and a link to a page that needs a login. A volunteer's decline reason is
free text that may speak of the citizen, so it never goes into a message.
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from trivsel.core.users import User
from trivsel.notifications.kinds import kind
from trivsel.notifications.outbox import Message, queue
from trivsel.notifications.recipients import coordinators_on_duty, standing_in_for

COORDINATOR = ("coordinator",)
VOLUNTEER = ("volunteer",)

NEW_INQUIRY = kind(
    "new_inquiry",
    _l("Ny henvendelse"),
    COORDINATOR,
    _l("Ny henvendelse: forløb nr. %(course)s"),
    _l("Der er kommet en ny henvendelse, forløb nr. %(course)s. Den venter på første kontakt."),
    link="courses.show",
    digest=True,
)
NEW_REFERRAL = kind(
    "new_referral",
    _l("Ny henvisning"),
    COORDINATOR,
    _l("Ny henvisning: forløb nr. %(course)s"),
    _l(
        "Der er kommet en ny henvisning fra en fagprofessionel, forløb nr. %(course)s. Den "
        "venter på første kontakt."
    ),
    link="courses.show",
    digest=True,
)
FIRST_CONTACT_OVERDUE = kind(
    "first_contact_overdue",
    _l("Henvendelse venter for længe på første kontakt"),
    COORDINATOR,
    _l("Forløb nr. %(course)s venter på første kontakt"),
    _l("Henvendelsen i forløb nr. %(course)s har ventet %(days)s arbejdsdage på første kontakt."),
    link="courses.show",
    digest=True,
)
PROPOSAL = kind(
    "proposal",
    _l("Forslag til et forløb"),
    VOLUNTEER,
    _l("Nyt forslag til et forløb"),
    _l(
        "Du har et nyt forslag til et forløb, nr. %(course)s. Læs det, og svar ja eller nej "
        "tak, når du har tænkt over det."
    ),
    link="volunteer.home",
)
PROPOSAL_ANSWERED = kind(
    "proposal_answered",
    _l("Svar på et forslag"),
    COORDINATOR,
    _l("Svar på forslaget til forløb nr. %(course)s: %(answer)s"),
    _l("%(volunteer)s har sagt %(answer)s til forslaget om forløb nr. %(course)s."),
    link="courses.show",
)
QUIET_COURSE = kind(
    "quiet_course",
    _l("Påmindelse om et stille forløb"),
    VOLUNTEER,
    _l("Forløb nr. %(course)s: er I stadig i gang?"),
    _l(
        "Der er ikke registreret nogen samtale i forløb nr. %(course)s i %(weeks)s uger. Har "
        "I mødtes, så registrér gerne samtalerne. Er det svært at komme videre, er du altid "
        "velkommen til at tale med koordinatoren eller tage det op til supervision."
    ),
    link="volunteer.home",
)
ANSWERS = {True: _l("ja"), False: _l("nej tak")}


def inquiry_registered(course, actor):
    """A new inquiry (or a referral, when it came in by that channel) to the coordinators on
    duty, except the one who registered it: they know."""
    spec = NEW_REFERRAL if course.channel == "referral" else NEW_INQUIRY
    recipients = [user_id for user_id in coordinators_on_duty() if user_id != actor]
    return queue(spec.key, recipients, course_id=course.id, dedupe_key=f"{spec.key}:{course.id}")


def proposed(course_id, volunteer_id):
    """The proposed volunteer is asked (on their own page)."""
    return queue(PROPOSAL.key, [volunteer_id], course_id=course_id)


def proposal_answered(proposal, accept):
    """The volunteer's yes or no thank you to the coordinator who proposed them (or to whoever
    covers for that coordinator while they are away). Never the decline reason."""
    if proposal.proposed_by_id is None:
        return []
    volunteer = User.get_by_id(proposal.volunteer_id)
    return queue(
        PROPOSAL_ANSWERED.key,
        standing_in_for(proposal.proposed_by_id),
        course_id=proposal.course_id,
        context={"volunteer": volunteer.name, "answer": ANSWERS[bool(accept)]},
    )


def first_contact_overdue(course_id, recipients, days):
    """The message for an inquiry past the flag, once per course (the dedupe key); queued
    in batches by the reminders scan."""
    return Message(
        FIRST_CONTACT_OVERDUE.key,
        tuple(recipients),
        course_id=course_id,
        context={"days": days},
        dedupe_key=f"first_contact_overdue:{course_id}",
    )


def quiet(course_id, volunteer_id, since, weeks):
    """The gentle reminder to the volunteer of a course with no conversation logged since
    `since` (the last conversation, or the start): once per quiet period (the dedupe key,
    which `quiet_period` reads back)."""
    return Message(
        QUIET_COURSE.key,
        (volunteer_id,),
        course_id=course_id,
        context={"weeks": weeks},
        dedupe_key=f"quiet:{course_id}:{since.isoformat()}",
    )


def quiet_period(dedupe_key):
    """The start of the quiet period a quiet-course reminder's key was for."""
    return date.fromisoformat(dedupe_key.split(":")[2])
