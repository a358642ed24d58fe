"""iCalendar (RFC 5545) feeds that Outlook, Google, Apple and Thunderbird subscribe to.

A pure module: no Flask, no database. The caller passes plain values
(:class:`CalendarItem`) and gets the bytes of a ``text/calendar`` body.

Why the VEVENTs are written by hand instead of through ``icalendar.Event``:

* the bytes must be exact and stable (the feed is cached with a strong ETag),
  and several lines the clients need (``REFRESH-INTERVAL;VALUE=DURATION``,
  ``X-PUBLISHED-TTL``) come out wrong or not at all from icalendar's setters;
* lines must never be folded inside an escape sequence such as ``\\,``;
* a feed holds up to 5,000 events, and building and serialising icalendar
  objects for them takes about 25 times longer than formatting the lines.

icalendar is still used for what is hard to get right: the VTIMEZONE, built
once per feed (and cached) only for the span of dates the feed covers.

A feed is built in steps, so that a caller can keep the expensive ones:
:func:`serialise_event` writes one VEVENT, :func:`block_of` sorts serialised
events into an :class:`EventBlock` (:func:`serialise` does both for a list of
items), :func:`assemble` merges blocks into a calendar (header, VTIMEZONE, events
in order). The feeds keep serialised meetings and the blocks of unchanged sources.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone

__all__ = [
    "CANCELLED_PREFIX",
    "DEFAULT_PRODID",
    "DEFAULT_TZ",
    "CalendarItem",
    "EventBlock",
    "assemble",
    "build_calendar",
    "block_of",
    "etag_for",
    "serialise",
    "serialise_event",
    "single_event_calendar",
]

DEFAULT_TZ = "Asia/Tomsk"
DEFAULT_PRODID = "-//Tomsk Industrial Cluster//Intranet//RU"
CANCELLED_PREFIX = "ОТМЕНЕНО: "
# A timed item without an end lasts this long.
DEFAULT_DURATION = timedelta(hours=1)
# How often subscribed clients should poll (RFC 7986 and the Outlook/Google extension).
REFRESH = "PT1H"
# Bump when the bytes for the same input change, so that cached ETags go stale.
FORMAT_VERSION = "3"
# An empty feed has no dates to take the VTIMEZONE span from; any fixed day
# after Asia/Tomsk's last change (2016) gives the same one-observance zone.
_EMPTY_FEED_DAY = date(2025, 1, 1)

_FOLD_AT = 75  # octets per physical line, CRLF excluded (RFC 5545, 3.1)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in TEXT


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """One event of a feed.

    ``start``/``end`` are either both aware datetimes (a timed event, any time
    zone: it is written in the feed's zone) or both dates (an all-day event).
    For all-day items ``end`` is the LAST day, inclusive; ``None`` means a
    single day. For timed items ``end=None`` means ``start + 1 hour``;
    pass ``end=start`` for a zero-length moment.
    """

    uid: str  # stable, e.g. "meeting-42@intranet.example"; never random
    summary: str
    start: datetime | date
    end: datetime | date | None
    last_modified: datetime  # aware; written as DTSTAMP and LAST-MODIFIED (UTC)
    sequence: int = 0
    location: str = ""
    description: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    cancelled: bool = False  # STATUS:CANCELLED, TRANSP:TRANSPARENT and the «ОТМЕНЕНО: » prefix
    transparent: bool = False  # TRANSP:TRANSPARENT, does not block time (deadlines, days of media events)
    alarm_minutes: int | None = None  # one display reminder this many minutes before

    def __post_init__(self) -> None:
        # Fail where the item is made, not deep inside a feed of 5,000.
        if not self.uid or not isinstance(self.uid, str):
            raise ValueError("CalendarItem.uid must be a non-empty string")
        timed = isinstance(self.start, datetime)
        if timed:
            if self.start.tzinfo is None or self.start.utcoffset() is None:
                raise ValueError(f"{self.uid}: start must be timezone-aware (no floating times)")
            if self.end is not None:
                if not isinstance(self.end, datetime):
                    raise TypeError(f"{self.uid}: a timed item needs a datetime end")
                if self.end.tzinfo is None or self.end.utcoffset() is None:
                    raise ValueError(f"{self.uid}: end must be timezone-aware")
                if self.end < self.start:
                    raise ValueError(f"{self.uid}: end is before start")
        elif isinstance(self.start, date):
            if self.end is not None:
                if isinstance(self.end, datetime) or not isinstance(self.end, date):
                    raise TypeError(f"{self.uid}: an all-day item needs a date end")
                if self.end < self.start:
                    raise ValueError(f"{self.uid}: end is before start")
        else:
            raise TypeError(f"{self.uid}: start must be a datetime or a date")
        if not isinstance(self.last_modified, datetime) or self.last_modified.utcoffset() is None:
            raise ValueError(f"{self.uid}: last_modified must be an aware datetime")
        if self.sequence < 0:
            raise ValueError(f"{self.uid}: sequence must not be negative")
        if self.alarm_minutes is not None and self.alarm_minutes < 0:
            raise ValueError(f"{self.uid}: alarm_minutes must not be negative")
        if "\r" in self.url or "\n" in self.url or _CONTROL.search(self.url):
            raise ValueError(f"{self.uid}: url has control characters")
        if isinstance(self.categories, str):
            # A bare string would be split into letters.
            raise TypeError(f"{self.uid}: categories must be a tuple of strings")


@dataclass(frozen=True, slots=True)
class EventBlock:
    """Serialised VEVENTs, sorted by start and UID: a part of a feed, ready to merge."""

    events: tuple[tuple[str, str, bytes], ...]  # (DTSTART value, UID, the VEVENT's lines with their CRLFs)
    first_day: date | None  # the local date span of the events (for the VTIMEZONE)
    last_day: date | None


# One serialised VEVENT: its DTSTART value, UID, bytes, and the local dates it spans.
Serialised = tuple[str, str, bytes, date, date]


def serialise_event(item: CalendarItem, *, tz: str = DEFAULT_TZ) -> Serialised:
    dtstart, lines, day0, day1 = _event(item, _zone(tz), tz)
    return dtstart, item.uid, _lines(lines), day0, day1


def block_of(events: Iterable[Serialised]) -> EventBlock:
    """Serialised events, in any order, as a block: sorted by start and UID."""
    ordered: list[tuple[str, str, bytes]] = []
    seen: set[str] = set()
    first_day = last_day = None
    for dtstart, uid, data, day0, day1 in events:
        if uid in seen:
            # A client keeps only one event per UID, and which one is unpredictable.
            raise ValueError(f"duplicate UID in one feed: {uid}")
        seen.add(uid)
        ordered.append((dtstart, uid, data))
        if first_day is None or day0 < first_day:
            first_day = day0
        if last_day is None or day1 > last_day:
            last_day = day1
    ordered.sort(key=_order)
    return EventBlock(tuple(ordered), first_day, last_day)


def serialise(items: Iterable[CalendarItem], *, tz: str = DEFAULT_TZ) -> EventBlock:
    """The VEVENTs of ``items`` in ``tz``, sorted by start and UID."""
    return block_of(serialise_event(item, tz=tz) for item in items)


def assemble(
    blocks: Iterable[EventBlock], *, name: str | None, tz: str = DEFAULT_TZ, prodid: str = DEFAULT_PRODID
) -> bytes:
    """A calendar of the events of ``blocks``, merged in order (start, UID).

    ``name`` None: a one-event download (see :func:`single_event_calendar`).
    """
    blocks = [block for block in blocks if block.events]
    events = blocks[0].events if len(blocks) == 1 else list(heapq.merge(*(b.events for b in blocks), key=_order))
    if len(blocks) > 1 and len({uid for _, uid, _ in events}) < len(events):
        raise ValueError("duplicate UID in one feed")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + _text(prodid),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name is not None:
        lines += [
            "NAME:" + _text(name),
            "X-WR-CALNAME:" + _text(name),
            "X-WR-TIMEZONE:" + tz,
            f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
            f"X-PUBLISHED-TTL:{REFRESH}",
        ]
    # Always present: it makes even an empty feed a valid calendar (RFC 5545
    # wants at least one component), and every DTSTART;TZID refers to it.
    if blocks:
        first_day = min(block.first_day for block in blocks)
        last_day = max(block.last_day for block in blocks)
    else:
        first_day = last_day = _EMPTY_FEED_DAY
    lines += _vtimezone(tz, first_day, last_day + timedelta(days=1))
    return b"".join([_lines(lines), *(event for _, _, event in events), b"END:VCALENDAR\r\n"])


def build_calendar(
    items: Iterable[CalendarItem],
    *,
    name: str,
    tz: str = DEFAULT_TZ,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    """Return a subscribable feed (``METHOD:PUBLISH``) with ``items`` as UTF-8 bytes.

    Events are sorted by start and UID, so the bytes do not depend on the
    order the caller fetched them in. The same input always gives the same bytes.
    """
    return assemble([serialise(items, tz=tz)], name=name, tz=tz, prodid=prodid)


def single_event_calendar(
    item: CalendarItem,
    *,
    tz: str = DEFAULT_TZ,
    name: str | None = None,
    prodid: str = DEFAULT_PRODID,
) -> bytes:
    """The «Добавить в календарь» download: one event to import, not to subscribe.

    Unlike :func:`build_calendar` this writes no calendar name, time zone hint
    or refresh interval: with ``X-WR-CALNAME`` Outlook classic opens the file
    as a new calendar instead of offering to add the event to the user's own.
    ``name`` is accepted for symmetry with :func:`build_calendar` and ignored.
    """
    del name  # see the docstring
    return assemble([serialise([item], tz=tz)], name=None, tz=tz, prodid=prodid)


def etag_for(latest_change: datetime | None, count: int, *extra: str) -> str:
    """A strong ETag (with its quotes) for a feed, without building the feed.

    ``latest_change`` is the newest ``last_modified`` among the items (None
    for an empty feed) and ``count`` their number: an edit moves the first, a
    deletion changes the second. Pass in ``extra`` everything else the bytes
    depend on: the feed's name, time zone, date window, user, etc.
    """
    if latest_change is None:
        stamp = "-"
    else:
        if latest_change.utcoffset() is None:
            raise ValueError("latest_change must be an aware datetime")
        stamp = latest_change.astimezone(UTC).isoformat()
    key = "\x1f".join((FORMAT_VERSION, stamp, str(count), *extra))
    return '"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + '"'


# --- writing ---------------------------------------------------------------


def _order(event: tuple[str, str, bytes]) -> tuple[str, str]:
    return event[0], event[1]


def _event(item: CalendarItem, zone: ZoneInfo, tz: str) -> tuple[str, list[str], date, date]:
    """The content lines of one VEVENT (unfolded), its DTSTART value and local date span."""
    start = item.start
    if isinstance(start, datetime):
        start = start.astimezone(zone)
        if item.end is not None:
            end = item.end.astimezone(zone)
        else:  # add in UTC: wall-clock arithmetic would be off across a DST change
            end = (start.astimezone(UTC) + DEFAULT_DURATION).astimezone(zone)
        dtstart = _local(start)
        prop_start = f"DTSTART;TZID={tz}:{dtstart}"
        prop_end = f"DTEND;TZID={tz}:{_local(end)}"
        day0, day1 = start.date(), end.date()
    else:
        last = item.end if item.end is not None else start
        dtstart = _day(start)
        prop_start = "DTSTART;VALUE=DATE:" + dtstart
        # DTEND of an all-day event is exclusive: the day after the last one.
        prop_end = "DTEND;VALUE=DATE:" + _day(last + timedelta(days=1))
        day0, day1 = start, last

    summary = _text(CANCELLED_PREFIX + item.summary if item.cancelled else item.summary)
    stamp = _utc(item.last_modified)
    lines = [
        "BEGIN:VEVENT",
        "UID:" + _text(item.uid),
        "DTSTAMP:" + stamp,
        prop_start,
        prop_end,
        f"SEQUENCE:{int(item.sequence)}",
        "SUMMARY:" + summary,
    ]
    if item.location:
        lines.append("LOCATION:" + _text(item.location))
    if item.description:
        lines.append("DESCRIPTION:" + _text(item.description))
    if item.url:
        lines.append("URL:" + item.url)  # a URI, not TEXT: no escaping
    categories = [_text(c) for c in item.categories if c]
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    lines.append("STATUS:CANCELLED" if item.cancelled else "STATUS:CONFIRMED")
    # A cancelled event makes nobody busy (Outlook would show it so).
    lines.append("TRANSP:TRANSPARENT" if item.transparent or item.cancelled else "TRANSP:OPAQUE")
    lines.append("LAST-MODIFIED:" + stamp)
    # No reminder for a cancelled event: it would ring for nothing.
    if item.alarm_minutes is not None and not item.cancelled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:" + summary,
            "TRIGGER:" + _trigger(item.alarm_minutes),
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return dtstart, lines, day0, day1


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545, 3.3.11)."""
    # str.replace returns the same object when there is nothing to replace,
    # which is the common case: cheaper than a regex or translate().
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def _lines(lines: list[str]) -> bytes:
    """Content lines, each folded and ended with CRLF, as UTF-8."""
    return b"\r\n".join([_content(line) for line in lines]) + b"\r\n"


def _content(line: str) -> bytes:
    """Encode one content line and fold it at 75 octets."""
    raw = line.encode("utf-8")
    if len(raw) <= _FOLD_AT:
        return raw
    return _fold(raw)


def _fold(raw: bytes) -> bytes:
    """Fold at 75 octets, never inside a UTF-8 character or a backslash escape.

    Each continuation line begins with a space, which counts toward its 75.
    """
    parts = []
    begin = 0
    room = _FOLD_AT
    while len(raw) - begin > room:
        cut = begin + room
        # Step back off UTF-8 continuation bytes (10xxxxxx) to a character start.
        while raw[cut] & 0xC0 == 0x80:
            cut -= 1
        # If the part would end in an odd run of backslashes, the last one
        # starts an escape ("\;", "\n"...): keep it with the escaped character.
        run = cut
        while run > begin and raw[run - 1] == 0x5C:
            run -= 1
        if (cut - run) % 2:
            cut -= 1
        parts.append(raw[begin:cut])
        begin = cut
        room = _FOLD_AT - 1
    parts.append(raw[begin:])
    return b"\r\n ".join(parts)


def _local(value: datetime) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}T{value.hour:02d}{value.minute:02d}{value.second:02d}"


def _utc(value: datetime) -> str:
    return _local(value.astimezone(UTC)) + "Z"


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _trigger(minutes: int) -> str:
    """A negative duration such as -PT15M, -PT2H or -P1DT1H30M."""
    if minutes == 0:
        return "PT0S"  # at the start
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    value = "-P" + (f"{days}D" if days else "")
    if hours or mins:
        value += "T" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    return value


@lru_cache(maxsize=16)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)  # raises ZoneInfoNotFoundError for an unknown name


@lru_cache(maxsize=64)
def _vtimezone(tz: str, first_day: date, last_day: date) -> tuple[str, ...]:
    """The VTIMEZONE lines for ``tz``, covering only ``first_day``..``last_day``.

    icalendar's default span (1970-2038) floods the feed with historic
    observances; a span from the earliest item on is a few lines. Building it
    takes milliseconds, hence the cache.
    """
    component = Timezone.from_tzid(tz, first_date=first_day, last_date=last_day)
    text = component.to_ical().decode("utf-8").replace("\r\n ", "")  # unfold
    # Drop icalendar's human note ("This timezone only works from ...").
    return tuple(line for line in text.split("\r\n") if line and not line.startswith("COMMENT"))
