"""The hook contract between Trivsel and its plugins.

Every hook is `trivsel_`-prefixed, typed and documented: what it receives, what it returns and
when it is called. A plugin implements a hook with a function of the same name decorated with
`trivsel.api.hookimpl`; it may accept fewer arguments than the specification names.

The core's own features are default plugins (`trivsel/default_plugins/`) that implement these
same hooks; a plugin installed with pip has exactly the same way in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from flask import Blueprint
    from markupsafe import Markup
    from wtforms import Form

hookspec = pluggy.HookspecMarker("trivsel")
hookimpl = pluggy.HookimplMarker("trivsel")


@dataclass(frozen=True)
class CourseSnapshot:
    """A read-only view of a course as it was saved, for events and template slots.

    Statistical facts only: no citizen field (name, phone, goals) is ever in it, and it is not
    the database row, so a plugin cannot save past the course's optimistic lock. Stage and
    action codes are those of ``trivsel.api.STAGES`` and ``trivsel.api.ACTIONS``.
    """

    id: int
    stage: str
    branch: str
    version: int
    received_on: date
    channel: str | None = None
    initiated_by: str | None = None
    target_group: str | None = None
    first_contact_on: date | None = None
    intake_scheduled_at: datetime | None = None
    intake_held_on: date | None = None
    volunteer_id: int | None = None
    started_on: date | None = None
    expected_end_on: date | None = None
    ended_on: date | None = None
    followed_up_on: date | None = None


@dataclass(frozen=True)
class ReferralSnapshot:
    """A read-only view of how a referred inquiry came in (the ``course_facts`` slot).

    :param form: the referral form's key; ``plugin`` the plugin that contributed it.
    :param extra: the facts the form's plugin returned in ``ReferralSubmission.extra``.
    The referrer's work contact (``referrer_name``, ``referrer_department``,
    ``referrer_phone``) is a professional's, not the citizen's. ``case_reference`` is the
    referrer's own reference (their journal's number or initials), or None.
    """

    id: int
    course_id: int
    form: str
    plugin: str
    organisation: str | None = None
    referred_by_id: int | None = None
    referrer_name: str | None = None
    referrer_department: str | None = None
    referrer_phone: str | None = None
    first_call: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    case_reference: str | None = None


@dataclass(frozen=True)
class OfferFigures:
    """How many citizens a directory offer was bridged to, and how many went: counts, never
    who (``trivsel.api.offer_figures``).

    :param asked: of the bridged, those whose follow-up call said whether they went.
    :param went_percent: ``went`` in percent of ``asked`` (None while none was asked).
    """

    id: int
    name: str
    organisation_name: str
    active: bool
    bridged: int
    went: int
    asked: int = 0
    went_percent: int | None = None


@dataclass(frozen=True)
class OfferYearFigures:
    """One project year of an organisation's offers (``trivsel.api.offer_figures_by_year``):
    the year's first day, the year as the statistics page names it ("2013", "2012/13"), and
    the offers bridged to in it (by the day of the closing), as :class:`OfferFigures`."""

    start: date
    label: str
    offers: tuple[OfferFigures, ...]


class Demo(Protocol):
    """The demo being loaded, as ``trivsel_demo`` receives it.

    Demo logins are named by the part of their e-mail before the ``@`` (``"partner"``,
    ``"forening"``, ``"koordinator"``); the report's stories by the citizen's first name in
    lower case (``"gerda"``, ``"inge"``).
    """

    today: date

    def join_organisation(self, login: str, organisation: str) -> None:
        """Make the demo login a staff member of the plugin's organisation (its key)."""

    def refer(self, story: str, form: str, referred_by: str, submission: ReferralSubmission):
        """Mark the story's course as referred through the referral form ``form`` by the demo
        login ``referred_by``, with the submission's referrer, consents and extra facts."""

    def own_offers(self, organisation: str, organisation_name: str) -> int:
        """Give the organisation (its key) the demo's directory offers run under that name, so
        its staff keep them; returns how many."""


@dataclass(frozen=True)
class Branch:
    """A programme branch: the core scheme, or one a plugin adds (counted apart in statistics).

    :param key: a short stable code stored on each course, e.g. ``"main"``.
    :param label: the name shown to users (a translated string).
    """

    key: str
    label: str


@dataclass(frozen=True)
class Organisation:
    """A partner organisation a plugin contributes: a municipal department, an association.

    Partner users belong to one (``User.organisation`` holds its key, set on the admin's user
    screen); that decides which referral forms they may use and which directory entries they
    keep.

    :param key: a short stable code, e.g. ``"rehabilitation"``.
    :param name: the organisation's name.
    :param kind: ``"referrer"`` (sends citizens) or ``"association"`` (receives them).
    :param contact: the organisation's fixed contact person, as shown to the coordinator
        (name, phone, e-mail in one line), or None.
    """

    key: str
    name: str
    kind: str = "referrer"
    contact: str | None = None


