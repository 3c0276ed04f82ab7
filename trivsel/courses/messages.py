"""What a person reads when a step is refused or collides with someone else's save."""

from flask_babel import gettext as _

from trivsel.core import labels
from trivsel.corps.reasons import reason_text


def refusal_message(refused):
    """A clear Danish message for a step the flow refused."""
    if refused.reason == "stage":
        return _(
            "“%(action)s” kan ikke gøres nu, fordi forløbet står som “%(stage)s”. Intet er ændret.",
            action=labels.ACTIONS.get(refused.action, refused.action),
            stage=labels.STAGES.get(refused.stage, refused.stage),
        )
    if refused.reason == "not_scheduled":
        return _("Der er ikke aftalt noget møde, der kan aflyses. Intet er ændret.")
    return _("Trinnet mangler oplysninger. Intet er ændret.")


def conflict_message():
    return _(
        "Forløbet blev ændret af en anden, mens du skrev. Dine indtastninger er bevaret "
        "nedenfor; se de nye oplysninger og gem igen."
    )


def proposal_refused_message(refused):
    """Why the volunteer chosen cannot be proposed (`steps.ProposalRefused`)."""
    return _(
        "Den frivillige kan ikke foreslås: %(reasons)s. Intet er ændret.",
        reasons="; ".join(reason_text(r).lower() for r in refused.reasons),
    )
