"""The token feeds over HTTP, read back with icalendar and with ical.js.

«Today» is 1 March 2025 (tests/calendar/builders.py): the window runs from
31 December 2024 to 1 March 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from cluster_intranet import clock
from cluster_intranet.auth.models import User
from cluster_intranet.calendar import feeds, scopes
from cluster_intranet.councils.models import Council, CouncilMember
from cluster_intranet.decisions.models import Decision, DecisionResponsible
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.media.models import MediaEvent
from cluster_intranet.meetings import services as meeting_services
from cluster_intranet.meetings.models import Attendance, AttendanceMode, Meeting
from tests.calendar.builders import (
    HOST,
    INTERNAL_NOTE,
    NOW,
    SECRET_EMAIL,
    SECRET_PHONE,
    TRICKY,
    assert_read_as_14_to_15_30_in_tomsk,
)

FEED_SLUGS = ["all", "meetings", "media", "deadlines", "mine"]


def uids(parsed: dict) -> set[str]:
    return {event["uid"] for event in parsed["events"]}


def event_of(parsed: dict, uid: str) -> dict:
    (event,) = [e for e in parsed["events"] if e["uid"] == uid]
    return event


def expected_uids(world, slug: str, user: str = "lead") -> set[str]:
    meetings = {world.uid("meeting", n) for n in ("timed", "all_day", "cancelled", "attended", "past")}
    deadlines = {world.uid("decision", n) for n in ("lead", "other", "cancelled", "done")}
    media = {world.uid("media-event", n) for n in ("timed", "multi", "cancelled")}
    mine = {
        "lead": {world.uid("meeting", n) for n in ("timed", "cancelled", "attended", "past")}
        | {world.uid("decision", n) for n in ("lead", "cancelled", "done")},
        "guest": {world.uid("meeting", "timed"), world.uid("decision", "lead")},
        "nobody": set(),
    }
    return {
        "all": meetings | deadlines | media,
        "meetings": meetings,
        "media": media,
        "deadlines": deadlines,
        "mine": mine[user],
        f"council-{world.councils['coord'].id}": {world.uid("meeting", n) for n in ("timed", "cancelled", "past")},
        f"council-{world.councils['expert'].id}": {world.uid("meeting", n) for n in ("all_day", "attended")},
    }[slug]


# --- HTTP ------------------------------------------------------------------------------


def test_feed_headers(world, fetch):
    response = fetch(world.tokens["lead"], "all")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="cluster-all.ics"'
    assert response.headers["ETag"].startswith('"') and len(response.headers["ETag"]) == 34
    assert response.headers["Last-Modified"] == "Sat, 01 Mar 2025 03:00:00 GMT"
    assert "Content-Encoding" not in response.headers  # not asked for
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "no-transform" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert response.data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(response.data) < 1_000_000


def test_feed_compressed_when_asked_with_an_etag_of_its_own(world, fetch):
    import gzip

    plain = fetch(world.tokens["lead"], "all")
    packed = fetch(world.tokens["lead"], "all", **{"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data)
    assert packed.headers["ETag"] != plain.headers["ETag"]  # other bytes, another name
    assert fetch(world.tokens["lead"], "all", **{"Accept-Encoding": "gzip, br"}).data == packed.data  # stable bytes
    again = {"If-None-Match": packed.headers["ETag"]}
    assert fetch(world.tokens["lead"], "all", **{"Accept-Encoding": "gzip", **again}).status_code == 304
    # The gzip copy's ETag never validates the plain bytes, nor the other way round.
    assert fetch(world.tokens["lead"], "all", **again).status_code == 200
    assert (
        fetch(
            world.tokens["lead"], "all", **{"Accept-Encoding": "gzip", "If-None-Match": plain.headers["ETag"]}
        ).status_code
        == 200
    )
    assert "Content-Encoding" not in fetch(world.tokens["lead"], "all", **{"Accept-Encoding": "gzip;q=0"}).headers


def test_accept_header_does_not_matter(world, fetch):
    plain = fetch(world.tokens["lead"], "all")
    for accept in ("application/json", "text/html", "text/calendar", "*/*"):
        response = fetch(world.tokens["lead"], "all", Accept=accept)
        assert response.status_code == 200
        assert response.data == plain.data
        assert response.headers["ETag"] == plain.headers["ETag"]


def test_head_request(world, client, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("HEAD built the feed")

    monkeypatch.setattr(feeds, "build_feed", refuse)
    response = client.head(f"/calendar/feed/{world.tokens['lead']}/all.ics")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_feed_without_session_or_cookies(world, app):
    """Outlook has no session: a fresh client with no cookies gets the feed."""
    client = app.test_client()
    response = client.get(f"/calendar/feed/{world.tokens['lead']}/meetings.ics")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_repeated_request_is_304(world, fetch):
    first = fetch(world.tokens["lead"], "all")
    again = fetch(world.tokens["lead"], "all")
    assert again.data == first.data  # the same bytes until something changes
    assert again.headers["ETag"] == first.headers["ETag"]

    by_etag = fetch(world.tokens["lead"], "all", **{"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.data == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]

    by_date = fetch(world.tokens["lead"], "all", **{"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304

    earlier = "Fri, 28 Feb 2025 03:00:00 GMT"
    assert fetch(world.tokens["lead"], "all", **{"If-Modified-Since": earlier}).status_code == 200
    assert fetch(world.tokens["lead"], "all", **{"If-None-Match": '"other"'}).status_code == 200


def test_304_is_answered_without_building_the_feed(world, fetch, monkeypatch, app, count_queries):
    etag = fetch(world.tokens["lead"], "all").headers["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("a conditional request built the feed")

    monkeypatch.setattr(feeds, "build_feed", refuse)
    monkeypatch.setattr(feeds, "feed_items", refuse)
    with count_queries() as counter:
        response = fetch(world.tokens["lead"], "all", **{"If-None-Match": etag})
    assert response.status_code == 304
    # The token lookup (its user with it) and the state; «mine» reads the user's councils too.
    assert counter.count == 2


def test_mine_304_after_joining_a_council(world, fetch):
    """Membership has no timestamp: the ETag still moves when it changes."""
    first = fetch(world.tokens["guest"], "mine")
    db.session.add(CouncilMember(council_id=world.councils["expert"].id, person_id=world.people["guest"].id))
    db.session.commit()
    response = fetch(world.tokens["guest"], "mine", **{"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert world.uid("meeting", "all_day") in response.get_data(as_text=True)


def test_edit_gives_new_sequence_etag_and_bytes(world, fetch, parse_icaljs, parse_icalendar, fixed_clock, monkeypatch):
    first = fetch(world.tokens["lead"], "meetings")
    before = event_of(parse_icaljs(first.data), world.uid("meeting", "timed"))

    later = NOW + timedelta(hours=2)
    from cluster_intranet import clock

    monkeypatch.setattr(clock, "utcnow", lambda: later)
    meeting = db.session.get(Meeting, world.meetings["timed"].id)
    meeting_services.save_meeting(
        meeting, {"council_id": meeting.council_id, "number": meeting.number, "date": meeting.date,
                  "start_time": time(16, 0), "end_time": time(17, 0), "place": "пр. Ленина, 30, ауд. 205"},
    )  # fmt: skip
    db.session.commit()

    response = fetch(world.tokens["lead"], "meetings", **{"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    assert response.headers["Last-Modified"] == "Sat, 01 Mar 2025 05:00:00 GMT"
    after = event_of(parse_icaljs(response.data), world.uid("meeting", "timed"))
    assert after["sequence"] == before["sequence"] + 1
    assert after["uid"] == before["uid"]
    assert after["start"]["utc"] == "2025-03-10T09:00:00Z"  # 16:00 in Tomsk
    assert after["location"] == "г. Томск, пр. Ленина, 30, ауд. 205"
    assert after["lastModified"] == after["dtstamp"] == "2025-03-01T05:00:00Z"
    (event,) = [e for e in parse_icalendar(response.data).events if e.uid == world.uid("meeting", "timed")]
    assert event.sequence == before["sequence"] + 1


def test_new_attendee_changes_the_etag(world, fetch):
    """Attendees have no timestamps; their number and last id are part of the state."""
    first = fetch(world.tokens["lead"], "meetings")
    meeting = db.session.get(Meeting, world.meetings["timed"].id)
    meeting_services.add_attendee(meeting, world.people["lead"].id, AttendanceMode.INVITED)
    db.session.commit()
    response = fetch(world.tokens["lead"], "meetings", **{"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert "Приглашённые: Соколова А.П." in event_of_text(response, world.uid("meeting", "timed"))


RENAMED = {"name": "Петров-Водкин П.И.", "job_title": "", "organization": ""}


def _guest_attendance(world) -> Attendance:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == world.meetings["timed"].id, Attendance.person_id == world.people["guest"].id
        )
    )


def test_renamed_attendee_reaches_a_full_download(world, fetch):
    """An attendee edited in place (no timestamp of the meeting moves) is there at once."""
    fetch(world.tokens["lead"], "all")
    meeting_services.update_attendee(_guest_attendance(world), RENAMED)
    db.session.commit()
    text = event_of_text(fetch(world.tokens["lead"], "all"), world.uid("meeting", "timed"))
    assert "Участники (очно): Петров-Водкин П.И." in text


def test_agenda_moved_in_place_reaches_a_full_download(world, fetch):
    """Moving an agenda item changes no timestamp either (see the test above)."""
    fetch(world.tokens["lead"], "all")
    meeting = db.session.get(Meeting, world.meetings["timed"].id)
    meeting_services.move_agenda_item(meeting.agenda_items[1], -1)
    db.session.commit()
    text = event_of_text(fetch(world.tokens["lead"], "all"), world.uid("meeting", "timed"))
    assert "1. Разное\n2. " + TRICKY.split("\n")[0] in text


def test_renamed_attendee_changes_the_etag(world, fetch, monkeypatch):
    first = fetch(world.tokens["lead"], "meetings")
    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(minutes=1))
    meeting_services.update_attendee(_guest_attendance(world), RENAMED)
    db.session.commit()
    response = fetch(world.tokens["lead"], "meetings", **{"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200


def event_of_text(response, uid: str) -> str:
    from icalendar import Calendar

    (event,) = [e for e in Calendar.from_ical(response.data).events if e.uid == uid]
    return str(event["DESCRIPTION"])


def test_deleting_a_meeting_removes_it_and_moves_last_modified(world, fetch, monkeypatch):
    first = fetch(world.tokens["lead"], "meetings")
    from cluster_intranet import clock

    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(minutes=5))
    meeting_services.soft_delete(db.session.get(Meeting, world.meetings["all_day"].id))
    db.session.commit()
    for conditional in (
        {"If-None-Match": first.headers["ETag"]},
        {"If-Modified-Since": first.headers["Last-Modified"]},
    ):
        response = fetch(world.tokens["lead"], "meetings", **conditional)
        assert response.status_code == 200
        assert world.uid("meeting", "all_day").encode() not in response.data


def test_window_is_configurable(world, fetch, app, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_WINDOW_PAST_DAYS", 150)
    monkeypatch.setitem(app.config, "CALENDAR_WINDOW_FUTURE_DAYS", 30)
    data = fetch(world.tokens["lead"], "meetings").get_data(as_text=True)
    assert world.uid("meeting", "too_old") in data
    assert world.uid("meeting", "timed") in data
    assert world.uid("meeting", "attended") not in data  # 5 May: more than 30 days ahead


def test_a_meeting_leaving_the_window_at_midnight_moves_the_validators(world, fetch, app, monkeypatch):
    """Nothing is written when a day passes, yet the body changes (the window moves): the
    ETag and Last-Modified move with it, so a conditional request gets the new body."""
    monkeypatch.setitem(app.config, "CALENDAR_WINDOW_PAST_DAYS", 9)  # from 20 February, the «past» meeting's day
    first = fetch(world.tokens["lead"], "meetings")
    assert world.uid("meeting", "past") in first.get_data(as_text=True)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(days=1))
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        later = fetch(world.tokens["lead"], "meetings", **headers)
        assert later.status_code == 200, headers
        assert world.uid("meeting", "past") not in later.get_data(as_text=True)
    assert _http_date(later.headers["Last-Modified"]) > _http_date(first.headers["Last-Modified"])


# --- tokens ------------------------------------------------------------------------


def test_reset_token_kills_the_old_url(world, fetch, login_as, app):
    from cluster_intranet.calendar import services

    user = db.session.get(User, world.users["lead"])
    old = world.tokens["lead"]
    new = services.issue_token(user)
    db.session.commit()
    for slug in FEED_SLUGS:
        assert fetch(old, slug).status_code == 404
        assert fetch(new, slug).status_code == 200


def test_deactivated_users_feeds_404_and_stay_dead_when_reactivated(world, fetch, login_as):
    admin = login_as("admin", "feed-admin@cluster.test")
    user_id = world.users["lead"]
    assert admin.post(f"/admin/users/{user_id}/active?active=0").status_code == 303
    for slug in FEED_SLUGS:
        assert fetch(world.tokens["lead"], slug).status_code == 404
    assert admin.post(f"/admin/users/{user_id}/active?active=1").status_code == 303
    assert db.session.get(User, user_id).active
    assert fetch(world.tokens["lead"], "all").status_code == 404  # a new link is issued on «Календари»


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 44, "%00" * 3, "..", "a" * 42 + "!"])
def test_unknown_or_malformed_token_404(world, fetch, token):
    assert fetch(token, "all").status_code == 404


def test_unknown_feed_404(world, fetch):
    for slug in ("everything", "council-999999", "council-", "council-01", "ALL"):
        assert fetch(world.tokens["lead"], slug).status_code == 404


# --- content, through both parsers ----------------------------------------------------


@pytest.mark.parametrize("slug", [*FEED_SLUGS, "council-coord", "council-expert"])
def test_every_feed_through_both_parsers(world, fetch, parse_icalendar, parse_icaljs, slug):
    if slug.startswith("council-"):
        slug = f"council-{world.councils[slug.split('-')[1]].id}"
    data = fetch(world.tokens["lead"], slug).data
    want = expected_uids(world, slug)

    cal = parse_icalendar(data)
    assert {e.uid for e in cal.events} == want
    assert cal["METHOD"] == "PUBLISH"
    assert cal.get_missing_tzids() == set()

    parsed = parse_icaljs(data)
    assert uids(parsed) == want
    assert len(parsed["events"]) == len(want)
    feed = scopes.find_feed(slug)
    assert parsed["calendar"]["x-wr-calname"] == [feed.name]
    assert parsed["calendar"]["refresh-interval"] == ["PT1H"]
    for event in parsed["events"]:
        assert event["attendees"] == 0 and event["organizer"] is None
        assert event["uid"].endswith("@" + HOST)


def test_other_users_mine_feeds(world, fetch, parse_icaljs):
    assert uids(parse_icaljs(fetch(world.tokens["guest"], "mine").data)) == expected_uids(world, "mine", "guest")
    empty = fetch(world.tokens["nobody"], "mine")
    assert empty.status_code == 200
    assert parse_icaljs(empty.data)["events"] == []


def test_meeting_event(world, fetch, parse_icalendar, parse_icaljs):
    data = fetch(world.tokens["lead"], "meetings").data
    meeting = world.meetings["timed"]
    event = event_of(parse_icaljs(data), world.uid("meeting", "timed"))
    assert event["summary"] == "Заседание Координационного совета"
    assert_read_as_14_to_15_30_in_tomsk(event)
    assert event["location"] == "г. Томск, пр. Ленина, 30, ауд. 101"
    assert event["url"] == f"http://{HOST}/meetings/{meeting.id}"
    assert event["status"] == "CONFIRMED"
    assert event["transp"] == "OPAQUE"
    assert event["sequence"] == meeting.version
    assert event["categories"] == ["Заседание совета"]
    assert event["alarms"] == []  # nobody asked for reminders
    description = event["description"]
    assert "Когда: 10 марта 2025 г., 14:00–15:30 (томское время, UTC+7)" in description
    assert f"1. {TRICKY}" in description  # «; , \ newline» survive both ways
    assert "2. Разное" in description
    assert "Участники (очно): Петров П.И." in description
    assert "Участники (онлайн): Орлова О.С." in description
    assert f"Страница заседания: http://{HOST}/meetings/{meeting.id}" in description

    (same,) = [e for e in parse_icalendar(data).events if e.uid == world.uid("meeting", "timed")]
    assert str(same["DESCRIPTION"]) == description
    assert same.start == datetime(2025, 3, 10, 7, 0, tzinfo=UTC)
    assert same.start.tzinfo.key == "Asia/Tomsk"


def test_all_day_online_meeting(world, fetch, parse_icalendar, parse_icaljs):
    data = fetch(world.tokens["lead"], "meetings").data
    event = event_of(parse_icaljs(data), world.uid("meeting", "all_day"))
    assert event["start"] == {"value": "2025-03-12", "tzid": None, "utc": None, "isDate": True}
    assert event["end"]["value"] == "2025-03-13"  # exclusive
    assert event["location"] == "Онлайн"
    assert "Подключение: https://meet.example/expert" in event["description"]
    assert "12 марта 2025 г., весь день" in event["description"]
    (same,) = [e for e in parse_icalendar(data).events if e.uid == world.uid("meeting", "all_day")]
    assert (same.start, same.end) == (date(2025, 3, 12), date(2025, 3, 13))


def test_cancelled_meeting(world, fetch, parse_icaljs):
    event = event_of(parse_icaljs(fetch(world.tokens["lead"], "all").data), world.uid("meeting", "cancelled"))
    assert event["status"] == "CANCELLED"
    assert event["summary"] == "ОТМЕНЕНО: Заседание Координационного совета"
    assert event["transp"] == "TRANSPARENT"  # nobody is busy with a cancelled meeting
    assert "Заседание отменено." in event["description"]


def test_deleted_and_out_of_window_are_absent(world, fetch):
    data = fetch(world.tokens["lead"], "all").get_data(as_text=True)
    for name in ("deleted", "too_old", "too_far"):
        assert world.uid("meeting", name) not in data
    assert world.uid("decision", "of_deleted") not in data  # a deleted meeting's deadlines go with it
    assert world.uid("decision", "no_deadline") not in data


def test_deadlines(world, fetch, parse_icalendar, parse_icaljs):
    data = fetch(world.tokens["lead"], "deadlines").data
    parsed = parse_icaljs(data)
    lead = event_of(parsed, world.uid("decision", "lead"))
    assert lead["summary"] == (
        "Срок: Разработать медиаплан кластера; согласовать его с участниками, утвердить — Соколова А.П., Петров П.И."
    )
    assert lead["start"] == {"value": "2025-03-20", "tzid": None, "utc": None, "isDate": True}
    assert lead["end"]["value"] == "2025-03-21"
    assert lead["transp"] == "TRANSPARENT"
    assert lead["categories"] == ["Срок поручения"]
    assert "Ответственные: Соколова А.П., Петров П.И." in lead["description"]
    assert "протокол № 4 от 20.02.2025" in lead["description"]
    assert lead["url"] == f"http://{HOST}/decisions/{world.decisions['lead'].id}"
    assert f"Страница поручения: http://{HOST}/decisions/{world.decisions['lead'].id}" in lead["description"]

    cancelled = event_of(parsed, world.uid("decision", "cancelled"))
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["summary"].startswith("ОТМЕНЕНО: Срок: Провести выездное заседание")
    assert event_of(parsed, world.uid("decision", "done"))["summary"].endswith("(исполнено)")

    events = {e.uid: e for e in parse_icalendar(data).events}
    assert events[world.uid("decision", "lead")].start == date(2025, 3, 20)
    assert events[world.uid("decision", "lead")]["TRANSP"] == "TRANSPARENT"


def test_media_events(world, fetch, parse_icaljs):
    parsed = parse_icaljs(fetch(world.tokens["lead"], "media").data)
    timed = event_of(parsed, world.uid("media-event", "timed"))
    assert timed["start"]["utc"] == "2025-03-15T04:00:00Z"  # 11:00 in Tomsk
    assert timed["end"]["utc"] == "2025-03-15T06:00:00Z"
    assert timed["location"] == "ТИТ, актовый зал"
    assert "Организатор: ОГБПОУ «Томский индустриальный техникум»" in timed["description"]
    assert timed["categories"] == ["Медиаплан", "Мероприятие"]

    multi = event_of(parsed, world.uid("media-event", "multi"))
    assert (multi["start"]["value"], multi["end"]["value"]) == ("2025-03-17", "2025-03-20")
    assert multi["start"]["isDate"] is True
    assert multi["transp"] == "TRANSPARENT" and timed["transp"] == "OPAQUE"  # days marked, hours blocked

    cancelled = event_of(parsed, world.uid("media-event", "cancelled"))
    assert cancelled["status"] == "CANCELLED"
    assert cancelled["summary"] == "ОТМЕНЕНО: Рабочая встреча редакторов"
    assert cancelled["transp"] == "TRANSPARENT"
    assert "Причина: перенос" in cancelled["description"]


def test_a_postponed_media_event_says_from_when(world, fetch, parse_icaljs):
    db.session.get(MediaEvent, world.events["multi"].id).postponed_from = date(2025, 3, 3)
    db.session.commit()
    parsed = parse_icaljs(fetch(world.tokens["lead"], "media").data)
    lines = event_of(parsed, world.uid("media-event", "multi"))["description"].splitlines()
    assert lines[lines.index("Перенесено с 3 марта 2025 г.") - 1].startswith("Когда: ")
    assert "Перенесено" not in event_of(parsed, world.uid("media-event", "timed"))["description"]


def test_titles_are_one_line(world, fetch, parse_icaljs):
    db.session.get(MediaEvent, world.events["timed"].id).title = "Ярмарка\r\nвакансий\n\tи  практик"
    db.session.commit()
    timed = event_of(parse_icaljs(fetch(world.tokens["lead"], "media").data), world.uid("media-event", "timed"))
    assert timed["summary"] == "Ярмарка вакансий и практик"


def test_no_private_data_in_any_feed(world, fetch):
    """Contacts, internal notes and other users' settings never reach a feed."""
    from cluster_intranet.calendar import services

    guest = db.session.get(User, world.users["guest"])
    services.save_reminders(guest, 30, 900)
    db.session.commit()
    for user in ("lead", "nobody"):
        for slug in FEED_SLUGS:
            data = fetch(world.tokens[user], slug).get_data(as_text=True)
            for secret in (SECRET_EMAIL, SECRET_PHONE, INTERNAL_NOTE, "guest@cluster.test", "lead@cluster.test"):
                assert secret not in data
            assert "VALARM" not in data  # the guest's reminders are the guest's
            assert world.tokens[user] not in data


