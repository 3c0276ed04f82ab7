"""The volunteer's own view, phone first: proposals to answer, courses, conversations."""

import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core import labels
from trivsel.core.auth import allow
from trivsel.core.db import now
from trivsel.core.rendering import is_partial, render
from trivsel.core.templating import danish_date
from trivsel.corps import service as corps
from trivsel.corps.forms import ApplicationForm
from trivsel.courses import corrections, flow, queries, service, steps
from trivsel.courses.flow import ProposalStatus
from trivsel.courses.forms import AnswerProposalForm, ConversationForm, RemoveConversationForm
from trivsel.courses.messages import conflict_message, refusal_message
from trivsel.courses.models import Conversation, Proposal
from trivsel.courses.views import conversation_page, conversation_refusal
from trivsel.privacy import access_log
from trivsel.supervision import service as supervision
from trivsel.supervision.models import ThemeDay

bp = Blueprint("volunteer", __name__, url_prefix="/me")


def _own_course(course_id):
    """A course of the current volunteer's, or a clear refusal."""
    course = queries.course_detail(course_id)
    if course is None or course.volunteer_id != current_user.id:
        abort(403, _("Det forløb er ikke dit."))
    return course


# The session key of the conversation the next page offers to undo (the page without htmx).
UNDO_KEY = "undo_conversation"


def _undoable(conversation_id):
    """The conversation just logged, when the current volunteer may still undo it."""
    if conversation_id is None:
        return None
    conversation = Conversation.get_or_none(Conversation.id == conversation_id)
    if conversation is None or conversation.logged_by_id != current_user.id:
        return None
    if now() - conversation.logged_at > corrections.UNDO_WINDOW:
        return None
    return conversation


def _home(status=200, answer_forms=None, conversation_forms=None, message=None, undo=None):
    data = queries.volunteer_home(current_user)
    # The active courses show the citizen's name and phone, the proposals their goals.
    shown = [c.id for c in data["courses"] if c.citizen_id]
    shown += [p.course.id for p in data["pending"] if p.course.citizen_id]
    access_log.log_access("view", shown)
    meeting = supervision.next_meeting()
    agenda = None
    if meeting is not None:
        agenda = supervision.agenda(meeting.starts_at.date(), volunteer_id=current_user.id)
    return render(
        "volunteer/home.html",
        "volunteer/_home.html",
        status=status,
        message=message,
        answer_forms=answer_forms or {},
        conversation_forms=conversation_forms or {},
        new_key=lambda: secrets.token_urlsafe(16),
        next_meeting=meeting,
        my_agenda=agenda,
        theme_days=supervision.theme_days(volunteer_id=current_user.id),
        requested=supervision.open_request_course_ids(current_user.id),
        undo=undo,
        undo_version={c.id: c.version for c in data["courses"]},
        **data,
    )


@bp.route("/")
@allow("volunteer")
def home():
    return _home(undo=_undoable(session.pop(UNDO_KEY, None)))


@bp.route("/proposals/<int:proposal_id>/answer", methods=["POST"])
@allow("volunteer")
def answer(proposal_id):
    proposal = Proposal.get_or_none(Proposal.id == proposal_id)
    if proposal is None or proposal.volunteer_id != current_user.id:
        abort(403, _("Forslaget er sendt til en anden frivillig."))
    course = queries.course_detail(proposal.course_id)
    form = AnswerProposalForm(course=course)
    if not form.validate():
        return _home(status=422, answer_forms={proposal.id: form})
    if proposal.status != ProposalStatus.PENDING:
        return _home(status=409, message=_("Du har allerede svaret på forslaget. Intet er ændret."))
    values = form.step_values()
    try:
        steps.answer_proposal(proposal, course, current_user.id, form.version.data, **values)
    except flow.StepRefused as refused:
        return _home(status=409, message=refusal_message(refused))
    except steps.Conflict:
        return _home(status=409, answer_forms={proposal.id: form}, message=conflict_message())
    if values["accept"]:
        flash(_("Tak! Koordinatoren indkalder til matchmøde."), "success")
    else:
        flash(_("Dit nej tak er sendt til koordinatoren."), "success")
    return redirect(url_for("volunteer.home"), 303)


@bp.route("/courses/<int:course_id>/conversations", methods=["GET", "POST"])
@allow("volunteer")
def log_conversation(course_id):
    course = _own_course(course_id)
    if request.method == "GET":
        form = ConversationForm(
            formdata=None, course=course, submission_key=secrets.token_urlsafe(16)
        )
        if course.stage == flow.ACTIVE and course.citizen_id:
            access_log.log_access("view", course.id)
        return render(
            "volunteer/conversation.html", form=form, course=course, recent=_recent(course)
        )
    form = ConversationForm(course=course)
    if course.stage != flow.ACTIVE:
        return _home(
            status=409, message=_("Forløbet er ikke aktivt. Samtalen er ikke registreret.")
        )
    if not form.validate():
        if request.form.get("from") == "form":
            return render(
                "volunteer/conversation.html",
                form=form,
                course=course,
                recent=_recent(course),
                status=422,
            )
        return _home(status=422, conversation_forms={course.id: form})
    # The same form sent twice (a double tap) is logged once.
    key = form.submission_key.data or None
    logged = service.log_conversation(
        course, current_user.id, form.held_on.data, form.mode.data, submission_key=key
    )
    if not logged and key:
        logged = Conversation.get_or_none(Conversation.submission_key == key)
    message = _(
        "Samtalen er registreret: %(day)s, %(mode)s.",
        day=danish_date(form.held_on.data),
        mode=labels.MODES[form.mode.data],
    )
    flash(message, "success")
    undo = _undoable(logged.id) if logged else None
    if is_partial():
        return _home(undo=undo)
    if undo is not None:
        session[UNDO_KEY] = undo.id  # the home page offers the undo, as a plain form
    return redirect(url_for("volunteer.home"), 303)


