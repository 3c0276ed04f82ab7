"""The coordinator's screens: new inquiry, course list, course page and its steps."""

import secrets
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core import labels
from trivsel.core.auth import allow
from trivsel.core.db import database, now
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import is_partial, render
from trivsel.core.workdays import working_days_between
from trivsel.corps import service as corps
from trivsel.courses import flow, queries
from trivsel.courses.forms import (
    CitizenForm,
    CloseForm,
    FirstContactForm,
    FollowUpForm,
    HoldIntakeForm,
    InquiryForm,
    MatchFactsForm,
    MatchMeetingForm,
    ProposeForm,
    RetractForm,
    ScheduleIntakeForm,
    WithdrawForm,
    default_expected_end,
)
from trivsel.courses.models import Citizen, Course, Proposal
from trivsel.courses.steps import Conflict, register_inquiry, save_citizen, save_course, take_step
from trivsel.directory import service as directory
from trivsel.directory.models import Offer, OfferLink
from trivsel.privacy import service as privacy
from trivsel.privacy.models import Consent
from trivsel.referrals import service as referrals

bp = Blueprint("courses", __name__)


def refusal_message(refused):
    """A clear Danish message for a step the flow refused."""
    if refused.reason == "stage":
        return _(
            "“%(action)s” kan ikke gøres nu, fordi forløbet står som “%(stage)s”. Intet er ændret.",
            action=labels.ACTIONS.get(refused.action, refused.action),
            stage=labels.STAGES.get(refused.stage, refused.stage),
        )
    return _("Trinnet mangler oplysninger. Intet er ændret.")


def conflict_message():
    return _(
        "Forløbet blev ændret af en anden, mens du skrev. Dine indtastninger er bevaret "
        "nedenfor; se de nye oplysninger og gem igen."
    )


# --- The coordinator's steps: a form, and what the step saves ---------------------------


@dataclass(frozen=True)
class StepSpec:
    form: type
    save: object  # (form, course) -> (changes, facts, after)


def _who5_if_consented(form, course):
    """The WHO-5 score, unless the citizen has withdrawn consent to it."""
    if privacy.WHO5 in privacy.withdrawn_items(course.id):
        return None
    return form.who5_score()


def _first_contact(form, course):
    contacted = form.contacted_on.data
    return (
        {
            "first_contact_on": contacted,
            "first_contact_working_days": working_days_between(course.received_on, contacted),
        },
        {},
        None,
    )


def _schedule_intake(form, course):
    return {"intake_scheduled_at": form.scheduled_at.data}, {}, None


def _hold_intake(form, course):
    outcome = form.outcome.data
    changes = {
        "intake_held_on": form.held_on.data,
        "intake_outcome": outcome,
        "who5_intake": _who5_if_consented(form, course),
        **form.match_facts(),
    }
    if outcome != "matching":
        changes["ended_on"] = form.held_on.data
    goals = (form.goals.data or "").strip() or None
    postcode = (form.postcode.data or "").strip() or None

    def save_goals(updated):
        personal = {k: v for k, v in (("goals", goals), ("postcode", postcode)) if v}
        if not personal:
            return
        if updated.citizen_id:
            Citizen.update(**personal).where(Citizen.id == updated.citizen_id).execute()
        else:
            citizen = Citizen.create(**personal)
            Course.update(citizen=citizen).where(Course.id == updated.id).execute()

    return changes, {"outcome": outcome}, save_goals


def _propose(form, course):
    def create_proposal(updated):
        Proposal.create(
            course=updated.id, volunteer=form.volunteer.data, proposed_by=current_user.id
        )

    return {}, {}, create_proposal


def _close_open_proposals(status):
    def close(updated):
        (
            Proposal.update(status=status, answered_at=now())
            .where((Proposal.course == updated.id) & (Proposal.status.in_(("pending", "accepted"))))
            .execute()
        )

    return close


def _retract(form, course):
    return {}, {}, _close_open_proposals("retracted")


