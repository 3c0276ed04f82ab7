"""The coordinator's screens: new inquiry, course list, course page and its steps."""

import secrets
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trivsel.calendar import appointments
from trivsel.calendar.models import INTAKE, MATCH_MEETING
from trivsel.core import labels
from trivsel.core.auth import allow
from trivsel.core.numbers import row_id
from trivsel.core.plugins import get_plugins
from trivsel.core.rendering import is_partial, render
from trivsel.corps import service as corps
from trivsel.courses import corrections, flow, listing, queries, service, steps
from trivsel.courses.forms import (
    STEP_FORMS,
    CitizenForm,
    ConversationCorrectionForm,
    InquiryForm,
    MatchFactsForm,
    RemoveConversationForm,
    date_correction_form,
)
from trivsel.courses.messages import conflict_message, proposal_refused_message, refusal_message
from trivsel.directory import service as directory
from trivsel.privacy import access_log, consent
from trivsel.referrals import service as referrals

bp = Blueprint("courses", __name__)


# The step that schedules a meeting, and the appointment kind whose time and place it shows.
SCHEDULES = {flow.SCHEDULE_INTAKE: INTAKE, flow.SCHEDULE_MATCH_MEETING: MATCH_MEETING}
TIME_FIELDS = {flow.SCHEDULE_INTAKE: "scheduled_at", flow.SCHEDULE_MATCH_MEETING: "starts_at"}
# The steps that schedule or cancel a meeting, and the appointment kind they concern.
MEETING_KINDS = {**SCHEDULES, flow.CANCEL_INTAKE: INTAKE, flow.CANCEL_MATCH_MEETING: MATCH_MEETING}
# What the scheduling step is called when the meeting is booked already: it moves it.
MOVE_LABELS = {
    flow.SCHEDULE_INTAKE: _l("Flyt startsamtale"),
    flow.SCHEDULE_MATCH_MEETING: _l("Flyt matchmøde"),
}


def make_step_form(action, course, submitted=False, suggestions=None, meetings=None):
    """The form for a step: filled from the request when submitted, else fresh (a meeting
    already scheduled fills its form, to move it)."""
    kwargs = {"course": course}
    if action == flow.PROPOSE:
        kwargs["suggestions"] = (
            suggestions if suggestions is not None else corps.suggestions(course)
        )
    if action == flow.CLOSE:
        query, chosen, found = offer_picker(request.form if submitted else {})
        kwargs.update(offers=chosen, results=found)
    if action == flow.FOLLOW_UP:
        kwargs["links"] = directory.offer_links(course.id)
    if not submitted:
        kwargs.update(formdata=None, version=course.version)
        if action == flow.HOLD_INTAKE and course.citizen:
            kwargs["goals"] = course.citizen.goals
            kwargs["postcode"] = course.citizen.postcode
        if action in SCHEDULES:
            if meetings is None:
                meetings = steps.scheduled_meetings(course)
            standing = meetings.get(SCHEDULES[action])
            if standing is not None:
                kwargs[TIME_FIELDS[action]] = standing.starts_at
                kwargs["place"] = standing.place
                kwargs["at_home"] = standing.at_home
            elif action == flow.SCHEDULE_INTAKE and course.stage == flow.INTAKE_SCHEDULED:
                # Booked before the calendar kept appointments: the course has the time.
                kwargs["scheduled_at"] = course.intake_scheduled_at
    form = STEP_FORMS[action](prefix=action, **kwargs)
    if action == flow.CLOSE:
        form.offer_query = query
    if not submitted:
        for field in form:
            if field.type == "DateField" and field.flags.required and field.data is None:
                field.data = date.today()
    return form


# The close step's offer search: its field names (with the step's prefix) and how many
# offers one search shows.
OFFER_QUERY = f"{flow.CLOSE}-offer_q"
OFFER_SEARCH = f"{flow.CLOSE}-offer_search"
OFFER_IDS = f"{flow.CLOSE}-offers"
OFFER_RESULTS = 25


def offer_picker(values):
    """The close step's offer search from `values` (form or query string): (the term, the
    active offers among the ids sent, the offers the term finds). One query for each, never
    every offer."""
    ids = []
    for value in values.getlist(OFFER_IDS) if hasattr(values, "getlist") else ():
        try:
            ids.append(row_id(value))
        except ValueError:
            continue
    chosen = directory.active_offers_among(ids)
    query = (values.get(OFFER_QUERY) or "").replace("\x00", "").strip()[:100]
    found = directory.search(q=query, limit=OFFER_RESULTS) if query else []
    return query, chosen, found


