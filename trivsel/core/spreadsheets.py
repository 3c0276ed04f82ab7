"""Cells for CSV and XLSX files people open in a spreadsheet: no formula injection.

A spreadsheet takes a cell whose text begins with =, +, -, @, a tab or a carriage return for
a formula (OWASP "CSV injection"), so text typed into Trivsel (a name, a ref from an
imported history) could run as one on the coordinator's machine. Every export writes its
cells through `safe_cell`: such text gets a leading single quote, and numbers stay numbers
(a negative number is a number, not text)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(text):
    return isinstance(text, str) and text.startswith(FORMULA_START)


def safe_cell(value):
    """The value to write into a cell: text that a spreadsheet would read as a formula is
    prefixed with a single quote; anything else (numbers, dates, None) is left as it is."""
    if starts_like_a_formula(value):
        return "'" + value
    return value


def safe_row(values):
    """safe_cell of each value of a row (a list or a dict's values)."""
    if isinstance(values, dict):
        return {key: safe_cell(value) for key, value in values.items()}
    return [safe_cell(value) for value in values]
