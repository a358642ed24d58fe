"""The iCalendar feed builder, checked on its bytes and through two parsers.

Every feed is parsed back with icalendar (Python) and with ical.js (node):
the two are written independently, so a feed both read the same way is
likely to be read that way by Outlook, Google, Apple and Thunderbird too.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_intranet.calendar.ical import (
    CANCELLED_PREFIX,
    CalendarItem,
    assemble,
    build_calendar,
    etag_for,
    serialise,
    single_event_calendar,
)
from tests.calendar.builders import assert_read_as_14_to_15_30_in_tomsk

TOMSK = ZoneInfo("Asia/Tomsk")
MOSCOW = ZoneInfo("Europe/Moscow")
CHANGED = datetime(2025, 3, 1, 5, 30, 15, tzinfo=UTC)
FEED_NAME = "Календарь кластера"

HEADER = [
    b"BEGIN:VCALENDAR",
    b"VERSION:2.0",
    b"PRODID:-//Tomsk Industrial Cluster//Intranet//RU",
    b"CALSCALE:GREGORIAN",
    b"METHOD:PUBLISH",
    "NAME:Календарь кластера".encode(),
    "X-WR-CALNAME:Календарь кластера".encode(),
    b"X-WR-TIMEZONE:Asia/Tomsk",
    b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    b"X-PUBLISHED-TTL:PT1H",
]

TRICKY = "Точка; запятая, обратная\\черта\nновая строка\r\nи ещё одна: двоеточие"
LONG_RU = (
    "Повестка заседания совета кластера: 1) отчёт о работе за квартал; "
    "2) утверждение плана, бюджета и сроков; 3) разное — «вопросы» участников.\n"
) * 8


def meeting(uid="meeting-42@intranet.example", **overrides) -> CalendarItem:
    values = dict(
        uid=uid,
        summary="Заседание совета кластера",
        start=datetime(2025, 3, 10, 14, 0, tzinfo=TOMSK),
        end=datetime(2025, 3, 10, 15, 30, tzinfo=TOMSK),
        last_modified=CHANGED,
        location="Томск, пр. Ленина, 30, ауд. 101",
        description="Повестка: отчёт за квартал.",
        url="https://intranet.example/meetings/42",
        categories=("Совет", "Заседание"),
    )
    values.update(overrides)
    return CalendarItem(**values)


def all_day(uid="vacation-7@intranet.example", **overrides) -> CalendarItem:
    values = dict(
        uid=uid,
        summary="Приём заявок",
        start=date(2025, 3, 3),
        end=date(2025, 3, 5),
        last_modified=CHANGED,
    )
    values.update(overrides)
    return CalendarItem(**values)


def lines_of(feed: bytes) -> list[bytes]:
    assert feed.endswith(b"\r\n")
    return feed[:-2].split(b"\r\n")


def unfolded(feed: bytes) -> list[str]:
    return feed.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def event_by_uid(parsed: dict, uid: str) -> dict:
    (event,) = [e for e in parsed["events"] if e["uid"] == uid]
    return event


# --- calendar header and framing -------------------------------------------


def test_header_lines_are_exact():
    feed = build_calendar([meeting()], name=FEED_NAME)
    assert lines_of(feed)[: len(HEADER)] == HEADER
    assert lines_of(feed)[-1] == b"END:VCALENDAR"


def test_crlf_line_endings_only():
    feed = build_calendar([meeting(description=LONG_RU), all_day()], name=FEED_NAME)
    assert feed.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in feed.replace(b"\r\n", b"")
    assert b"\r" not in feed.replace(b"\r\n", b"")


def test_header_read_by_both_parsers(parse_icalendar, parse_icaljs):
    feed = build_calendar([meeting()], name=FEED_NAME)

    cal = parse_icalendar(feed)
    assert cal["VERSION"] == "2.0"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal.calendar_name == FEED_NAME
    assert cal["X-WR-CALNAME"] == FEED_NAME
    assert cal["X-WR-TIMEZONE"] == "Asia/Tomsk"
    assert cal.refresh_interval == timedelta(hours=1)

    props = parse_icaljs(feed)["calendar"]
    assert props["method"] == ["PUBLISH"]
    assert props["name"] == [FEED_NAME]
    assert props["x-wr-calname"] == [FEED_NAME]
    assert props["x-wr-timezone"] == ["Asia/Tomsk"]
    assert props["refresh-interval"] == ["PT1H"]
    assert props["x-published-ttl"] == ["PT1H"]


def test_blocks_merge_into_the_same_bytes():
    """A feed assembled from blocks (as the feeds keep them per source) is byte for byte
    the feed of all the items: events in order of start and UID across the blocks."""
    early = datetime(2025, 3, 3, 9, 0, tzinfo=TOMSK)
    first = [meeting(), all_day(), meeting("meeting-7@intranet.example", start=early, end=None)]
    second = [all_day("deadline-1@intranet.example", start=date(2025, 3, 10), end=None),
              all_day("deadline-2@intranet.example", start=date(2025, 4, 1), end=None)]  # fmt: skip
    whole = build_calendar(first + second, name=FEED_NAME)
    assert assemble([serialise(first), serialise(second)], name=FEED_NAME) == whole
    assert assemble([serialise(second), serialise([]), serialise(first)], name=FEED_NAME) == whole
    assert assemble([], name=FEED_NAME) == build_calendar([], name=FEED_NAME)
    with pytest.raises(ValueError, match="duplicate UID"):
        assemble([serialise(first), serialise([meeting()])], name=FEED_NAME)


def test_empty_feed_is_a_valid_calendar(parse_icalendar, parse_icaljs):
    feed = build_calendar([], name=FEED_NAME)
    assert lines_of(feed)[: len(HEADER)] == HEADER
    # RFC 5545 wants at least one component: the VTIMEZONE is it.
    assert b"BEGIN:VTIMEZONE" in feed

    cal = parse_icalendar(feed)
    cal.validate()
    assert cal.events == []
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Tomsk"]

    parsed = parse_icaljs(feed)
    assert parsed["events"] == []
    assert parsed["calendar"]["x-wr-calname"] == [FEED_NAME]


# --- times -------------------------------------------------------------------


def test_meeting_at_14_tomsk_is_07_utc(parse_icalendar, parse_icaljs):
    feed = build_calendar([meeting()], name=FEED_NAME)
    text = unfolded(feed)
    assert "DTSTART;TZID=Asia/Tomsk:20250310T140000" in text
    assert "DTEND;TZID=Asia/Tomsk:20250310T153000" in text

    (event,) = parse_icalendar(feed).events
    assert event.start == datetime(2025, 3, 10, 7, 0, tzinfo=UTC)
    assert event.end == datetime(2025, 3, 10, 8, 30, tzinfo=UTC)
    assert event.start.tzinfo.key == "Asia/Tomsk"

    (event,) = parse_icaljs(feed)["events"]
    assert_read_as_14_to_15_30_in_tomsk(event)


def test_times_in_other_zones_are_written_in_tomsk_time(parse_icaljs):
    items = [
        meeting("moscow@x", start=datetime(2025, 3, 10, 10, 0, tzinfo=MOSCOW), end=None),
        meeting("utc@x", start=datetime(2025, 3, 10, 7, 0, tzinfo=UTC), end=None),
    ]
    feed = build_calendar(items, name=FEED_NAME)
    text = unfolded(feed)
    assert text.count("DTSTART;TZID=Asia/Tomsk:20250310T140000") == 2
    for event in parse_icaljs(feed)["events"]:
        assert event["start"]["utc"] == "2025-03-10T07:00:00Z"


def test_no_floating_times():
    feed = build_calendar([meeting(), all_day()], name=FEED_NAME)
    text = unfolded(feed)
    events = text[text.index("END:VTIMEZONE") :]  # VTIMEZONE's own DTSTART is local by definition
    for line in events:
        name = line.split(":", 1)[0]
        if name.startswith(("DTSTART", "DTEND")) and "VALUE=DATE" not in name:
            assert "TZID=Asia/Tomsk" in name, line
    with pytest.raises(ValueError, match="aware"):
        meeting(start=datetime(2025, 3, 10, 14, 0), end=None)
    with pytest.raises(ValueError, match="aware"):
        meeting(end=datetime(2025, 3, 10, 15, 0))


def test_timed_item_without_end_lasts_an_hour(parse_icaljs):
    feed = build_calendar([meeting(end=None)], name=FEED_NAME)
    assert "DTEND;TZID=Asia/Tomsk:20250310T150000" in unfolded(feed)
    (event,) = parse_icaljs(feed)["events"]
    assert event["end"]["utc"] == "2025-03-10T08:00:00Z"


def test_zero_length_item(parse_icaljs):
    start = datetime(2025, 3, 14, 18, 0, tzinfo=TOMSK)
    feed = build_calendar([meeting(start=start, end=start, transparent=True)], name=FEED_NAME)
    (event,) = parse_icaljs(feed)["events"]
    assert event["start"] == event["end"]
    assert event["transp"] == "TRANSPARENT"


def test_all_day_single_day(parse_icalendar, parse_icaljs):
    feed = build_calendar([all_day(start=date(2025, 3, 8), end=None)], name=FEED_NAME)
    text = unfolded(feed)
    assert "DTSTART;VALUE=DATE:20250308" in text
    assert "DTEND;VALUE=DATE:20250309" in text

    (event,) = parse_icalendar(feed).events
    assert (event.start, event.end) == (date(2025, 3, 8), date(2025, 3, 9))

    (event,) = parse_icaljs(feed)["events"]
    assert event["start"] == {"value": "2025-03-08", "tzid": None, "utc": None, "isDate": True}
    assert event["end"]["value"] == "2025-03-09"


def test_multi_day_end_is_exclusive(parse_icalendar, parse_icaljs):
    # 3, 4 and 5 March inclusive; across a month end as well.
    items = [all_day(), all_day("month-end@x", start=date(2025, 2, 27), end=date(2025, 3, 1))]
    feed = build_calendar(items, name=FEED_NAME)

    events = {e.uid: e for e in parse_icalendar(feed).events}
    assert events["vacation-7@intranet.example"].end == date(2025, 3, 6)
    assert events["month-end@x"].end == date(2025, 3, 2)

    parsed = parse_icaljs(feed)
    event = event_by_uid(parsed, "vacation-7@intranet.example")
    assert (event["start"]["value"], event["end"]["value"]) == ("2025-03-03", "2025-03-06")
    assert event["end"]["isDate"] is True
    assert event_by_uid(parsed, "month-end@x")["end"]["value"] == "2025-03-02"


def test_start_and_end_must_match():
    with pytest.raises(TypeError):
        all_day(end=datetime(2025, 3, 5, 10, 0, tzinfo=TOMSK))
    with pytest.raises(TypeError):
        meeting(end=date(2025, 3, 10))
    with pytest.raises(ValueError, match="before start"):
        all_day(start=date(2025, 3, 5), end=date(2025, 3, 3))
    with pytest.raises(ValueError, match="before start"):
        meeting(end=datetime(2025, 3, 10, 13, 0, tzinfo=TOMSK))
    with pytest.raises(ValueError, match="aware"):
        meeting(last_modified=datetime(2025, 3, 1, 5, 0))


def test_dtstamp_and_last_modified_are_utc(parse_icalendar, parse_icaljs):
    changed = datetime(2025, 3, 1, 12, 30, 15, 999, tzinfo=TOMSK)  # 05:30:15 UTC
    feed = build_calendar([meeting(last_modified=changed)], name=FEED_NAME)
    text = unfolded(feed)
    assert "DTSTAMP:20250301T053015Z" in text
    assert "LAST-MODIFIED:20250301T053015Z" in text

    (event,) = parse_icalendar(feed).events
    assert event.DTSTAMP == datetime(2025, 3, 1, 5, 30, 15, tzinfo=UTC)
    assert event.last_modified == datetime(2025, 3, 1, 5, 30, 15, tzinfo=UTC)

    (event,) = parse_icaljs(feed)["events"]
    assert event["dtstamp"] == event["lastModified"] == "2025-03-01T05:30:15Z"


# --- VTIMEZONE ---------------------------------------------------------------


def vtimezone_lines(feed: bytes) -> list[str]:
    text = unfolded(feed)
    return text[text.index("BEGIN:VTIMEZONE") : text.index("END:VTIMEZONE") + 1]


def test_vtimezone_is_compact(parse_icalendar, parse_icaljs):
    feed = build_calendar([meeting(), all_day()], name=FEED_NAME)
    block = vtimezone_lines(feed)
    assert feed.count(b"BEGIN:VTIMEZONE") == 1
    assert not any(line.startswith("RDATE") for line in block)
    assert len(block) <= 10, block
    assert "TZID:Asia/Tomsk" in block
    assert "TZOFFSETTO:+0700" in block
    assert parse_icalendar(feed).get_missing_tzids() == set()
    assert parse_icaljs(feed)["timezones"] == ["Asia/Tomsk"]


def test_vtimezone_covers_the_2016_change_for_old_items(parse_icaljs):
    # Tomsk moved from UTC+6 to UTC+7 on 29 May 2016.
    items = [
        meeting("old@x", start=datetime(2015, 6, 1, 14, 0, tzinfo=TOMSK), end=None),
        meeting("new@x", start=datetime(2025, 6, 1, 14, 0, tzinfo=TOMSK), end=None),
    ]
    feed = build_calendar(items, name=FEED_NAME)
    block = vtimezone_lines(feed)
    assert len(block) <= 16, block
    assert not any(line.startswith("RDATE") for line in block)
    parsed = parse_icaljs(feed)
    assert event_by_uid(parsed, "old@x")["start"]["utc"] == "2015-06-01T08:00:00Z"
    assert event_by_uid(parsed, "new@x")["start"]["utc"] == "2025-06-01T07:00:00Z"


def test_other_feed_time_zone(parse_icaljs):
    feed = build_calendar([meeting()], name=FEED_NAME, tz="Europe/Moscow")
    assert "DTSTART;TZID=Europe/Moscow:20250310T100000" in unfolded(feed)
    assert "X-WR-TIMEZONE:Europe/Moscow" in unfolded(feed)
    (event,) = parse_icaljs(feed)["events"]
    assert event["start"]["utc"] == "2025-03-10T07:00:00Z"


# --- text --------------------------------------------------------------------


def test_cyrillic_and_escaping_round_trip(parse_icalendar, parse_icaljs):
    item = meeting(summary=TRICKY, description=TRICKY, location=TRICKY, categories=("а,б", "в;г"))
    feed = build_calendar([item], name=FEED_NAME)
    expected = TRICKY.replace("\r\n", "\n")

    text = "\n".join(unfolded(feed))
    assert "SUMMARY:Точка\\; запятая\\, обратная\\\\черта\\nновая строка\\nи ещё одна: двоеточие" in text
    assert "CATEGORIES:а\\,б,в\\;г" in text

    (event,) = parse_icalendar(feed).events
    assert event["SUMMARY"] == expected
    assert event["DESCRIPTION"] == expected
    assert event["LOCATION"] == expected
    assert [str(c) for c in event.categories] == ["а,б", "в;г"]

    (event,) = parse_icaljs(feed)["events"]
    assert event["summary"] == expected
    assert event["description"] == expected
    assert event["location"] == expected
    assert event["categories"] == ["а,б", "в;г"]


def test_control_characters_are_dropped(parse_icaljs):
    feed = build_calendar([meeting(description="звонок\x07 и\x00 табуляция\t")], name=FEED_NAME)
    (event,) = parse_icaljs(feed)["events"]
    assert event["description"] == "звонок и табуляция\t"


def test_url_and_categories(parse_icalendar, parse_icaljs):
    url = "https://intranet.example/meetings/42?tab=files;x=1,2"
    feed = build_calendar([meeting(url=url)], name=FEED_NAME)
    assert f"URL:{url}" in unfolded(feed)  # a URI is not TEXT-escaped
    (event,) = parse_icalendar(feed).events
    assert event["URL"] == url
    (event,) = parse_icaljs(feed)["events"]
    assert event["url"] == url
    assert event["categories"] == ["Совет", "Заседание"]


def test_empty_optional_fields_are_omitted():
    item = meeting(location="", description="", url="", categories=())
    names = {line.split(":")[0].split(";")[0] for line in unfolded(build_calendar([item], name="x"))}
    assert not names & {"LOCATION", "DESCRIPTION", "URL", "CATEGORIES"}


def assert_folded_correctly(feed: bytes) -> None:
    for line in lines_of(feed):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is whole UTF-8 on its own
    # No fold splits an escape: a folded line never ends in an odd run of backslashes.
    for line, following in zip(lines_of(feed), lines_of(feed)[1:], strict=False):
        if following.startswith(b" "):
            run = len(line) - len(line.rstrip(b"\\"))
            assert run % 2 == 0, (line, following)


def test_long_cyrillic_lines_fold_at_75_octets(parse_icalendar, parse_icaljs):
    item = meeting(summary="Очень длинное название " * 10, description=LONG_RU, location=TRICKY * 5)
    feed = build_calendar([item], name="Очень длинное название календаря кластера " * 3)
    assert_folded_correctly(feed)
    assert max(len(line) for line in lines_of(feed)) > 70  # lines are filled, not short

    (event,) = parse_icalendar(feed).events
    assert event["DESCRIPTION"] == LONG_RU
    (event,) = parse_icaljs(feed)["events"]
    assert event["description"] == LONG_RU
    assert event["summary"] == "Очень длинное название " * 10


def test_folding_never_splits_escapes_or_characters(parse_icaljs):
    # Every offset of an escape or of a 2-, 3- and 4-byte character against the 75-octet boundary.
    pieces = ["\\", ";", ",", "\n", "ж", "€", "😀", "a"]
    rng = random.Random(20250301)
    items = [meeting(f"fold-{n}@x", description="x" * n + "".join(rng.choices(pieces, k=300))) for n in range(80)]
    feed = build_calendar(items, name=FEED_NAME)
    assert_folded_correctly(feed)
    parsed = parse_icaljs(feed)
    for item in items:
        assert event_by_uid(parsed, item.uid)["description"] == item.description


@settings(database=None, deadline=None)  # no .hypothesis/ in the work tree; parsing time varies
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(exclude_categories=("Cs", "Cc")),
            st.sampled_from("\\;,\n:\"'жЖёЁ😀"),
        ),
        max_size=400,
    )
)
def test_any_text_survives_folding_and_escaping(value):
    from icalendar import Calendar

    feed = build_calendar([meeting(summary=value, description=value)], name=FEED_NAME)
    assert_folded_correctly(feed)
    (event,) = Calendar.from_ical(feed).events
    assert str(event.get("DESCRIPTION", "")) == value
    assert str(event["SUMMARY"]) == value


# --- event properties ---------------------------------------------------------


def test_sequence(parse_icalendar, parse_icaljs):
    feed = build_calendar([meeting(sequence=3), all_day()], name=FEED_NAME)
    events = {e.uid: e for e in parse_icalendar(feed).events}
    assert events["meeting-42@intranet.example"].sequence == 3
    assert events["vacation-7@intranet.example"].sequence == 0
    parsed = parse_icaljs(feed)
    assert event_by_uid(parsed, "meeting-42@intranet.example")["sequence"] == 3
    assert event_by_uid(parsed, "vacation-7@intranet.example")["sequence"] == 0
    with pytest.raises(ValueError):
        meeting(sequence=-1)


def test_cancelled_item(parse_icalendar, parse_icaljs):
    feed = build_calendar([meeting(cancelled=True, sequence=2, alarm_minutes=15)], name=FEED_NAME)
    (event,) = parse_icalendar(feed).events
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"] == "ОТМЕНЕНО: Заседание совета кластера"
    (event,) = parse_icaljs(feed)["events"]
    assert event["status"] == "CANCELLED"
    assert event["summary"] == CANCELLED_PREFIX + "Заседание совета кластера"
    assert event["sequence"] == 2
    assert event["alarms"] == []  # no reminder for a cancelled meeting


def test_status_and_transparency(parse_icaljs):
    feed = build_calendar([meeting(), all_day(transparent=True)], name=FEED_NAME)
    parsed = parse_icaljs(feed)
    assert event_by_uid(parsed, "meeting-42@intranet.example")["status"] == "CONFIRMED"
    assert event_by_uid(parsed, "meeting-42@intranet.example")["transp"] == "OPAQUE"
    assert event_by_uid(parsed, "vacation-7@intranet.example")["transp"] == "TRANSPARENT"


def test_no_attendee_or_organizer(parse_icaljs):
    feed = build_calendar([meeting(), all_day()], name=FEED_NAME)
    assert b"ATTENDEE" not in feed
    assert b"ORGANIZER" not in feed
    assert b"METHOD:REQUEST" not in feed
    for event in parse_icaljs(feed)["events"]:
        assert event["attendees"] == 0
        assert event["organizer"] is None


def test_alarm_only_when_set(parse_icalendar, parse_icaljs):
    items = [
        meeting("none@x"),
        meeting("quarter@x", alarm_minutes=15),
        meeting("day@x", alarm_minutes=24 * 60),
        meeting("mixed@x", alarm_minutes=24 * 60 + 90),
        meeting("at-start@x", alarm_minutes=0),
    ]
    feed = build_calendar(items, name=FEED_NAME)
    assert feed.count(b"BEGIN:VALARM") == 4

    events = {e.uid: e for e in parse_icalendar(feed).events}
    assert events["none@x"].subcomponents == []
    (alarm,) = events["quarter@x"].subcomponents
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == timedelta(minutes=-15)
    assert events["mixed@x"].subcomponents[0]["TRIGGER"].dt == -timedelta(days=1, minutes=90)

    parsed = parse_icaljs(feed)
    assert event_by_uid(parsed, "none@x")["alarms"] == []
    assert event_by_uid(parsed, "quarter@x")["alarms"] == [
        {"action": "DISPLAY", "trigger": "-PT15M", "description": "Заседание совета кластера"}
    ]
    assert event_by_uid(parsed, "day@x")["alarms"][0]["trigger"] == "-P1D"
    assert event_by_uid(parsed, "mixed@x")["alarms"][0]["trigger"] == "-P1DT1H30M"
    assert event_by_uid(parsed, "at-start@x")["alarms"][0]["trigger"] == "PT0S"
    with pytest.raises(ValueError):
        meeting(alarm_minutes=-5)


# --- stability ---------------------------------------------------------------


def test_identical_input_gives_identical_bytes():
    def items():
        return [meeting(description=LONG_RU), all_day(), meeting("other@x", sequence=1)]

    first = build_calendar(items(), name=FEED_NAME)
    assert build_calendar(items(), name=FEED_NAME) == first
    # The order the caller fetched the items in does not matter either.
    assert build_calendar(list(reversed(items())), name=FEED_NAME) == first
    assert build_calendar(iter(items()), name=FEED_NAME) == first


def test_uids_are_kept_as_given(parse_icalendar, parse_icaljs):
    items = [meeting(), all_day(), meeting("odd,uid;with\\chars@x")]
    feed = build_calendar(items, name=FEED_NAME)
    expected = sorted(item.uid for item in items)
    assert sorted(e.uid for e in parse_icalendar(feed).events) == expected
    assert sorted(e["uid"] for e in parse_icaljs(feed)["events"]) == expected


def test_duplicate_uid_is_refused():
    with pytest.raises(ValueError, match="duplicate UID"):
        build_calendar([meeting(), meeting(summary="другое")], name=FEED_NAME)


def test_feed_sorted_by_start():
    items = [meeting("late@x", start=datetime(2025, 4, 1, 9, 0, tzinfo=TOMSK), end=None), meeting(), all_day()]
    uids = [line[4:] for line in unfolded(build_calendar(items, name=FEED_NAME)) if line.startswith("UID:")]
    assert uids == ["vacation-7@intranet.example", "meeting-42@intranet.example", "late@x"]


def test_many_items(parse_icalendar, parse_icaljs):
    base = datetime(2025, 1, 1, 9, 0, tzinfo=TOMSK)
    items = [
        meeting(f"item-{n}@x", start=base + timedelta(hours=5 * n), end=None, description=LONG_RU) for n in range(1000)
    ]
    feed = build_calendar(items, name=FEED_NAME)
    assert_folded_correctly(feed)
    assert len(parse_icalendar(feed).events) == 1000
    parsed = parse_icaljs(feed)
    assert len(parsed["events"]) == 1000
    assert event_by_uid(parsed, "item-999@x")["start"]["utc"] == (
        (base + timedelta(hours=5 * 999)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )


# --- single event download and ETag -------------------------------------------


def test_single_event_calendar(parse_icalendar, parse_icaljs):
    feed = single_event_calendar(meeting(), tz="Asia/Tomsk", name=FEED_NAME)
    assert lines_of(feed)[:5] == HEADER[:5]
    # A calendar name would make Outlook open the file as a new calendar.
    assert b"X-WR-CALNAME" not in feed
    assert b"REFRESH-INTERVAL" not in feed
    (event,) = parse_icalendar(feed).events
    assert event.uid == "meeting-42@intranet.example"
    (event,) = parse_icaljs(feed)["events"]
    assert event["start"]["utc"] == "2025-03-10T07:00:00Z"


def test_etag():
    tag = etag_for(CHANGED, 12, "council-7", "2025")
    assert re.fullmatch(r'"[0-9a-f]{32}"', tag)
    assert etag_for(CHANGED, 12, "council-7", "2025") == tag
    # The same moment in another zone is the same change.
    assert etag_for(CHANGED.astimezone(TOMSK), 12, "council-7", "2025") == tag
    assert etag_for(CHANGED + timedelta(microseconds=1), 12, "council-7", "2025") != tag
    assert etag_for(CHANGED, 11, "council-7", "2025") != tag
    assert etag_for(CHANGED, 12, "council-8", "2025") != tag
    assert etag_for(CHANGED, 12, "council-7", "2026") != tag
    assert etag_for(CHANGED, 12, "council-72", "025") != tag  # extras do not run together
    assert etag_for(None, 0) != etag_for(None, 0, "x")
    with pytest.raises(ValueError):
        etag_for(datetime(2025, 3, 1), 1)
