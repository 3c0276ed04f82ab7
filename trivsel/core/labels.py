"""Danish words for the codes the model stores (translated through Flask-Babel).

Plain mappings of code to label; the keys are the codes the areas define (a test checks they
stay in step), so this module imports no area and no form library."""

from trivsel.core.i18n import lazy_gettext as _l

ROLES = {
    "coordinator": _l("Koordinator"),
    "volunteer": _l("Frivillig"),
    "partner": _l("Samarbejdspartner"),
    "admin": _l("Administrator"),
}

STAGES = {
    "new": _l("Venter på første kontakt"),
    "contacted": _l("Kontakt skabt"),
    "intake_scheduled": _l("Startsamtale aftalt"),
    "matching": _l("Venter på match"),
    "proposed": _l("Foreslået til frivillig"),
    "match_meeting": _l("Matchmøde"),
    "active": _l("Aktivt forløb"),
    "closed": _l("Afsluttet, venter på opfølgning"),
    "followed_up": _l("Afsluttet og fulgt op"),
    "referred_elsewhere": _l("Henvist andetsteds"),
    "declined": _l("Takket nej"),
    "withdrawn": _l("Trukket tilbage"),
}

ACTIONS = {
    "first_contact": _l("Første kontakt"),
    "schedule_intake": _l("Aftal startsamtale"),
    "cancel_intake": _l("Aflys startsamtale"),
    "hold_intake": _l("Startsamtale holdt"),
    "propose": _l("Foreslå frivillig"),
    "retract": _l("Træk forslag tilbage"),
    "accept": _l("Frivillig sagde ja"),
    "decline": _l("Frivillig sagde nej tak"),
    "schedule_match_meeting": _l("Aftal matchmøde"),
    "cancel_match_meeting": _l("Aflys matchmøde"),
    "match_meeting_held": _l("Matchmøde holdt"),
    "close": _l("Afslut forløb"),
    "follow_up": _l("Opfølgende samtale"),
    "withdraw": _l("Borgeren trækker sig"),
    "inquiry": _l("Henvendelse modtaget"),
    "imported": _l("Indlæst fra historik"),
    "erased": _l("Personoplysninger slettet"),
    "correct_date": _l("Dato rettet"),
    "correct_conversation": _l("Samtale rettet"),
    "remove_conversation": _l("Samtale fjernet"),
}

QUEUES = {
    "awaiting_contact": _l("Venter på første kontakt"),
    "intake": _l("Startsamtale"),
    "matching": _l("Match"),
    "match_meeting": _l("Matchmøde"),
    "overdue": _l("Aktive over forventet slut"),
    "awaiting_follow_up": _l("Venter på opfølgning"),
}

CHANNELS = {
    "phone": _l("Telefon"),
    "email": _l("E-mail"),
    "walk_in": _l("Personligt fremmøde"),
    "referral": _l("Henvisning"),
}

INITIATORS = {
    "citizen": _l("Borgeren selv"),
    "professional": _l("Fagprofessionel"),
    "relative": _l("Pårørende"),
    "other": _l("Andre"),
}

TARGET_GROUPS = {
    "adult": _l("Voksen i en svær periode"),
    "senior": _l("Ældre"),
    "young_adult": _l("Ung voksen"),
    "other": _l("Andet"),
}

INTAKE_OUTCOMES = {
    "matching": _l("Videre til match"),
    "referred_elsewhere": _l("Henvist andetsteds"),
    "declined": _l("Borgeren takkede nej"),
    "withdrawn": _l("Borgeren trak sig"),
}

MODES = {
    "home": _l("Hjemme"),
    "phone": _l("Telefon"),
    "outside": _l("Ude"),
}
MODE_HINTS = {
    "home": _l("hjemme hos borgeren"),
    "phone": _l("i telefonen"),
    "outside": _l("ude, fx lægen, biblioteket, en forening"),
}

FREQUENCIES = {
    "weekly": _l("1 gang om ugen"),
    "twice_weekly": _l("2 gange om ugen"),
    "one_or_two": _l("1-2 gange om ugen"),
    "fortnightly": _l("Hver 14. dag"),
    "as_needed": _l("Efter behov"),
}

GOALS_MET = {
    "yes": _l("Ja"),
    "partly": _l("Delvist"),
    "no": _l("Nej"),
}

QUALITY_OF_LIFE = {
    "better": _l("Bedre"),
    "same": _l("Uændret"),
    "worse": _l("Dårligere"),
}

PROPOSAL_STATUSES = {
    "pending": _l("Venter på svar"),
    "declined": _l("Sagde nej tak"),
    "retracted": _l("Trukket tilbage"),
    "accepted": _l("Sagde ja, matchmøde"),
    "matched": _l("Match"),
    "not_matched": _l("Ikke match efter matchmøde"),
}

YES_NO = {"yes": _l("Ja"), "no": _l("Nej")}

# What a citizen can consent to, item by item (plugins may record items of their own).
CONSENT_ITEMS = {
    "share_contact": _l("Kontaktoplysninger må gives videre til ordningen"),
    "share_considerations": _l("Særlige hensyn må gives videre (fx demens)"),
    "who5": _l("WHO-5-besvarelser må registreres"),
    "follow_up_call": _l("Må kontaktes til en opfølgende samtale"),
    # Offered on every referral form (the core adds the field).
    "contact_referrer": _l("Ordningen må kontakte henviseren om borgeren"),
}

