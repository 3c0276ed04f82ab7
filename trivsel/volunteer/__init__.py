"""The volunteer's own pages, phone first."""
