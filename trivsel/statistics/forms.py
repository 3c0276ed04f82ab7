"""The statistics pages' forms: the project year's first day, and the history upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import StringField

from trivsel.core.forms import Form


class YearStartForm(Form):
    class Meta:
        csrf = False

    year_start = StringField(
        _l("Projektåret begynder"),
        description=_l("Måned og dag som MM-DD, fx 09-01 for 1. september."),
    )


class ImportForm(Form):
    files = MultipleFileField(
        _l("Regneark eller CSV-filer"),
        description=_l(
            "Én .xlsx-fil med arkene inquiries, courses og conversations, eller de tre "
            "CSV-filer inquiries.csv, courses.csv og conversations.csv (UTF-8)."
        ),
        render_kw={"accept": ".xlsx,.csv"},
    )