def _match_meeting(form, course):
    proposal = (
        Proposal.select()
        .where((Proposal.course == course.id) & (Proposal.status == "accepted"))
        .order_by(Proposal.id.desc())
        .first()
    )
    if proposal is None:  # cannot happen in stage MATCH_MEETING, but never guess
        abort(409)
    citizen_yes = form.citizen_yes.data == "yes"
    volunteer_yes = form.volunteer_yes.data == "yes"
    changes = {}
    if citizen_yes and volunteer_yes:
        weeks = current_app.config["COURSE_EXPECTED_WEEKS"]
        changes = {
            "volunteer": proposal.volunteer_id,
            "started_on": form.meeting_on.data,
            "frequency": form.frequency.data,
            "expected_end_on": form.expected_end_on.data
            or default_expected_end(form.meeting_on.data, weeks),
        }

    def record_meeting(updated):
        (
            Proposal.update(
                meeting_on=form.meeting_on.data,
                citizen_yes=citizen_yes,
                volunteer_yes=volunteer_yes,
                status="matched" if citizen_yes and volunteer_yes else "not_matched",
            )
            .where(Proposal.id == proposal.id)
            .execute()
        )

    facts = {"citizen_yes": citizen_yes, "volunteer_yes": volunteer_yes}
    return changes, facts, record_meeting


def _close(form, course):
    changes = {
        "ended_on": form.ended_on.data,
        "goals_met": form.goals_met.data,
        "needs_more_support": form.needs_more_support.data == "yes",
        "follow_on_offers": (form.follow_on_offers.data or "").strip() or None,
    }
    offer_ids = form.offers.data or [] if "offers" in form else []

    def link_offers(updated):
        for offer_id in dict.fromkeys(offer_ids):
            OfferLink.create(course=updated.id, offer=offer_id, linked_on=form.ended_on.data)

    return changes, {}, link_offers


def _follow_up(form, course):
    changes = {
        "followed_up_on": form.followed_up_on.data,
        "felt_heard": form.felt_heard.data == "yes",
        "quality_of_life": form.quality_of_life.data,
        "follow_on_contact": form.follow_on_contact.data == "yes",
        "who5_follow_up": _who5_if_consented(form, course),
    }
    went = set(form.went.data or []) if "went" in form else None

    def record_went(updated):
        if went is None:
            return
        for went_there in (True, False):
            chosen_ids = [i for i in (form.went.choices or []) if (i.value in went) == went_there]
            if chosen_ids:
                (
                    OfferLink.update(went=went_there)
                    .where(
                        (OfferLink.course == updated.id)
                        & OfferLink.offer.in_([c.value for c in chosen_ids])
                    )
                    .execute()
                )

    return changes, {}, record_went


def _withdraw(form, course):
    return {"ended_on": form.withdrawn_on.data}, {}, _close_open_proposals("retracted")


COORDINATOR_STEPS = {
    flow.FIRST_CONTACT: StepSpec(FirstContactForm, _first_contact),
    flow.SCHEDULE_INTAKE: StepSpec(ScheduleIntakeForm, _schedule_intake),
    flow.HOLD_INTAKE: StepSpec(HoldIntakeForm, _hold_intake),
    flow.PROPOSE: StepSpec(ProposeForm, _propose),
    flow.RETRACT: StepSpec(RetractForm, _retract),
    flow.MATCH_MEETING_HELD: StepSpec(MatchMeetingForm, _match_meeting),
    flow.CLOSE: StepSpec(CloseForm, _close),
    flow.FOLLOW_UP: StepSpec(FollowUpForm, _follow_up),
    flow.WITHDRAW: StepSpec(WithdrawForm, _withdraw),
}


def make_step_form(action, course, submitted=False, suggestions=None):
    """The form for a step: filled from the request when submitted, else fresh."""
    kwargs = {"course": course}
    if action == flow.PROPOSE:
        kwargs["suggestions"] = (
            suggestions if suggestions is not None else corps.suggestions(course)
        )
    if action == flow.CLOSE:
        kwargs["offers"] = directory.active_offers()
    if action == flow.FOLLOW_UP:
        kwargs["links"] = _offer_links(course)
    if not submitted:
        kwargs.update(formdata=None, version=course.version)
        if action == flow.HOLD_INTAKE and course.citizen:
            kwargs["goals"] = course.citizen.goals
            kwargs["postcode"] = course.citizen.postcode
    form = COORDINATOR_STEPS[action].form(prefix=action, **kwargs)
    if not submitted:
        for field in form:
            if field.type == "DateField" and field.flags.required and field.data is None:
                field.data = date.today()
    return form


