"""The municipal rehabilitation department: its referral form, its contact person, and the
date the municipal course ends on the coordinator's course page."""

from datetime import date, timedelta
from pathlib import Path

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from trivsel.api import Organisation, ReferralForm, ReferralSubmission, hookimpl

from .forms import FORM_KEY, RehabilitationReferralForm, submit

ORGANISATION = "rehabilitation"


def settings():
    """Configured in instance/config.py as REHABILITATION = {"name": ..., "contact": ...}."""
    return current_app.config.get("REHABILITATION", {})


@hookimpl
def trivsel_organisations():
    return [
        Organisation(
            ORGANISATION,
            settings().get("name") or str(_l("Kommunens genoptræning")),
            kind="referrer",
            contact=settings().get("contact"),
        )
    ]


@hookimpl
def trivsel_referral_forms():
    return [
        ReferralForm(
            FORM_KEY,
            _l("Henvisning fra genoptræningen"),
            RehabilitationReferralForm,
            submit,
            roles=("partner",),
            organisations=(ORGANISATION,),
            description=_l(
                "Kun navn og telefon er nødvendigt. Særlige hensyn kun med borgerens samtykke."
            ),
        )
    ]


@hookimpl
def trivsel_template_folders():
    return [Path(__file__).parent / "templates"]


@hookimpl
def trivsel_template_slot(slot, context):
    referral = context.get("referral")
    if slot != "course_facts" or referral is None or referral.form != FORM_KEY:
        return None
    ends_on = referral.extra.get("municipal_course_ends_on")
    if not ends_on:
        return None
    # render_template returns text; the template is ours and autoescaped, so it is safe.
    return Markup(
        render_template(
            "rehabilitation/_course_facts.html",
            ends_on=date.fromisoformat(ends_on),
            course=context["course"],
        )
    )


@hookimpl
def trivsel_demo(demo):
    """Susanne Berg of the rehabilitation department referred Gerda, whose municipal course
    ended two days before the referral."""
    demo.join_organisation("partner", ORGANISATION)
    demo.refer(
        "gerda",
        FORM_KEY,
        "partner",
        ReferralSubmission(
            citizen={},
            consents={"share_contact": True, "share_considerations": False},
            referrer_name="Susanne Berg",
            referrer_department="Genoptræningen",
            referrer_phone="72 10 60 00",
            first_call="scheme",
            extra={"municipal_course_ends_on": (demo.today - timedelta(days=112)).isoformat()},
            received_on=demo.today - timedelta(days=110),
            case_reference="SB-0412",
        ),
    )
