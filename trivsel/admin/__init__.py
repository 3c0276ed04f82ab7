"""Administration: users, settings, loaded plugins."""