def _offer_links(course):
    return list(
        OfferLink.select(OfferLink, Offer)
        .join(Offer)
        .where(OfferLink.course == course.id)
        .order_by(Offer.organisation_name, Offer.name)
    )


def _consents(course):
    return list(Consent.select().where(Consent.course == course.id).order_by(Consent.id))


def _load(course_id):
    course = queries.course_detail(course_id)
    if course is None:
        abort(404)
    return course


def coordinator_steps(course, withdrawn=None):
    """The coordinator's steps open for the course: the flow's, less the follow-up call when
    the citizen has withdrawn consent to be contacted for it."""
    if withdrawn is None:
        withdrawn = privacy.withdrawn_items(course.id)
    return [
        a
        for a in flow.allowed_actions(course.stage)
        if a in COORDINATOR_STEPS
        and not (a == flow.FOLLOW_UP and privacy.FOLLOW_UP_CALL in withdrawn)
    ]


def render_course(course, forms=None, message=None, status=200):
    """The course page, or its panel for htmx; `forms` replaces fresh forms (to keep input)."""
    withdrawn = privacy.withdrawn_items(course.id)
    steps = coordinator_steps(course, withdrawn)
    suggestions = corps.suggestions(course) if flow.PROPOSE in steps else None
    step_forms = {
        action: make_step_form(action, course, suggestions=suggestions) for action in steps
    }
    step_forms.update(forms or {})
    plugins = get_plugins()
    referral = referrals.referral_of(course.id)
    organisation = None
    if referral is not None and referral.organisation:
        organisation = plugins.organisations().get(referral.organisation)
    return render(
        "courses/page.html",
        "courses/_panel.html",
        status=status,
        course=course,
        steps=steps,
        step_forms=step_forms,
        timeline=queries.timeline(course),
        proposals=queries.proposals_for(course),
        suggestions=suggestions,
        message=message,
        branches=get_plugins().branches(),
        referral=referral,
        organisation=organisation,
        offer_links=_offer_links(course),
        consents=_consents(course),
        consent_items=plugins.consent_items(),
        withdrawn_consents=withdrawn,
    )


# --- Routes --------------------------------------------------------------------------------


@bp.route("/courses")
@allow("coordinator")
def index():
    args = request.args
    page = min(max(1, args.get("page", 1, type=int) or 1), 100_000)
    volunteer_id = args.get("volunteer", type=int)
    if volunteer_id is not None and not 0 < volunteer_id < 2**31:
        volunteer_id = None
    rows, has_more = queries.search_courses(
        q=args.get("q", ""),
        stage=args.get("stage", ""),
        branch=args.get("branch", ""),
        volunteer_id=volunteer_id,
        page=page,
    )
    return render(
        "courses/index.html",
        "courses/_rows.html",
        rows=rows,
        has_more=has_more,
        page=page,
        args=args,
        volunteers=queries.active_volunteers(),
        branches=get_plugins().branches(),
    )


@bp.route("/inquiries/new", methods=["GET", "POST"])
@allow("coordinator")
def new_inquiry():
    branches = get_plugins().branches()
    form = InquiryForm(branches=branches.values())
    if request.method == "GET":
        form.branch.data = "main"
        form.submission_key.data = secrets.token_urlsafe(16)
    if form.validate_on_submit():
        course, created = register_inquiry(
            current_user.id,
            form.citizen_fields(),
            submission_key=form.submission_key.data or None,
            received_on=form.received_on.data,
            channel=form.channel.data,
            initiated_by=form.initiated_by.data,
            branch=form.branch.data,
            birth_year=form.birth_year.data,
            target_group=form.target_group.data or None,
        )
        if created:
            flash(_("Henvendelsen er registreret som forløb nr. %(id)s.", id=course.id), "success")
        else:
            flash(_("Henvendelsen var allerede registreret som forløb nr. %(id)s.", id=course.id))
        return redirect(url_for("courses.show", course_id=course.id), 303)
    status = 422 if form.errors else 200
    return render("courses/new_inquiry.html", form=form, status=status)


