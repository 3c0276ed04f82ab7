"""Whole numbers from people and files, read strictly: ASCII digits only, within a range.

Python's own `int()` accepts any Unicode decimal digit ("١٢" is 12), spaces, underscores and
a sign, and `str.isdigit()` is true for "²", which `int()` then refuses. Neither is a safe
test of typed or imported text; `parse_int` is."""

import re

# The largest id a row can have: the id columns are 32-bit on PostgreSQL. The routes'
# `<int:...>` converter (core/routing.py) stops at the same number.
MAX_ROW_ID = 2**31 - 1

_INTEGER = re.compile(r"-?[0-9]{1,18}")


def parse_int(text, minimum=None, maximum=None):
    """The whole number `text` spells in ASCII digits (a leading minus allowed), within
    [minimum, maximum] where given. Anything else raises ValueError."""
    if not isinstance(text, str) or _INTEGER.fullmatch(text) is None:
        raise ValueError(f"not a whole number: {text!r:.40}")
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"out of range: {value}")
    return value


def row_id(value):
    """A row id from a form: an int as it is (the choices' own values), or ASCII digits that
    make a number from 0 (no row: a "choose one" placeholder) to MAX_ROW_ID. Raises
    ValueError otherwise, which WTForms' choice fields turn into a validation error (use as
    `coerce=row_id`)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_int(value, 0, MAX_ROW_ID)
