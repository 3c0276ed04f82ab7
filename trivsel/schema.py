"""Every model of every area, in the order their tables depend on each other."""

from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.cover.models import Cover
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy.models import AccessLog, Consent, RetentionRun
from trivsel.referrals.models import Referral
from trivsel.stories.models import Story
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)

MODELS = [
    User,
    Citizen,
    Course,
    Proposal,
    Conversation,
    CourseEvent,
    Consent,
    Referral,
    Offer,
    OfferLink,
    Story,
    AccessLog,
    RetentionRun,
    VolunteerProfile,
    VolunteerStatusChange,
    SupervisionMeeting,
    SupervisionAttendance,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
    Cover,
]
