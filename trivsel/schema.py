"""The schema: every model of every area (in the order their tables depend on each other),
and preparing a database for the app."""

from trivsel.auth.models import LoginFailure, UserSession
from trivsel.calendar.models import Appointment, AppointmentAttendee, CalendarFeed
from trivsel.core.users import User
from trivsel.corps.models import VolunteerProfile, VolunteerStatusChange
from trivsel.courses.models import Citizen, Conversation, Course, CourseEvent, Proposal
from trivsel.cover.models import Cover
from trivsel.directory.models import Offer, OfferLink
from trivsel.invitations.models import Invitation, PasswordReset
from trivsel.notifications.models import NotificationPreference, OutboxMessage
from trivsel.privacy.models import AccessLog, Consent, RetentionRun
from trivsel.referrals.models import Referral, ReferrerContact
from trivsel.statistics.models import StatisticsGeneration
from trivsel.stories.models import Story
from trivsel.supervision.models import (
    SupervisionAttendance,
    SupervisionMeeting,
    SupervisionRequest,
    ThemeDay,
    ThemeDaySignup,
)
from trivsel.twofactor.models import RecoveryCode, TwoFactor

MODELS = [
    User,
    UserSession,
    LoginFailure,
    Citizen,
    Course,
    Proposal,
    Conversation,
    CourseEvent,
    Consent,
    Referral,
    ReferrerContact,
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
    OutboxMessage,
    NotificationPreference,
    Appointment,
    AppointmentAttendee,
    CalendarFeed,
    Invitation,
    PasswordReset,
    TwoFactor,
    RecoveryCode,
    StatisticsGeneration,
]


def prepare_database():
    """Create or upgrade the schema, then store what the plugins contribute to the database
    (their directory offers), so no page has to write while it is shown. Needs an app context.
    Returns (was_new, applied migration names)."""
    from trivsel.core import db
    from trivsel.core.plugins import get_plugins
    from trivsel.directory import service as directory

    was_new, applied = db.migrate()
    with db.database.connection_context():
        directory.sync_plugin_offers(get_plugins())
    return was_new, applied
