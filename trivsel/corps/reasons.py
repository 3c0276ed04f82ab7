"""The match's reasons in plain Danish (the ranking itself is `trivsel.corps.matching`)."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from trivsel.core import labels
from trivsel.core.templating import danish_date

REASON_TEXTS = {
    "shared_areas": _l("Vil gerne hjælpe med det borgeren har brug for: %(codes)s"),
    "avoided_areas": _l("Vil helst ikke hjælpe med: %(codes)s"),
    "no_shared_areas": _l("Ingen fælles interesseområder med forløbets behov"),
    "needs_unknown": _l("Forløbets behov er ikke registreret"),
    "declined_before": _l("Har sagt nej tak til denne borger før"),
    "match_meeting_no": _l("Blev ikke et match ved matchmødet med denne borger"),
    "not_declined_before": _l("Har ikke sagt nej til denne borger før"),
    "available": _l("Kan når borgeren kan"),
    "available_days": _l("Kan når borgeren kan: %(codes)s"),
    "not_available": _l("Kan ikke når borgeren kan"),
    "availability_unknown": _l("Tider ikke oplyst for begge"),
    "speaks": _l("Taler %(codes)s"),
    "does_not_speak": _l("Taler ikke %(codes)s"),
    "phone_only": _l("Vil kun tage forløb i telefonen"),
    "by_phone": _l("Forløbet foregår i telefonen: afstand betyder intet"),
    "same_postcode": _l("Bor i samme postnummer"),
    "near": _l("Bor i nærheden"),
    "far": _l("Bor længere væk"),
    "free_capacity": _l("Har plads: %(n)s af %(m)s ledige"),
    "no_load": _l("Har ingen forløb lige nu"),
    "no_profile": _l("Har ingen frivilligprofil"),
    "applicant": _l("Er ansøger og endnu ikke godkendt"),
    "paused": _l("Holder pause"),
    "paused_until": _l("Holder pause til og med %(until)s"),
    "left": _l("Er stoppet som frivillig"),
    "no_declaration": _l("Har ikke underskrevet tavshedserklæring"),
    "at_capacity": _l("Har ikke plads: %(n)s af %(m)s forløb i gang"),
}


# The order codes are named in: their fixed list's (Monday before Tuesday).
_ORDER = {
    code: i for i, code in enumerate([*labels.INTEREST_AREAS, *labels.WEEKDAYS, *labels.LANGUAGES])
}


def _names(codes):
    names = []
    for code in sorted(codes, key=lambda code: (_ORDER.get(code, len(_ORDER)), code)):
        mapping = labels.LANGUAGES if code in labels.LANGUAGES else labels.INTEREST_AREAS
        if code in labels.WEEKDAYS:
            mapping = labels.WEEKDAYS
        names.append(str(mapping.get(code, code)).lower())
    return ", ".join(names)


def reason_text(reason):
    """The reason in the user's language (needs an app context for the translation)."""
    if reason.code == "load":
        return ngettext(
            "Har %(num)s forløb eller forslag i gang",
            "Har %(num)s forløb eller forslag i gang",
            reason.n,
        )
    code = reason.code
    if code == "paused" and reason.until:
        code = "paused_until"
    if code == "available" and reason.codes:
        code = "available_days"
    return str(REASON_TEXTS[code]) % {
        "codes": _names(reason.codes),
        "n": reason.n,
        "m": reason.m,
        "until": danish_date(reason.until),
    }
