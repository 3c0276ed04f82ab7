"""Anonymised good stories the coordinator publishes for partner staff."""
