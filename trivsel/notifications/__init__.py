"""Notifications: messages through an outbox that loses nothing, and appointments in people's
calendars. Services queue messages in their own transaction; a sender delivers them."""