def _load(course_id):
    course = queries.course_detail(course_id)
    if course is None:
        abort(404)
    return course


def coordinator_steps(course, withdrawn=None):
    """The coordinator's steps open for the course: the flow's, less the follow-up call when
    the citizen has withdrawn consent to be contacted for it."""
    if withdrawn is None:
        withdrawn = consent.withdrawn_items(course.id)
    return [
        a
        for a in flow.allowed_actions(course.stage)
        if a in STEP_FORMS and not (a == flow.FOLLOW_UP and consent.FOLLOW_UP_CALL in withdrawn)
    ]


def _shown_steps(course, withdrawn, meetings):
    """The steps the page offers: no "cancel the match meeting" before one is scheduled (the
    step refuses it anyway, with its reason)."""
    return [
        a
        for a in coordinator_steps(course, withdrawn)
        if not (a == flow.CANCEL_MATCH_MEETING and MATCH_MEETING not in meetings)
    ]


def render_course(course, forms=None, message=None, status=200):
    """The course page, or its panel for htmx; `forms` replaces fresh forms (to keep input)."""
    consents = consent.consents_for(course.id)
    withdrawn = consent.withdrawn_in(consents)
    proposals = queries.proposals_for(course)
    meetings = steps.scheduled_meetings(course, proposals=proposals)
    actions = _shown_steps(course, withdrawn, meetings)
    suggestions = corps.suggestions(course) if flow.PROPOSE in actions else None
    step_forms = {
        action: make_step_form(action, course, suggestions=suggestions, meetings=meetings)
        for action in actions
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
        steps=actions,
        step_forms=step_forms,
        timeline=queries.timeline(course),
        proposals=proposals,
        suggestions=suggestions,
        message=message,
        branches=get_plugins().branches(),
        referral=referral,
        organisation=organisation,
        offer_links=directory.offer_links(course.id),
        consents=consents,
        consent_items=plugins.consent_items(),
        withdrawn_consents=withdrawn,
        meetings=meetings,
        meeting_place=appointments.place_text,
        conversations=queries.conversations_of(course),
        describe=corrections.describe,
        meeting_kinds=MEETING_KINDS,
        move_labels=MOVE_LABELS,
        correctable_dates=corrections.correctable_dates(course),
    )


# --- Routes --------------------------------------------------------------------------------


# The course list's filters that hold no personal data (codes and a volunteer's id): they may
# travel in the query string. The free-text search (a citizen's name) never does.
LIST_FILTERS = ("stage", "branch", "volunteer")


def _list_filters(values):
    """The list's non-personal filters that are set, as sent (form or query string)."""
    return {name: values.get(name) for name in LIST_FILTERS if values.get(name)}


@bp.route("/courses", methods=["GET", "POST"])
@allow("coordinator")
def index():
    """The course list. The search term is usually a citizen's name, so it comes by POST only
    (with the CSRF token, like every form that is posted): never in a URL, the browser's
    history or the web server's log, where it would outlive the citizen's erasure. The
    filters may come in the query string too (a bookmark, the pager's links without a term)."""
    if request.method == "GET" and "q" in request.args:
        # An address from before the search was posted: drop the term from the address bar.
        return redirect(url_for("courses.index", **_list_filters(request.args)), 303)
    values = request.form if request.method == "POST" else request.args
    q = (request.form.get("q", "") if request.method == "POST" else "").replace("\x00", "").strip()
    filters = _list_filters(values)
    page = min(max(1, values.get("page", 1, type=int) or 1), 100_000)
    volunteer_id = values.get("volunteer", type=int)
    if volunteer_id is not None and not 0 < volunteer_id < 2**31:
        volunteer_id = None
    filters.pop("volunteer", None)
    if volunteer_id is not None:
        filters["volunteer"] = str(volunteer_id)
    rows, has_more = queries.search_courses(
        q=q,
        stage=filters.get("stage", ""),
        branch=filters.get("branch", ""),
        volunteer_id=volunteer_id,
        page=page,
    )
    response = render(
        "courses/index.html",
        "courses/_rows.html",
        rows=rows,
        has_more=has_more,
        page=page,
        q=q,
        filters=filters,
        volunteers=queries.active_volunteers(),
        branches=get_plugins().branches(),
        **listing.row_context(),
    )
    if request.method == "POST" and is_partial():
        # The address bar shows the filters, never the term (the form has no hx-push-url).
        response.headers["HX-Replace-Url"] = url_for("courses.index", **filters)
    return response


