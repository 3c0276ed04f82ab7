"""The core scheme: the main branch."""

from flask_babel import lazy_gettext as _l

from .. import hookimpl
from ..hookspecs import Branch


@hookimpl(trylast=True)
def trivsel_branches():
    return [Branch("main", _l("TrivselsPiloter"))]
