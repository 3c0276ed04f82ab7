"""Calendar: appointments (intakes, match meetings, group supervision) with stable iCalendar
UIDs, the invitations that put them in people's calendars, and each user's calendar feed."""