@dataclass
class ReferralSubmission:
    """What a valid referral form becomes: the core saves it as an inquiry.

    :param citizen: personal fields for the citizen row: ``name``, ``phone``, ``email``,
        ``considerations`` (special considerations; only with the ``share_considerations``
        consent given: the core refuses them otherwise).
    :param consents: item code → given (True/False), recorded item by item.
    :param branch: the programme branch key.
    :param target_group: a code of ``trivsel.api.TARGET_GROUPS``, or None.
    :param birth_year: the citizen's birth year, or None.
    :param referrer_name: the professional's name. Also ``referrer_department`` and
        ``referrer_phone``: their work contact, so the coordinator can call back.
    :param first_call: who makes the first call: ``"scheme"`` or ``"citizen"``, or None.
    :param extra: facts of the plugin's own (JSON-serialisable), e.g. a date; the plugin
        shows them in the ``course_facts`` template slot.
    :param received_on: the day the referral arrived (default: today).
    :param case_reference: the referrer's own reference (at most 40 characters, never a CPR
        number). The core fills it from the field it adds to every referral form; a plugin
        leaves it None (the demo may set it).
    """

    citizen: dict[str, str | None]
    consents: dict[str, bool] = field(default_factory=dict)
    branch: str = "main"
    target_group: str | None = None
    birth_year: int | None = None
    referrer_name: str | None = None
    referrer_department: str | None = None
    referrer_phone: str | None = None
    first_call: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    received_on: date | None = None
    case_reference: str | None = None


@dataclass(frozen=True)
class ReferralForm:
    """A referral form a plugin contributes.

    :param key: a short stable code, unique across plugins; it is part of the form's URL.
    :param title: the form's title (a translated string).
    :param form_class: a WTForms form class (subclass ``trivsel.api.Form`` for CSRF and
        Danish messages). A new instance is made for every request; never change the class.
        The core adds two fields of its own to every form (the names ``case_reference`` and
        ``contact_referrer`` are the core's), and prefills the fields ``referrer_name``,
        ``referrer_department`` and ``referrer_phone`` for a partner user.
    :param submit: turns a *validated* form into a :class:`ReferralSubmission`.
    :param roles: the roles that may use the form (``"partner"``, ``"coordinator"``).
    :param organisations: when given, only partner users of these organisations may use it
        (other roles are not restricted by it).
    :param description: one line shown above the form and in the list of forms.
    """

    key: str
    title: str
    form_class: type[Form]
    submit: Callable[[Form], ReferralSubmission]
    roles: tuple[str, ...] = ("partner",)
    organisations: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class OfferData:
    """A follow-on offer a plugin contributes to the directory.

    :param key: stable within the plugin: the core updates the offer with the same key,
        and marks offers the plugin no longer returns inactive (links to them stay).
    :param organisation_name: the organisation running the offer. The other fields follow
        the directory's offer: ``name``, ``description``, ``target_group`` (a code of
        ``trivsel.api.TARGET_GROUPS``), ``eligibility``, ages, ``schedule`` (when), ``location``
        (where), ``area``, contact, ``url``, ``categories`` (codes of
        ``trivsel.api.OFFER_CATEGORIES``), ``owner_organisation`` (an organisation key).
    """

    key: str
    organisation_name: str
    name: str
    description: str | None = None
    target_group: str | None = None
    eligibility: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    schedule: str | None = None
    location: str | None = None
    area: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    owner_organisation: str | None = None


@dataclass(frozen=True)
class NavItem:
    """A menu item: shown to the roles allowed at its endpoint (the view's ``@allow``).

    :param endpoint: a Flask endpoint taking no URL arguments, e.g. ``"myplugin.home"``.
    :param label: the menu text (a translated string).
    """

    endpoint: str
    label: str