def _recent(course):
    """My conversations on the course I may still correct (logged in the last 14 days)."""
    since = now() - timedelta(days=flow.OWN_CONVERSATION_DAYS)
    return queries.conversations_of(course, logged_by=current_user.id, since=since)


def _own_conversation(conversation_id):
    """A conversation the current volunteer may correct or remove, or a clear refusal."""
    conversation = Conversation.get_or_none(Conversation.id == conversation_id)
    if conversation is None:
        abort(404)
    try:
        corrections.check_may_change(conversation, current_user)
    except corrections.NotAllowed:
        abort(403, conversation_refusal(conversation))
    return conversation, queries.course_detail(conversation.course_id)


@bp.route("/conversations/<int:conversation_id>", methods=["GET", "POST"])
@allow("volunteer")
def edit_conversation(conversation_id):
    """Correct my conversation's date or form, for 14 days after I logged it."""
    conversation, course = _own_conversation(conversation_id)
    remove_url = url_for("volunteer.remove_conversation", conversation_id=conversation.id)
    return conversation_page(conversation, course, url_for("volunteer.home"), remove_url)


@bp.route("/conversations/<int:conversation_id>/remove", methods=["POST"])
@allow("volunteer")
def remove_conversation(conversation_id):
    """Remove my conversation logged by mistake (also the undo right after a one-tap log)."""
    conversation, course = _own_conversation(conversation_id)
    form = RemoveConversationForm(course=course)
    undo = form.undo.data == "yes"
    if not form.validate():
        return _home(status=422, message=_("Samtalen er ikke fjernet. Prøv igen."))
    try:
        corrections.remove_conversation(
            conversation, course, current_user, form.version.data, undo=undo
        )
    except steps.Conflict:
        return _home(status=409, message=conflict_message())
    if undo:
        message = _("Fortrudt: samtalen %(day)s er fjernet.", day=danish_date(conversation.held_on))
        flash(message, "success")
    else:
        flash(_("Samtalen %(day)s er fjernet.", day=danish_date(conversation.held_on)), "success")
    return _after_action()


def _after_action():
    if is_partial():
        return _home()
    return redirect(url_for("volunteer.home"), 303)


@bp.route("/courses/<int:course_id>/ready-to-close", methods=["POST"])
@allow("volunteer")
def ready_to_close(course_id):
    """Flag (or unflag) a course for the group meeting to judge whether it is ready to close."""
    course = _own_course(course_id)
    flag = request.form.get("flag") != "off"
    try:
        service.flag_ready_to_close(course, flag)
    except service.NotActive:
        return _home(status=409, message=_("Forløbet er ikke aktivt. Intet er ændret."))
    if flag:
        flash(_("Forløbet er sat på dagsordenen til gruppesupervisionen."), "success")
    else:
        flash(_("Markeringen er fjernet."), "success")
    return _after_action()


@bp.route("/courses/<int:course_id>/supervision", methods=["POST"])
@allow("volunteer")
def ask_supervision(course_id):
    """Ask for individual supervision on one of my courses: it lands in the coordinators' queue."""
    course = _own_course(course_id)
    if course.stage != flow.ACTIVE:
        return _home(status=409, message=_("Forløbet er ikke aktivt. Intet er ændret."))
    _request, created = supervision.request_supervision(
        course, current_user, by_phone=request.form.get("by_phone") == "yes"
    )
    if created:
        flash(_("Koordinatoren har fået dit ønske om supervision og kontakter dig."), "success")
    else:
        flash(_("Du har allerede bedt om supervision på forløbet. Koordinatoren kontakter dig."))
    return _after_action()


@bp.route("/theme-days/<int:day_id>/signup", methods=["POST"])
@allow("volunteer")
def theme_day_signup(day_id):
    day = ThemeDay.get_or_none(ThemeDay.id == day_id)
    if day is None:
        abort(404)
    if request.form.get("cancel") == "yes":
        supervision.cancel_signup(day, current_user)
        flash(_("Du er afmeldt “%(title)s”.", title=day.title), "success")
        return _after_action()
    if day.starts_at < now():
        return _home(
            status=409,
            message=_("“%(title)s” er allerede holdt. Du er ikke tilmeldt.", title=day.title),
        )
    try:
        supervision.sign_up(day, current_user)
    except supervision.Full:
        return _home(
            status=409,
            message=_("“%(title)s” er fuldt booket. Du er ikke tilmeldt.", title=day.title),
        )
    flash(_("Du er tilmeldt “%(title)s”.", title=day.title), "success")
    return _after_action()


@bp.route("/profile", methods=["GET", "POST"])
@allow("volunteer")
def profile():
    """My application and profile: what I can help with, when, where."""
    profile = corps.ensure_profile(current_user)
    if request.method == "GET":
        form = ApplicationForm(formdata=None, obj=profile)
    else:
        form = ApplicationForm()
        if form.validate():
            corps.save_profile(profile, **form.profile_fields())
            flash(_("Din profil er gemt."), "success")
            return redirect(url_for("volunteer.profile"), 303)
    return render(
        "volunteer/profile.html",
        form=form,
        profile=profile,
        refusals=corps.refusals_for(current_user.id),
        status=422 if form.errors else 200,
    )
