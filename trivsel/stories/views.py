"""Good stories the coordinator writes, anonymised, and publishes for partner staff."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField, TextAreaField

from trivsel.core.auth import allow
from trivsel.core.db import database, now
from trivsel.core.forms import Form, max_length, required
from trivsel.core.rendering import render
from trivsel.stories.models import Story

bp = Blueprint("stories", __name__, url_prefix="/stories")


class StoryForm(Form):
    title = StringField(_l("Overskrift"), validators=[required(), max_length(200)])
    body = TextAreaField(
        _l("Fortælling"),
        validators=[required(), max_length(5000)],
        description=_l(
            "Anonymiseret: ingen navne, adresser eller andet, der kan genkende borgeren eller "
            "den frivillige."
        ),
    )
    published = BooleanField(_l("Vis for samarbejdspartnere"))


@bp.route("/")
@allow("coordinator")
def index():
    stories = list(Story.select().order_by(Story.published.desc(), Story.updated_at.desc()))
    return render("stories/index.html", stories=stories)


def _edit(story):
    form = StoryForm(obj=story) if request.method == "GET" else StoryForm()
    if form.validate_on_submit():
        values = {
            "title": form.title.data.strip(),
            "body": form.body.data.strip(),
            "published": form.published.data,
            "updated_at": now(),
            "updated_by": current_user.id,
        }
        with database.atomic():
            if story is None:
                Story.create(**values)
            else:
                Story.update(**values).where(Story.id == story.id).execute()
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
