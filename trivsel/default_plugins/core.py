"""The core scheme: the main branch."""

from flask_babel import lazy_gettext as _l

from trivsel.api import Branch, hookimpl


@hookimpl(trylast=True)
def trivsel_branches():
    return [Branch("main", _l("TrivselsPiloter"))]
