"""The WHO-5 Well-being Index at the intake and the follow-up call: its items and the score."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice

from trivsel.core.forms import optional

# WHO-5 Well-being Index, Danish version, shown unchanged. Source: Psykiatrisk Center
# Nordsjælland (Psychiatric Centre North Zealand), Region Hovedstaden.
WHO5_INTRO = _l("I de sidste 2 uger …")
WHO5_ITEMS = (
    _l("… har jeg været glad og i godt humør"),
    _l("… har jeg følt mig rolig og afslappet"),
    _l("… har jeg følt mig aktiv og energisk"),
    _l("… er jeg vågnet frisk og udhvilet"),
    _l("… har min dagligdag været fyldt med ting der interesserer mig"),
)
WHO5_ANSWERS = [
    SelectChoice("5", _l("Hele tiden")),
    SelectChoice("4", _l("Det meste af tiden")),
    SelectChoice("3", _l("Lidt mere end halvdelen af tiden")),
    SelectChoice("2", _l("Lidt mindre end halvdelen af tiden")),
    SelectChoice("1", _l("Lidt af tiden")),
    SelectChoice("0", _l("På intet tidspunkt")),
]
WHO5_FIELDS = tuple(f"who5_{i}" for i in range(1, 6))


def _who5_field(item):
    return RadioField(item, choices=WHO5_ANSWERS, validators=[optional()])


class Who5Mixin:
    """The five WHO-5 items, optional as a whole: none answered, or all five."""

    who5_1 = _who5_field(WHO5_ITEMS[0])
    who5_2 = _who5_field(WHO5_ITEMS[1])
    who5_3 = _who5_field(WHO5_ITEMS[2])
    who5_4 = _who5_field(WHO5_ITEMS[3])
    who5_5 = _who5_field(WHO5_ITEMS[4])

    def who5_answers(self):
        return [getattr(self, name).data for name in WHO5_FIELDS]

    def who5_score(self):
        """The score 0-100 (raw sum × 4), or None when the items were not answered."""
        answers = self.who5_answers()
        if not any(answers):
            return None
        return sum(int(a) for a in answers) * 4

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        answers = self.who5_answers()
        if any(answers) and not all(answers):
            for name, answer in zip(WHO5_FIELDS, answers, strict=True):
                if not answer:
                    getattr(self, name).errors.append(
                        _l("Besvar alle fem udsagn, eller lad dem alle stå tomme.")
                    )
            return False
        return valid