@dataclass(frozen=True)
class Recipient:
    """Who a message is for, as a notification channel's ``address`` receives it: a read-only
    view of the user, not the database row.

    :param id: the user's id (a plugin keeping its own addresses, e.g. phone numbers, keys
        them by it). ``name``, ``email`` and ``role`` are the user's.
    """

    id: int
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as a notification channel's ``send`` receives it (never the outbox row).

    It names no citizen: what happened, a course number and a link that needs a login.

    :param id: the outbox message's id (the same on every try: a channel may use it to
        recognise a repeat). ``kind`` is its kind's key (``"test"``, ...).
    :param address: where it goes on this channel (an e-mail address, a phone number, ...).
    :param subject: a one-line summary, in Danish. ``body`` is the plain text.
    :param attachment: an iCalendar (.ics) text, or None; ``method`` is then ``"REQUEST"``
        or ``"CANCEL"``. A channel that cannot carry it sends the text alone.
    """

    id: int
    kind: str
    address: str
    subject: str
    body: str
    attachment: str | None = None
    method: str | None = None


class ChannelUnavailable(Exception):
    """Raised by a channel's ``send`` when the channel itself cannot send now (its service is
    down, its login refused), not just this message: the message is tried again later and the
    sender stops using the channel until its next round."""


@dataclass(frozen=True)
class NotificationChannel:
    """A way to reach people besides e-mail (the built-in channel, key ``"email"``).

    :param key: a short stable code, stored on each message and on the users' choices; not
        ``"email"`` nor ``"off"``, and unique across plugins.
    :param label: what the user's choice of channel calls it (a translated string).
    :param send: delivers one :class:`OutgoingMessage`; returns nothing when it was handed
        over, raises on failure (any exception: the message is tried again after a wait, and
        is "failed" after ``OUTBOX_MAX_ATTEMPTS`` tries; :class:`ChannelUnavailable` also
        pauses the channel for the rest of the round). Return within a minute or so: a
        message claimed for longer than ``OUTBOX_CLAIM_MINUTES`` is taken back.
    :param address: the recipient's address on this channel, from a :class:`Recipient`
        (Trivsel keeps no phone numbers for users: a channel may keep its own addresses, keyed
        by ``Recipient.id``), or None when the user has none: the message is then "failed" at
        once, and the admin sees who cannot be reached.
    """

    key: str
    label: str
    send: Callable[[OutgoingMessage], None]
    address: Callable[[Recipient], str | None]


# ---------------------------------------------------------------------------
# Setup: called once while the app is built.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_blueprints() -> list[Blueprint]:
    """Flask blueprints with the plugin's own pages.

    :return: a list of blueprints. Name them after the plugin (the name prefixes every
        endpoint). Every view needs ``@trivsel.api.allow(...)``: a view without it is refused
        to everyone (deny by default).

    Called once while the app is built, after the core's blueprints are registered. A plugin
    that raises here stops start-up, naming it.

    Example::

        bp = Blueprint("myplugin", __name__, url_prefix="/myplugin")

        @bp.route("/")
        @allow("partner")
        def home():
            return render("myplugin/home.html")

        @hookimpl
        def trivsel_blueprints():
            return [bp]
    """


@hookspec
def trivsel_template_folders() -> list[Path]:
    """Folders of the plugin's Jinja templates.

    :return: a list of folder paths. Keep the templates namespaced: a folder holds one
        sub-folder named after the plugin (``templates/myplugin/page.html``, rendered as
        ``"myplugin/page.html"``). The core's own templates win on a name clash.

    Called once while the app is built. A plugin that raises here stops start-up.
    """


# ---------------------------------------------------------------------------
# Programme structure and partners: called when a page or form needs them.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_organisations() -> list[Organisation]:
    """The partner organisations this plugin contributes.

    :return: a list of :class:`Organisation`; keys must be unique across plugins.

    Called when the admin ties a partner user to an organisation, when a referral form's
    users are checked, and when the coordinator sees a referral (the fixed contact person).
    """


@hookspec
def trivsel_consent_items() -> Mapping[str, str]:
    """Consent items of the plugin's own, beside ``trivsel.api.CONSENT_ITEMS``.

    :return: a mapping of item code → label (a translated string).

    Called when consents are shown (the course page) and when a referral is saved: a
    submission may record only known items.
    """


# ---------------------------------------------------------------------------
# Programme structure
# ---------------------------------------------------------------------------


@hookspec
def trivsel_branches() -> list[Branch]:
    """The programme branches this plugin contributes.

    :return: a list of :class:`Branch`; keys must be unique across plugins.

    Called when a form offers a branch to choose and when a course's branch is shown. The core
    contributes the main scheme, key ``"main"``.

    Example::

        @hookimpl
        def trivsel_branches():
            return [Branch("youth", _l("Brobygning (unge)"))]
    """


@hookspec
def trivsel_referral_forms() -> list[ReferralForm]:
    """The referral forms this plugin contributes: its way in.

    :return: a list of :class:`ReferralForm`.

    Called when the list of referral forms is shown, and when one is shown or submitted. The
    core checks the user may use it, validates it, and saves what ``submit`` returns as an
    inquiry (channel "referral", initiated by a professional) with its consents item by item,
    in one transaction; then ``trivsel_inquiry_received`` is called.

    Example::

        @hookimpl
        def trivsel_referral_forms():
            return [ReferralForm("myform", _l("Henvis en borger"), MyForm, submit)]
    """


@hookspec
def trivsel_offers() -> list[OfferData]:
    """The follow-on offers this plugin contributes to the directory: its way out.

    :return: a list of :class:`OfferData`.

    Called when the directory is shown or the closing form lists offers, and by
    ``flask directory sync``; the core stores them (source ``plugin:<name>``) so a course can
    link to them.
    """


@hookspec
def trivsel_navigation_items() -> list[NavItem]:
    """Menu items for the plugin's pages.

    :return: a list of :class:`NavItem`; each is shown to the roles its view allows.

    Called on every full page, when the menu is drawn.
    """


# ---------------------------------------------------------------------------
# Notifications: called by the sender and the users' choice of channels.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_notification_channels() -> list[NotificationChannel]:
    """Ways to reach people besides e-mail, e.g. text messages through a vendor.

    :return: a list of :class:`NotificationChannel`. Each user may then choose the channel
        per kind of message on their page *Beskeder*.

    Called when a user's choices or the outbox page are shown, and by every round of the sender
    (``flask outbox send`` and ``flask outbox worker``), which claims each message due on a
    channel before calling its ``send``, so two senders never send one twice. A message on
    a channel no plugin provides any more is "failed" at once. Keys must be unique: a clash
    with another plugin, or the key ``"email"`` or ``"off"``, stops start-up.

    Example::

        @hookimpl
        def trivsel_notification_channels():
            return [NotificationChannel("sms", _l("SMS"), send=send_sms, address=phone_of)]
    """


# ---------------------------------------------------------------------------
# Template slots: a core page asks plugins for markup at a named place.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_template_slot(slot: str, context: dict[str, Any]) -> Markup | str | None:
    """Markup to put at a named place on a core page.

    :param slot: the place. ``"course_facts"`` (the coordinator's course page, among the
        facts; context: ``course``, a :class:`CourseSnapshot`, and ``referral``, a
        :class:`ReferralSnapshot` or None), ``"partner_home"`` (the partner's start
        page; context: ``user``), ``"directory_top"`` (above the directory; context:
        ``user``).
    :param context: what the page passes for this slot (see above).
    :return: safe markup (``markupsafe.Markup(render_template(...))``), plain text (a str
        or a ``lazy_gettext`` string, escaped by the core), or None to add nothing. Never
        wrap text holding user data in ``Markup``: ``Markup.format`` escapes its arguments.

    Called while the page is rendered, once per slot. A plugin that raises is logged and
    shown on the admin page; the page renders without its part.
    """


# ---------------------------------------------------------------------------
# The demo
# ---------------------------------------------------------------------------


@hookspec
def trivsel_demo(demo: Demo) -> None:
    """Add the plugin's part of the demo: its organisations' users, its referrals.

    :param demo: the demo being loaded (see :class:`Demo`): its day, and ways to tie a demo
        login to an organisation, to mark a demo story as a referral from the plugin's form,
        and to own directory offers.
    :return: nothing; a returned value is ignored.

    Called once by ``flask load-demo`` (and ``make run`` on a new database), after the core's
    demo (users, offers, the report's stories) is written, inside the same transaction. A
    plugin that raises is logged; the demo loads without its part.

    Example::

        @hookimpl
        def trivsel_demo(demo):
            demo.join_organisation("partner", "myorg")
    """


# ---------------------------------------------------------------------------
# Events: called after the change is saved; a plugin that raises is logged and
# shown on the admin page, and the core's change stands.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_inquiry_received(course: CourseSnapshot) -> None:
    """A new inquiry was registered.

    :param course: a :class:`CourseSnapshot` of the saved course, in stage ``"new"``.
    :return: nothing; a returned value is ignored.

    Called once, after the inquiry is saved, whatever screen or plugin registered it.
    """


@hookspec
def trivsel_course_stage_changed(course: CourseSnapshot, action: str, old_stage: str) -> None:
    """A step was taken on a course and saved.

    :param course: a :class:`CourseSnapshot` after the step (``course.stage`` is the new
        stage).
    :param action: the step taken, one of ``trivsel.api.ACTIONS``.
    :param old_stage: the stage before the step.
    :return: nothing; a returned value is ignored.

    Called after every step that is saved, including steps that keep the stage (rescheduling
    an intake). A course that closes arrives here with ``course.stage == "closed"``.
    """


@hookspec
def trivsel_course_closed(course: CourseSnapshot, offer_ids: list[int]) -> None:
    """A course was closed (the closing step was saved).

    :param course: a :class:`CourseSnapshot` after closing (``course.stage == "closed"``).
    :param offer_ids: the ids of the directory offers the citizen was bridged to.
    :return: nothing; a returned value is ignored.

    Called once per closed course, after ``trivsel_course_stage_changed`` for the same step.
    """
