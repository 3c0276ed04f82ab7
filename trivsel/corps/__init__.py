"""The volunteer corps: profiles, status, match suggestions with reasons."""
