"""One blueprint per area; each view declares the roles allowed to use it."""
