"""Trivsel's built-in partner plugins (installed as trivsel_partners)."""
