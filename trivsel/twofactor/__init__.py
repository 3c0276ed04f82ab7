"""Two-factor login: TOTP (RFC 6238) and single-use recovery codes."""