# Where a consent was given (plugins record "referral:<plugin>").
CONSENT_SOURCES = {
    "intake": _l("Ved startsamtalen"),
    "phone": _l("Telefonisk"),
    "written": _l("Skriftligt"),
    "follow_up": _l("Ved den opfølgende samtale"),
}

# What the access log records.
ACCESS_ACTIONS = {
    "view": _l("Så personoplysninger"),
    "edit": _l("Rettede personoplysninger"),
    "export": _l("Hentede personoplysninger"),
    "erase": _l("Slettede personoplysninger"),
    "consent": _l("Registrerede samtykke"),
}

# The screens the access log names (request endpoints), and the areas for any other screen.
ACCESS_PAGES = {
    "courses.show": _l("Forløbets side"),
    "courses.edit_citizen": _l("Kontaktoplysninger"),
    "courses.step": _l("Et trin på forløbets side"),
    "volunteer": _l("Den frivilliges forside"),
    "volunteer.log_conversation": _l("Den frivilliges registrering af samtaler"),
    "privacy": _l("Databeskyttelse"),
    "privacy.course": _l("Indsigt og samtykke"),
    "privacy.export": _l("Download af indsigten"),
    "privacy.erase": _l("Sletning på borgerens anmodning"),
    "privacy.record_consent": _l("Indsigt og samtykke"),
    "privacy.withdraw_consent": _l("Indsigt og samtykke"),
    "referrals": _l("Henvisning"),
    "cli": _l("Kommandolinjen"),
}


def access_page(endpoint):
    """The Danish name of the screen an access was made from: the screen's own, else its
    area's (a plugin's screens are named by their area, or as "another screen")."""
    if endpoint in ACCESS_PAGES:
        return ACCESS_PAGES[endpoint]
    area = (endpoint or "").split(".", 1)[0]
    return ACCESS_PAGES.get(area, _l("En anden side i Trivsel"))


# The retention policy's rules.
RETENTION_RULES = {
    "after_follow_up": _l("Efter den opfølgende samtale"),
    "after_close": _l("Afsluttet uden opfølgende samtale"),
    "inquiry": _l("Henvendelse der ikke blev til et forløb"),
}


def consent_source(code):
    """The Danish word for where a consent was given; a plugin's referral is a referral."""
    if code in CONSENT_SOURCES:
        return CONSENT_SOURCES[code]
    if code.startswith("referral:"):
        return _l("Henvisning")
    return code


# The four statuses a referrer may see of a referral they made, and nothing else.
REFERRAL_STATUSES = {
    "received": _l("Modtaget"),
    "contacted": _l("Første kontakt skabt"),
    "in_course": _l("I forløb"),
    "closed": _l("Afsluttet"),
}

# Who makes the first call after a referral.
FIRST_CALL = {
    "scheme": _l("Ordningen ringer til borgeren"),
    "citizen": _l("Borgeren ringer selv"),
}

# Categories of follow-on offers in the directory.
OFFER_CATEGORIES = {
    "social": _l("Samvær og fællesskab"),
    "exercise": _l("Motion og gåture"),
    "learning": _l("Læring og IT"),
    "creative": _l("Kreativt og kultur"),
    "support": _l("Støtte- og samtalegrupper"),
    "work": _l("Job og netværk"),
    "volunteering": _l("Frivilligt arbejde"),
}


# --- The volunteer corps -------------------------------------------------------------------

# What a volunteer wants to help with, and what a course needs: the same fixed list.
INTEREST_AREAS = {
    "loneliness": _l("Ensomhed"),
    "grief": _l("Sorg"),
    "illness": _l("Sygdom"),
    "mobility": _l("Mobilitet og gåture"),
    "unemployment": _l("Ledighed og jobsøgning"),
    "structure": _l("Struktur i hverdagen"),
    "mental_vulnerability": _l("Psykisk sårbarhed"),
    "digital_skills": _l("Digitale færdigheder"),
    "authorities": _l("Møder med myndigheder"),
}

WEEKDAYS = {
    "mon": _l("Mandag"),
    "tue": _l("Tirsdag"),
    "wed": _l("Onsdag"),
    "thu": _l("Torsdag"),
    "fri": _l("Fredag"),
    "sat": _l("Lørdag"),
    "sun": _l("Søndag"),
}

TIMES_OF_DAY = {
    "morning": _l("Formiddag"),
    "afternoon": _l("Eftermiddag"),
    "evening": _l("Aften"),
}

LANGUAGES = {
    "da": _l("Dansk"),
    "en": _l("Engelsk"),
    "de": _l("Tysk"),
    "ar": _l("Arabisk"),
    "tr": _l("Tyrkisk"),
    "uk": _l("Ukrainsk"),
    "pl": _l("Polsk"),
    "fa": _l("Persisk"),
    "so": _l("Somali"),
}

VOLUNTEER_STATUSES = {
    "applicant": _l("Ansøger"),
    "active": _l("Aktiv"),
    "paused": _l("Holder pause"),
    "left": _l("Stoppet"),
}
