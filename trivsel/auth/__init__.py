"""Logging in and out, and the interface language."""
