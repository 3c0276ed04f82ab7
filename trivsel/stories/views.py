"""Good stories the coordinator writes, anonymised, and publishes for partner staff."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trivsel.core.auth import allow
from trivsel.core.rendering import render
from trivsel.stories import service
from trivsel.stories.forms import StoryForm
from trivsel.stories.models import Story

bp = Blueprint("stories", __name__, url_prefix="/stories")


@bp.route("/")
@allow("coordinator")
def index():
    return render("stories/index.html", stories=service.stories())


def _edit(story):
    form = StoryForm(obj=story) if request.method == "GET" else StoryForm()
    if form.validate_on_submit():
        service.save_story(
            None if story is None else story.id,
            form.title.data,
            form.body.data,
            form.published.data,
            current_user.id,
        )
        flash(_("Fortællingen er gemt."), "success")
        return redirect(url_for("stories.index"), 303)
    status = 422 if form.errors else 200
    return render("stories/edit.html", form=form, story=story, status=status)


@bp.route("/new", methods=["GET", "POST"])
@allow("coordinator")
def new():
    return _edit(None)


@bp.route("/<int:story_id>", methods=["GET", "POST"])
@allow("coordinator")
def edit(story_id):
    story = Story.get_or_none(Story.id == story_id)
    if story is None:
        abort(404)
    return _edit(story)
