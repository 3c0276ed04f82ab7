"""Referrals: partner plugins' forms in, and the referrer's view of their referrals' status."""
