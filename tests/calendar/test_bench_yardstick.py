"""bench/calendar.py compares the feed with icalendar serialising the same events: that
is fair only if icalendar's calendar says the same. No timings here."""

from __future__ import annotations

from cluster_intranet.auth.models import User
from cluster_intranet.calendar import feeds, scopes, services
from cluster_intranet.calendar.ical import build_calendar
from cluster_intranet.extensions import db

from bench.calendar import icalendar_feed


def test_icalendar_yardstick_writes_the_same_events(world, app, parse_icaljs):
    services.save_reminders(db.session.get(User, world.users["lead"]), 15, 900)
    db.session.commit()
    with app.test_request_context():
        scope = scopes.scope_for(scopes.ALL, db.session.get(User, world.users["lead"]))
        items = feeds.feed_items(scope)
        ours = parse_icaljs(build_calendar(items, name=scope.feed.name, tz=scope.tz))
        theirs = parse_icaljs(icalendar_feed(items, name=scope.feed.name, tz=scope.tz))
    assert len(ours["events"]) == len(items) > 10
    key = lambda event: event["uid"]  # noqa: E731
    for mine, other in zip(sorted(ours["events"], key=key), sorted(theirs["events"], key=key), strict=True):
        for field in ("uid", "summary", "description", "location", "url", "status", "transp", "sequence", "categories",
                      "dtstamp", "lastModified", "alarms"):  # fmt: skip
            assert mine[field] == other[field], (mine["uid"], field)
        assert mine["start"]["utc"] == other["start"]["utc"] and mine["start"]["value"] == other["start"]["value"]
        assert mine["end"]["value"] == other["end"]["value"]