@bp.route("/courses/<int:course_id>")
@allow("coordinator")
def show(course_id):
    course = _load(course_id)
    if course.citizen_id:
        privacy.log_access("view", course.id)
    return render_course(course)


@bp.route("/courses/<int:course_id>/steps/<action>", methods=["POST"])
@allow("coordinator")
def step(course_id, action):
    if action not in COORDINATOR_STEPS:
        abort(404)
    course = _load(course_id)
    if action not in flow.allowed_actions(course.stage):
        refused = flow.StepRefused(action, course.stage)
        return render_course(course, message=refusal_message(refused), status=409)
    if action not in coordinator_steps(course):
        message = _(
            "Borgeren har trukket samtykket til en opfølgende samtale tilbage. Intet er ændret."
        )
        return render_course(course, message=message, status=409)
    form = make_step_form(action, course, submitted=True)
    if not form.validate():
        return render_course(course, forms={action: form}, status=422)
    changes, facts, after = COORDINATOR_STEPS[action].save(form, course)
    try:
        take_step(course, action, current_user.id, form.version.data, changes, after, **facts)
    except flow.StepRefused as refused:
        return render_course(_load(course_id), message=refusal_message(refused), status=409)
    except Conflict:
        course = _load(course_id)
        form.version.data = course.version
        return render_course(course, forms={action: form}, message=conflict_message(), status=409)
    flash(_("Gemt: %(step)s.", step=labels.ACTIONS[action]), "success")
    if is_partial():
        return render_course(_load(course_id))
    return redirect(url_for("courses.show", course_id=course_id), 303)


@bp.route("/courses/<int:course_id>/citizen", methods=["GET", "POST"])
@allow("coordinator")
def edit_citizen(course_id):
    course = _load(course_id)
    citizen = course.citizen
    if request.method == "GET":
        form = CitizenForm(obj=citizen, course=course, version=course.version)
        if citizen is not None:
            privacy.log_access("view", course.id)
    else:
        form = CitizenForm(course=course)
    if form.validate_on_submit():
        try:
            save_citizen(course, form.version.data, form.citizen_fields())
            privacy.log_access("edit", course.id)
        except Conflict:
            form.version.data = _load(course_id).version
            form.form_errors.append(conflict_message())
        else:
            flash(_("Kontaktoplysningerne er gemt."), "success")
            return redirect(url_for("courses.show", course_id=course_id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render("courses/citizen.html", form=form, course=course, status=status)


@bp.route("/courses/<int:course_id>/match-facts", methods=["GET", "POST"])
@allow("coordinator")
def edit_match_facts(course_id):
    """What the match needs (areas, times, phone, language, postcode), after the intake."""
    course = _load(course_id)
    if course.stage not in flow.OPEN_STAGES:
        abort(409, _("Forløbet er slut. Oplysningerne til matchet kan ikke ændres."))
    if request.method == "GET":
        form = MatchFactsForm(
            formdata=None,
            obj=course,
            course=course,
            version=course.version,
            postcode=corps.citizen_postcode(course),
        )
    else:
        form = MatchFactsForm(course=course)
    if form.validate_on_submit():
        postcode = (form.postcode.data or "").strip() or None
        try:
            with database.atomic():
                save_course(course, form.version.data, **form.match_facts())
                if postcode != corps.citizen_postcode(course):
                    corps.save_citizen_postcode(course, postcode)
        except Conflict:
            form.version.data = _load(course_id).version
            form.form_errors.append(conflict_message())
            return render("courses/match_facts.html", form=form, course=course, status=409)
        else:
            flash(_("Oplysningerne til matchet er gemt."), "success")
            return redirect(url_for("courses.show", course_id=course_id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render("courses/match_facts.html", form=form, course=course, status=status)
