"""Invitations (a coordinator or admin invites someone, who chooses their own password) and
password reset ("Glemt adgangskode?"): the account mails and their single-use links."""
