"""Working days in Denmark: Monday to Friday, less public holidays."""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _danish_holidays(year):
    return frozenset(holidays.country_holidays("DK", years=year))


def is_working_day(day):
    return day.weekday() < 5 and day not in _danish_holidays(day.year)


def working_days_between(start, end):
    """Working days after `start` up to and including `end` (0 when end <= start).

    An inquiry received on a Monday has waited 1 working day on Tuesday and 2 on Wednesday.
    """
    if end <= start:
        return 0
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += timedelta(days=1)
    return count


def working_days_waited(received_on, today=None):
    return working_days_between(received_on, today or date.today())
