"""Trivsel: the intranet for volunteer centres running a TrivselsPiloter scheme.

Plugins import `trivsel.api`; `flask --app trivsel` finds `create_app` here.
"""


def create_app(test_config=None):
    """Build the app (see `trivsel.app`); imported lazily, so a pure module such as
    `trivsel.courses.flow` can be imported without Flask."""
    from trivsel.app import create_app as build

    return build(test_config)
