from datetime import date

from trivsel.core.workdays import working_days_between

MONDAY = date(2026, 11, 23)


def test_monday_to_wednesday_is_two_working_days():
    assert working_days_between(MONDAY, date(2026, 11, 25)) == 2


def test_the_weekend_does_not_count():
    friday = date(2026, 11, 20)
    assert working_days_between(friday, MONDAY) == 1


def test_same_day_and_earlier_are_zero():
    assert working_days_between(MONDAY, MONDAY) == 0
    assert working_days_between(MONDAY, date(2026, 11, 1)) == 0


def test_danish_public_holidays_do_not_count():
    # Wednesday before Easter 2026 to the Tuesday after: Maundy Thursday, Good Friday and
    # Easter Monday are holidays, so only the Tuesday counts.
    assert working_days_between(date(2026, 4, 1), date(2026, 4, 7)) == 1
    # Christmas: 24 December 2026 is a Thursday, 25 a holiday, 28 the Monday after.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 1