def test_uids_are_stable(world, fetch, parse_icaljs):
    first = uids(parse_icaljs(fetch(world.tokens["lead"], "all").data))
    assert world.uid("meeting", "timed") == f"meeting-{world.meetings['timed'].id}@intranet.test"
    assert world.uid("decision", "lead") == f"decision-{world.decisions['lead'].id}@intranet.test"
    # Another user's feed and a new token name the same events the same way.
    from cluster_intranet.calendar import services

    token = services.issue_token(db.session.get(User, world.users["lead"]))
    db.session.commit()
    assert uids(parse_icaljs(fetch(token, "all").data)) == first


def test_reminders_only_where_chosen(world, fetch, parse_icaljs):
    from cluster_intranet.calendar import services

    services.save_reminders(db.session.get(User, world.users["lead"]), 15, 15 * 60)
    db.session.commit()
    parsed = parse_icaljs(fetch(world.tokens["lead"], "all").data)
    assert event_of(parsed, world.uid("meeting", "timed"))["alarms"] == [
        {"action": "DISPLAY", "trigger": "-PT15M", "description": "Заседание Координационного совета"}
    ]
    # All-day: the day before at 09:00.
    assert event_of(parsed, world.uid("meeting", "all_day"))["alarms"][0]["trigger"] == "-PT15H"
    assert event_of(parsed, world.uid("decision", "lead"))["alarms"][0]["trigger"] == "-PT15H"
    assert event_of(parsed, world.uid("media-event", "multi"))["alarms"][0]["trigger"] == "-PT15H"
    assert event_of(parsed, world.uid("meeting", "cancelled"))["alarms"] == []
    # The guest chose nothing.
    assert all(e["alarms"] == [] for e in parse_icaljs(fetch(world.tokens["guest"], "all").data)["events"])


