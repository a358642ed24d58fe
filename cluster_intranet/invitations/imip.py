"""iMIP (RFC 6047) invitations: the meeting's event as the calendar area builds it (its
stable UID, times in the cluster's zone, description), made a scheduling message with
icalendar — METHOD REQUEST or CANCEL, ORGANIZER, ATTENDEE, SEQUENCE. Pure functions."""

from __future__ import annotations

from icalendar import Calendar, vCalAddress, vText

from ..calendar.ical import CalendarItem, single_event_calendar

REQUEST, CANCEL = "REQUEST", "CANCEL"


def _address(name: str, email: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(" ".join(name.split()))  # a parameter is one line
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def invitation(item: CalendarItem, *, method: str, sequence: int, organizer: tuple[str, str],
               attendee: tuple[str, str], tz: str) -> bytes:  # fmt: skip
    """The iTIP message for one attendee: ``organizer`` and ``attendee`` are (name, e-mail)."""
    calendar = Calendar.from_ical(single_event_calendar(item, tz=tz))
    calendar.pop("METHOD", None)  # the download's PUBLISH
    calendar.add("method", method)
    [event] = calendar.walk("VEVENT")
    event.subcomponents = [c for c in event.subcomponents if c.name != "VALARM"]  # the attendee's own choice
    event.pop("SEQUENCE", None)
    event.add("sequence", sequence)
    event.add("organizer", _address(*organizer))
    event.add("attendee", _address(*attendee, CUTYPE="INDIVIDUAL", ROLE="REQ-PARTICIPANT",
                                   PARTSTAT="NEEDS-ACTION", RSVP="TRUE"))  # fmt: skip
    if method == CANCEL:
        event.pop("STATUS", None)
        event.add("status", "CANCELLED")
    return calendar.to_ical()
