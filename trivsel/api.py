"""The public API for plugins: the one module a plugin imports from Trivsel.

Everything a plugin needs is named in `__all__` and documented in docs/plugins.md (a test
keeps the two in step); the rest of the `trivsel` package may change without notice. A
contract in pyproject.toml (lint-imports) refuses a plugin in plugins/ that imports more.
"""

from trivsel.core.auth import PUBLIC, allow
from trivsel.core.forms import (
    Form,
    MultiCheckboxField,
    choices,
    chosen,
    date_field,
    email_field,
    max_length,
    not_in_future,
    optional,
    required,
    typed,
    year_field,
)
from trivsel.core.hookspecs import (
    Branch,
    ChannelUnavailable,
    CourseSnapshot,
    NavItem,
    NotificationChannel,
    OfferData,
    OfferFigures,
    OfferYearFigures,
    Organisation,
    OutgoingMessage,
    Recipient,
    ReferralForm,
    ReferralSnapshot,
    ReferralSubmission,
    hookimpl,
)
from trivsel.core.labels import (
    CONSENT_ITEMS,
    FIRST_CALL,
    INTEREST_AREAS,
    OFFER_CATEGORIES,
    REFERRAL_STATUSES,
    TARGET_GROUPS,
)
from trivsel.core.labels import STAGES as STAGE_LABELS
from trivsel.core.rendering import render
from trivsel.courses.flow import ACTIONS, ENDED_STAGES, OPEN_STAGES, STAGES
from trivsel.directory.service import offer_figures
from trivsel.statistics.bridging import offer_figures_by_year

__all__ = [
    # Hooks
    "hookimpl",
    # Pages
    "allow",
    "PUBLIC",
    "render",
    # Forms
    "Form",
    "MultiCheckboxField",
    "chosen",
    "choices",
    "date_field",
    "email_field",
    "max_length",
    "not_in_future",
    "optional",
    "required",
    "typed",
    "year_field",
    # What hooks take and return
    "Branch",
    "CourseSnapshot",
    "NavItem",
    "OfferData",
    "OfferFigures",
    "OfferYearFigures",
    "Organisation",
    "ReferralForm",
    "ReferralSnapshot",
    "ReferralSubmission",
    "NotificationChannel",
    "OutgoingMessage",
    "Recipient",
    "ChannelUnavailable",
    # Code lists and stage names a plugin may read
    "ACTIONS",
    "CONSENT_ITEMS",
    "ENDED_STAGES",
    "FIRST_CALL",
    "INTEREST_AREAS",
    "OFFER_CATEGORIES",
    "OPEN_STAGES",
    "REFERRAL_STATUSES",
    "STAGES",
    "STAGE_LABELS",
    "TARGET_GROUPS",
    # Read-only figures
    "offer_figures",
    "offer_figures_by_year",
]