def test_reminder_change_changes_the_etag(world, fetch):
    from cluster_intranet.calendar import services

    first = fetch(world.tokens["lead"], "all")
    services.save_reminders(db.session.get(User, world.users["lead"]), 60, None)
    db.session.commit()
    assert fetch(world.tokens["lead"], "all", **{"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_attendance_makes_a_meeting_mine(world, fetch):
    meeting = db.session.get(Meeting, world.meetings["all_day"].id)
    assert world.uid("meeting", "all_day") not in fetch(world.tokens["guest"], "mine").get_data(as_text=True)
    meeting.attendances.append(Attendance(person_id=world.people["guest"].id, name="Петров П.И.", mode="online"))
    db.session.commit()
    assert world.uid("meeting", "all_day") in fetch(world.tokens["guest"], "mine").get_data(as_text=True)


def test_tomsk_time_in_another_configured_zone(world, fetch, app, monkeypatch, parse_icaljs):
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Moscow")
    parsed = parse_icaljs(fetch(world.tokens["lead"], "meetings").data)
    event = event_of(parsed, world.uid("meeting", "timed"))
    assert parsed["calendar"]["x-wr-timezone"] == ["Europe/Moscow"]
    assert event["start"]["tzid"] == "Europe/Moscow"
    assert "(Europe/Moscow, UTC+3)" in event["description"]


# --- a download after a change shows it ------------------------------------------------------


def unfolded(response) -> str:
    return response.get_data(as_text=True).replace("\r\n ", "")


def test_reminders_are_in_the_bytes(world, fetch):
    """Another choice of reminders, another feed at once (the ETag holds the choice)."""
    from cluster_intranet.calendar import services

    first = fetch(world.tokens["lead"], "deadlines")
    services.save_reminders(db.session.get(User, world.users["lead"]), None, 15 * 60)
    db.session.commit()
    changed = fetch(world.tokens["lead"], "deadlines", **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"TRIGGER:-PT15H" in changed.data
    services.save_reminders(db.session.get(User, world.users["lead"]), 30, 15 * 60)
    db.session.commit()
    assert b"TRIGGER:-PT30M" in fetch(world.tokens["lead"], "meetings").data


EDITS = {
    "decision": (lambda w: (Decision, w.decisions["other"].id, "text", "Подготовить отчёт к 1 апреля"),
                 "SUMMARY:Срок: Подготовить отчёт к 1 апреля"),
    "responsible": (lambda w: (Person, w.people["guest"].id, "surname", "Петровский"), "Соколова А.П.\\, Петровский П.И."),
    "council": (lambda w: (Council, w.councils["coord"].id, "name_genitive", "Координационного совета кластера"),
                "Решение № 2 заседания Координационного совета кластера"),
    "meeting": (lambda w: (Meeting, w.meetings["past"].id, "number", 14), "(протокол № 14 от 20.02.2025)"),
    "media event": (lambda w: (MediaEvent, w.events["timed"].id, "title", "День открытых дверей ТИТ"),
                    "SUMMARY:День открытых дверей ТИТ"),
    "organizer": (lambda w: (Organization, w.events["timed"].organizer_id, "short_name", "ОГБПОУ «ТИТ»"),
                  "Организатор: ОГБПОУ «ТИТ»"),
}  # fmt: skip


@pytest.mark.parametrize("edit", EDITS)
def test_edits_reach_the_next_download(world, fetch, monkeypatch, edit):
    """An edit of anything a feed shows reaches the next download, conditional or not."""
    first = fetch(world.tokens["lead"], "all")
    target, expected = EDITS[edit]
    model, object_id, column, value = target(world)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(minutes=1))
    setattr(db.session.get(model, object_id), column, value)
    db.session.commit()
    for headers in ({}, {"If-None-Match": first.headers["ETag"]}):
        response = fetch(world.tokens["lead"], "all", **headers)
        assert response.status_code == 200
        assert expected in unfolded(response)


def test_a_body_built_while_the_rows_changed_is_not_named_by_the_old_state(world, app, fetch, monkeypatch):
    """Another writer commits between the state and the build: the body shows the new rows,
    so it goes without validators."""
    from sqlalchemy.orm import Session

    original, added = feeds.deadline_items, []

    def change_first(*args):
        if not added:  # another writer adds a responsible just before the rows are read
            with Session(db.engine) as other:
                row = DecisionResponsible(
                    decision_id=world.decisions["other"].id, person_id=world.people["guest"].id, position=1
                )
                other.add(row)
                other.commit()
                added.append(row.id)
        return original(*args)

    monkeypatch.setattr(feeds, "deadline_items", change_first)
    raced = fetch(world.tokens["lead"], "all")
    assert "Орлова О.С.\\, Петров П.И." in unfolded(raced)  # built from the changed rows
    assert "ETag" not in raced.headers and "Last-Modified" not in raced.headers
    monkeypatch.setattr(feeds, "deadline_items", original)
    with Session(db.engine) as other:  # and undone: a new state, never the first one again
        other.delete(other.get(DecisionResponsible, added[0]))
        other.commit()
    answer = fetch(world.tokens["lead"], "all")
    data = unfolded(answer)
    assert "Орлова О.С." in data and "Орлова О.С.\\, Петров П.И." not in data
    assert answer.headers["ETag"]


def test_a_save_that_waited_on_a_lock_changes_the_feed(world, app, fetch, monkeypatch, database_url):
    """Two connections: one holds an event's row lock while another commit goes through.
    The waiting save commits last with the older updated_at: the feed must still change."""
    import threading

    from sqlalchemy import text
    from sqlalchemy.orm import Session

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer: no row lock to wait on")
    locked, saved = world.events["timed"].id, world.events["multi"].id
    holder, waiter = Session(db.engine), Session(db.engine)
    held = holder.get(MediaEvent, locked, with_for_update=True)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(minutes=1))  # the waiting save's time: earlier

    def save_waiting():
        waiter.get(MediaEvent, saved).description = "Изменение после ожидания блокировки"
        waiter.flush()  # its updated_at: a minute past NOW
        waiter.execute(select(MediaEvent.id).where(MediaEvent.id == locked).with_for_update())  # waits for the holder
        go.wait()  # the test reads the feed between the two commits
        waiter.commit()

    go = threading.Event()

    thread = threading.Thread(target=save_waiting)
    thread.start()
    with db.engine.connect() as probe:  # until the waiter is blocked on the row lock
        while not probe.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar():
            thread.join(0.01)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW + timedelta(minutes=2))
    held.title = "Новое название"
    holder.commit()  # the later time, committed first
    between = fetch(world.tokens["lead"], "media")
    assert "Новое название" in unfolded(between)
    go.set()
    thread.join()
    holder.close()
    waiter.close()
    for headers in (
        {"If-None-Match": between.headers["ETag"]},
        {"If-Modified-Since": between.headers["Last-Modified"]},
    ):
        after = fetch(world.tokens["lead"], "media", **headers)
        assert after.status_code == 200, headers
        assert "Изменение после ожидания блокировки" in unfolded(after)