@bp.route("/inquiries/new", methods=["GET", "POST"])
@allow("coordinator")
def new_inquiry():
    branches = get_plugins().branches()
    form = InquiryForm(branches=branches.values())
    if request.method == "GET":
        form.branch.data = "main"
        form.submission_key.data = secrets.token_urlsafe(16)
    if form.validate_on_submit():
        course, created = service.register_inquiry(
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
        access_log.log_access("view", course.id)
    return render_course(course)


@bp.route("/courses/<int:course_id>/steps/<action>", methods=["POST"])
@allow("coordinator")
def step(course_id, action):
    if action not in STEP_FORMS:
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
    if action == flow.CLOSE and OFFER_SEARCH in request.form:
        # The offer search's button without JavaScript: the form again, as typed, with the
        # offers found; nothing is saved.
        return render_course(course, forms={action: form})
    if not form.validate():
        return render_course(course, forms={action: form}, status=422)
    values = form.step_values()
    if action == flow.MATCH_MEETING_HELD:
        values["expected_weeks"] = current_app.config["COURSE_EXPECTED_WEEKS"]
    take = steps.COORDINATOR_STEPS[action]
    try:
        take(course, current_user.id, form.version.data, **values)
    except steps.ProposalRefused as refused:
        form.volunteer.errors.append(proposal_refused_message(refused))
        return render_course(course, forms={action: form}, status=422)
    except flow.StepRefused as refused:
        return render_course(_load(course_id), message=refusal_message(refused), status=409)
    except steps.Conflict:
        course = _load(course_id)
        form.version.data = course.version
        return render_course(course, forms={action: form}, message=conflict_message(), status=409)
    flash(_("Gemt: %(step)s.", step=labels.ACTIONS[action]), "success")
    if is_partial():
        return render_course(_load(course_id))
    return redirect(url_for("courses.show", course_id=course_id), 303)


@bp.route("/courses/offers")
@allow("coordinator")
def offer_search():
    """The close step's offer search for htmx: the chosen offers (checked) and those found.
    Offers are not personal data, so the term may travel in the query string. Asked for as a
    page (no htmx), the directory's own search shows the offers."""
    query, chosen, found = offer_picker(request.args)
    if not is_partial():
        return redirect(url_for("directory.index", q=query or None), 303)
    return render("courses/_offer_results.html", query=query, chosen=chosen, found=found)


@bp.route("/courses/<int:course_id>/citizen", methods=["GET", "POST"])
@allow("coordinator")
def edit_citizen(course_id):
    course = _load(course_id)
    citizen = course.citizen
    if request.method == "GET":
        form = CitizenForm(obj=citizen, course=course, version=course.version)
        if citizen is not None:
            access_log.log_access("view", course.id)
    else:
        form = CitizenForm(course=course)
    if form.validate_on_submit():
        try:
            service.save_citizen(course, form.version.data, form.citizen_fields())
            access_log.log_access("edit", course.id)
        except steps.Conflict:
            form.version.data = _load(course_id).version
            form.form_errors.append(conflict_message())
        else:
            flash(_("Kontaktoplysningerne er gemt."), "success")
            return redirect(url_for("courses.show", course_id=course_id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return render(
        "courses/edit.html", title=_("Kontaktoplysninger"), form=form, course=course, status=status
    )


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
            postcode=service.citizen_postcode(course),
        )
    else:
        form = MatchFactsForm(course=course)
    if form.validate_on_submit():
        postcode = (form.postcode.data or "").strip() or None
        try:
            service.save_match_facts(course, form.version.data, form.match_facts(), postcode)
        except steps.Conflict:
            form.version.data = _load(course_id).version
            form.form_errors.append(conflict_message())
            return _match_facts_page(form, course, 409)
        else:
            flash(_("Oplysningerne til matchet er gemt."), "success")
            return redirect(url_for("courses.show", course_id=course_id), 303)
    status = 422 if form.errors or form.form_errors else 200
    return _match_facts_page(form, course, status)


def _match_facts_page(form, course, status):
    title = _("Oplysninger til matchet")
    return render("courses/edit.html", title=title, form=form, course=course, status=status)


# --- Corrections ---------------------------------------------------------------------------


@bp.route("/courses/<int:course_id>/dates", methods=["GET", "POST"])
@allow("coordinator")
def correct_dates(course_id):
    """Correct the dates the steps recorded (received, first contact, intake, start, end,
    follow-up): each change an event on the timeline, the statistics following at once."""
    course = _load(course_id)
    names = corrections.correctable_dates(course)
    dates = {name: corrections.DATE_LABELS[name] for name in names}
    if request.method == "GET":
        values = {name: getattr(course, name) for name in names}
        form = date_correction_form(course, dates, formdata=None, version=course.version, **values)
    else:
        form = date_correction_form(course, dates)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            new_dates = {name: form[name].data for name in names}
            try:
                corrections.correct_dates(course, current_user.id, form.version.data, new_dates)
            except corrections.CorrectionRefused as refused:
                form[refused.field].errors.append(corrections.correction_message(refused))
            except steps.Conflict:
                form.version.data = _load(course_id).version
                form.form_errors.append(conflict_message())
                status = 409
            else:
                flash(_("Datoerne er gemt."), "success")
                return redirect(url_for("courses.show", course_id=course_id), 303)
    return render(
        "courses/edit.html",
        title=_("Ret datoer"),
        form=form,
        course=course,
        intro=_("Rettelserne står på forløbets tidslinje med dato, og hvem der rettede."),
        status=status,
    )


def _course_conversation(course_id, conversation_id):
    conversation, course = corrections.course_of(conversation_id)
    if conversation is None or course.id != course_id:
        abort(404)
    return conversation, _load(course_id)


@bp.route("/courses/<int:course_id>/conversations/<int:conversation_id>", methods=["GET", "POST"])
@allow("coordinator")
def edit_conversation(course_id, conversation_id):
    """The coordinator corrects any conversation's date or form, at any time."""
    conversation, course = _course_conversation(course_id, conversation_id)
    back = url_for("courses.show", course_id=course_id)
    remove_url = url_for(
        "courses.remove_conversation", course_id=course_id, conversation_id=conversation.id
    )
    return conversation_page(conversation, course, back, remove_url)


@bp.route("/courses/<int:course_id>/conversations/<int:conversation_id>/remove", methods=["POST"])
@allow("coordinator")
def remove_conversation(course_id, conversation_id):
    conversation, course = _course_conversation(course_id, conversation_id)
    form = RemoveConversationForm(course=course)
    back = url_for("courses.show", course_id=course_id)
    if form.validate():
        try:
            corrections.remove_conversation(conversation, course, current_user, form.version.data)
        except steps.Conflict:
            return render_course(_load(course_id), message=conflict_message(), status=409)
        flash(_("Samtalen er fjernet."), "success")
        return redirect(back, 303)
    return render_course(course, message=_("Samtalen er ikke fjernet. Prøv igen."), status=422)


def conversation_page(conversation, course, back, remove_url):
    """Correct a conversation (shared by the coordinator's and the volunteer's pages): the
    form, and on a valid post the correction; back to `back` when saved."""
    if request.method == "GET":
        form = ConversationCorrectionForm(
            formdata=None,
            course=course,
            version=course.version,
            held_on=conversation.held_on,
            mode=conversation.mode,
        )
    else:
        form = ConversationCorrectionForm(course=course)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                corrections.correct_conversation(
                    conversation,
                    course,
                    current_user,
                    form.version.data,
                    form.held_on.data,
                    form.mode.data,
                )
            except corrections.NotAllowed:
                abort(403, conversation_refusal(conversation))
            except corrections.CorrectionRefused as refused:
                form.held_on.errors.append(corrections.correction_message(refused))
            except steps.Conflict:
                form.version.data = _load(course.id).version
                form.form_errors.append(conflict_message())
                status = 409
            else:
                flash(_("Samtalen er rettet."), "success")
                return redirect(back, 303)
    return render(
        "courses/conversation.html",
        form=form,
        course=course,
        conversation=conversation,
        back=back,
        remove_url=remove_url,
        remove_version=course.version,
        status=status,
    )


def conversation_refusal(conversation):
    """Why the current user may not change the conversation, in Danish."""
    if conversation.logged_by_id != current_user.id:
        return _("Samtalen er registreret af en anden. Du kan kun rette dine egne samtaler.")
    return _(
        "Samtalen blev registreret for mere end %(days)s dage siden. Bed koordinatoren om at "
        "rette den.",
        days=flow.OWN_CONVERSATION_DAYS,
    )
