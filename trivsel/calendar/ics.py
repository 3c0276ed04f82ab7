"""iCalendar (RFC 5545) texts: an invitation or cancellation (iTIP, RFC 5546) for one
appointment, and a user's feed of appointments. Plain values in, text out: no Flask, no
database, so the format is tested on its own.

Times come in as local wall-clock times in Europe/Copenhagen (how Trivsel stores them) and go
out with TZID=Europe/Copenhagen and the zone's VTIMEZONE, so every calendar shows them right
across summer time.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

ZONE_NAME = "Europe/Copenhagen"
ZONE = ZoneInfo(ZONE_NAME)
PRODID = "-//Trivsel//Trivsel//DA"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Entry:
    """One appointment as a calendar shows it. No field may name a citizen."""

    uid: str
    sequence: int
    starts_at: datetime  # local wall-clock time, Europe/Copenhagen
    ends_at: datetime
    summary: str  # e.g. "Matchmøde, forløb #12"
    location: str | None = None
    description: str | None = None
    url: str | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class Person:
    name: str
    email: str


def invitation(entry, method, organizer, attendee, stamp=None):
    """An iTIP message for one appointment: METHOD:REQUEST (new or moved) or CANCEL, one
    VEVENT with the same UID and a higher SEQUENCE each time, so the entry is moved or removed
    in the recipient's calendar instead of doubled.

    :param organizer: the `Person` who scheduled it (replies go there).
    :param attendee: the `Person` this copy is for (each recipient gets a copy naming only
        themselves, so no one's address is given to the others).
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(method)
    calendar = _calendar()
    calendar.add("method", method)
    event = _event(entry, stamp, cancelled=method == CANCEL or entry.cancelled)
    event.add("organizer", _address(organizer))
    guest = _address(attendee)
    guest.params["ROLE"] = "REQ-PARTICIPANT"
    guest.params["PARTSTAT"] = "NEEDS-ACTION"
    guest.params["RSVP"] = "FALSE"
    event.add("attendee", guest)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def feed(entries, name, stamp=None):
    """A published calendar (no METHOD, no organizer or attendees: a subscription shows what
    stands, it sends nothing) of `entries`; an empty one is still a valid calendar."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", ZONE_NAME)
    for entry in entries:
        calendar.add_component(_event(entry, stamp, cancelled=entry.cancelled))
    return calendar.to_ical().decode("utf-8")


def _calendar():
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(_copenhagen())
    return calendar


def _event(entry, stamp, cancelled):
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp or datetime.now(UTC).replace(microsecond=0))
    event.add("dtstart", _local(entry.starts_at))
    event.add("dtend", _local(entry.ends_at))
    event.add("summary", entry.summary)
    if entry.location:
        event.add("location", entry.location)
    if entry.description:
        event.add("description", entry.description)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _local(moment):
    """A stored wall-clock time as an aware time in Copenhagen."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZONE)
    return moment.astimezone(ZONE)


def _address(person):
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    return address


def _copenhagen():
    """VTIMEZONE for Europe/Copenhagen by the EU rule (since 1996): summer time from the last
    Sunday of March 02:00 to the last Sunday of October 03:00. Rules, not a list of dates, so
    it is right for every year."""
    zone = Timezone()
    zone.add("tzid", ZONE_NAME)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", datetime(1996, 3, 31, 2, 0))
    summer.add("tzoffsetfrom", _offset(1))
    summer.add("tzoffsetto", _offset(2))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0))
    winter.add("tzoffsetfrom", _offset(2))
    winter.add("tzoffsetto", _offset(1))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _offset(hours):
    return timedelta(hours=hours)
