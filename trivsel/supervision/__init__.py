"""Supervision: group meetings every 14 days, individual requests and theme days."""
