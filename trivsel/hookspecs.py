"""The hook contract between Trivsel and its plugins.

Every hook is `trivsel_`-prefixed, typed and documented: what it receives, what it returns and
when it is called. A plugin implements a hook with a function of the same name decorated with
`trivsel.hookimpl`; it may accept fewer arguments than the specification names.

The core's own features are default plugins (`trivsel/default_plugins/`) that implement these
same hooks; a plugin installed with pip has exactly the same way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .models import Course

hookspec = pluggy.HookspecMarker("trivsel")


@dataclass(frozen=True)
class Branch:
    """A programme branch: the core scheme, or one a plugin adds (counted apart in statistics).

    :param key: a short stable code stored on each course, e.g. ``"main"``.
    :param label: the name shown to users (a translated string).
    """

    key: str
    label: str


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


# ---------------------------------------------------------------------------
# Events: called after the change is saved; a plugin that raises is logged and
# shown on the admin page, and the core's change stands.
# ---------------------------------------------------------------------------


@hookspec
def trivsel_inquiry_received(course: Course) -> None:
    """A new inquiry was registered.

    :param course: the saved course, in stage ``"new"``.
    :return: nothing; a returned value is ignored.

    Called once, after the inquiry is saved, whatever screen or plugin registered it.
    """


@hookspec
def trivsel_course_stage_changed(course: Course, action: str, old_stage: str) -> None:
    """A step was taken on a course and saved.

    :param course: the course after the step (``course.stage`` is the new stage).
    :param action: the step taken, one of ``trivsel.flow.ACTIONS``.
    :param old_stage: the stage before the step.
    :return: nothing; a returned value is ignored.

    Called after every step that is saved, including steps that keep the stage (rescheduling
    an intake). A course that closes arrives here with ``course.stage == "closed"``.
    """
