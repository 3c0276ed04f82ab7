"""Confidentiality: retention, consent, the access log, subject access and erasure."""