@pytest.mark.parametrize("slug", ["media", "deadlines", "all"])
def test_conditional_requests_after_a_deletion_and_two_changes_in_a_second(world, fetch, slug):
    """The clock stands still (NOW): Last-Modified still moves forward with every change."""
    first = fetch(world.tokens["lead"], slug)
    if slug == "deadlines":
        db.session.delete(db.session.get(Decision, world.decisions["lead"].id))
        gone = world.uid("decision", "lead")
    else:
        db.session.delete(db.session.get(MediaEvent, world.events["timed"].id))
        gone = world.uid("media-event", "timed")
    db.session.commit()
    second = None
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        second = fetch(world.tokens["lead"], slug, **headers)
        assert second.status_code == 200, headers
        assert gone.encode() not in second.data
    assert _http_date(second.headers["Last-Modified"]) > _http_date(first.headers["Last-Modified"])
    # Another change in the same second: Last-Modified moves again.
    db.session.get(MediaEvent, world.events["multi"].id).title = "Форум, новое название"
    db.session.get(Decision, world.decisions["other"].id).text = "Новый текст поручения"
    db.session.commit()
    third = fetch(world.tokens["lead"], slug, **{"If-Modified-Since": second.headers["Last-Modified"]})
    assert third.status_code == 200
    assert _http_date(third.headers["Last-Modified"]) > _http_date(second.headers["Last-Modified"])


def _http_date(value: str) -> datetime:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(value)


def test_the_same_etag_after_a_restart_names_the_same_bytes(world, fetch):
    first = fetch(world.tokens["lead"], "all")
    again = fetch(world.tokens["lead"], "all")
    assert again.headers["ETag"] == first.headers["ETag"] and again.data == first.data
