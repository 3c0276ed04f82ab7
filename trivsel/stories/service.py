"""Good stories: the coordinator's list, the published ones, and saving one."""

from trivsel.core.db import database, now
from trivsel.stories.models import Story


def stories():
    """All stories, the published first, the latest changed first."""
    return list(Story.select().order_by(Story.published.desc(), Story.updated_at.desc()))


def published_stories():
    """The stories partner staff see, the latest changed first."""
    return list(
        Story.select().where(Story.published == True).order_by(Story.updated_at.desc())  # noqa: E712
    )


def save_story(story_id, title, body, published, actor):
    """Store a new story (story_id None) or a change to one, as changed now by `actor`."""
    values = {
        "title": title.strip(),
        "body": body.strip(),
        "published": published,
        "updated_at": now(),
        "updated_by": actor,
    }
    with database.atomic():
        if story_id is None:
            return Story.create(**values).id
        Story.update(**values).where(Story.id == story_id).execute()
    return story_id
