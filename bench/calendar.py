"""The calendar feed with 5,000 events, in one process: ``python -m bench.calendar``.

Two targets (issue 6), measured on the same data in the same process:

- the full feed, as a request through the app (token lookup, state query, the
  row queries, building the bytes; nothing is kept between downloads), against
  icalendar serialising the same 5,000 events from prepared values (the
  CalendarItems): at most 1.5 times icalendar's time;
- the conditional request answered 304 (If-None-Match): at least 20 times the
  full feed's rate.

Times are medians of repeated runs; the report prints both ratios with
PASS/FAIL and the exit status is 1 if one fails. ``fill_calendar`` is also the
filler of the HTTP benchmark's «calendar» dataset (bench/scenarios.py).

    python -m bench.calendar                       # fresh SQLite in bench/output/
    python -m bench.calendar --database-url postgresql+psycopg://postgres@127.0.0.1/bench_calendar
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import time as timer
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from cluster_intranet import clock
from cluster_intranet.councils.models import Council
from cluster_intranet.decisions.models import Decision, DecisionResponsible, DecisionStatus
from cluster_intranet.directory.models import Person
from cluster_intranet.meetings.models import AgendaItem, Attendance, AttendanceMode, Meeting, MeetingStatus

from .data import bulk_insert, ids_of

MAX_ICALENDAR_RATIO = 1.5  # full feed time / icalendar's serialisation time
MIN_CONDITIONAL_RATIO = 20.0  # 304 rate / full feed rate
BENCH_EMAIL = "calendar-bench@cluster.local"

AGENDA = [
    "Об итогах экспертных сессий; о согласовании программ СПО с работодателями",
    "О медиаплане кластера, публикациях участников и освещении мероприятий",
    "О целевом обучении, стажировках преподавателей и базовых предприятиях",
    "Разное",
]


def fill_calendar(counts: dict[str, int], rng: random.Random) -> dict:
    """``counts["feed_events"]`` events inside the feed window: 60 % meetings (with
    agenda and attendees), 30 % decision deadlines, 10 % media events; a user with a
    feed token. Returns ``{"calendar_token": ...}`` for the scenario path."""
    from cluster_intranet.auth import services as users
    from cluster_intranet.auth.models import User
    from cluster_intranet.calendar import services as calendar_services
    from cluster_intranet.extensions import db
    from cluster_intranet.media.models import EventFormat, EventStatus, MediaEvent, MediaPlan

    today = clock.local_today()
    total = counts["feed_events"]
    n_meetings, n_decisions = total * 6 // 10, total * 3 // 10
    n_media = total - n_meetings - n_decisions
    councils = ids_of(Council)
    people = ids_of(Person)
    if not councils or not people:
        raise RuntimeError("fill_calendar needs the directory and councils datasets first")

    # Inside the default window (60 days back, 365 ahead), numbered after what is there.
    first_meeting = (db_max(Meeting.id) or 0) + 1
    numbers: dict[tuple[int, int], int] = {}
    meetings = []
    for n in range(n_meetings):
        council_id = councils[n % len(councils)]
        on = today + timedelta(days=rng.randint(-55, 360))
        key = (council_id, on.year)
        if key not in numbers:
            numbers[key] = db_max(Meeting.number, Meeting.council_id == council_id, Meeting.year == on.year) or 0
        numbers[key] += 1
        start = time(rng.randint(9, 16), rng.choice((0, 30)))
        meetings.append(dict(
            council_id=council_id, number=numbers[key], year=on.year, date=on, start_time=start,
            end_time=time(start.hour + 2, start.minute), city="г. Томск", place=f"пр. Кирова, 41, ауд. {rng.randint(100, 400)}",
            status=(MeetingStatus.CANCELLED if rng.random() < 0.05 else MeetingStatus.PLANNED).value,
            version=rng.randint(1, 4),
        ))  # fmt: skip
    bulk_insert(Meeting, meetings)
    meeting_ids = [i for i in ids_of(Meeting) if i >= first_meeting]
    bulk_insert(AgendaItem, [
        dict(meeting_id=m, position=p, text=text) for m in meeting_ids for p, text in enumerate(rng.sample(AGENDA, 3), 1)
    ])  # fmt: skip
    bulk_insert(Attendance, [
        dict(meeting_id=m, person_id=p, name=f"Участник {p}", mode=rng.choice(list(AttendanceMode)).value, position=i)
        for m in meeting_ids for i, p in enumerate(rng.sample(people, min(8, len(people))))
    ])  # fmt: skip

    first_decision = (db_max(Decision.id) or 0) + 1
    per_meeting = max(1, -(-n_decisions // len(meeting_ids)))
    bulk_insert(Decision, [
        dict(meeting_id=meeting_ids[n // per_meeting], number=n % per_meeting + 1,
             text=f"Подготовить предложения по вопросу {n + 1}; согласовать их с участниками кластера",
             deadline=today + timedelta(days=rng.randint(-55, 360)),
             status=rng.choice([s.value for s in DecisionStatus]))
        for n in range(n_decisions)
    ])  # fmt: skip
    decision_ids = [i for i in ids_of(Decision) if i >= first_decision]
    bulk_insert(DecisionResponsible, [
        dict(decision_id=d, person_id=p, position=i) for d in decision_ids for i, p in enumerate(rng.sample(people, 2))
    ])  # fmt: skip

    # A plan of its own: the media dataset's plan (the coverage matrix) keeps its size.
    first_plan = (db_max(MediaPlan.id) or 0) + 1
    bulk_insert(
        MediaPlan, [dict(title="Медиаплан для календарей", period_start=today, period_end=today + timedelta(days=365))]
    )
    plan_ids = [i for i in ids_of(MediaPlan) if i >= first_plan]
    media = []
    for n in range(n_media):
        starts = today + timedelta(days=rng.randint(-55, 360))
        several = rng.random() < 0.2
        timed = not several and rng.random() < 0.6
        media.append(dict(
            plan_id=plan_ids[0], title=f"Мероприятие кластера № {n + 1}", description="Описание мероприятия, программа и участники.",
            place="Томск, ТИТ, актовый зал", starts_on=starts, ends_on=starts + timedelta(days=2 if several else 0),
            start_time=time(11, 0) if timed else None, end_time=time(13, 0) if timed else None,
            format=rng.choice(list(EventFormat)).value, status=rng.choice(list(EventStatus)).value,
        ))  # fmt: skip
    bulk_insert(MediaEvent, media)

    # The bench user is a person of the directory no other account (an expert's) is linked to.
    linked = set(db.session.scalars(select(User.person_id).where(User.person_id.is_not(None))))
    mine = next(p for p in people if p not in linked)
    user = users.find_user(BENCH_EMAIL) or users.create_user(BENCH_EMAIL, users.generate_password(), "viewer", mine)
    token = calendar_services.issue_token(user)
    return {"calendar_token": token}


def db_max(column, *conditions):
    from cluster_intranet.extensions import db

    return db.session.scalar(select(func.max(column)).where(*conditions))


# --- icalendar, the yardstick ------------------------------------------------------------


def icalendar_feed(items, *, name: str, tz: str) -> bytes:
    """The same events serialised by icalendar, property by property as ical.py writes them."""
    from icalendar import Alarm, Calendar, Event

    from cluster_intranet.calendar.ical import CANCELLED_PREFIX, DEFAULT_PRODID

    zone = ZoneInfo(tz)
    cal = Calendar()
    cal.add("prodid", DEFAULT_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tz)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    first = None
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", item.last_modified)
        if isinstance(item.start, datetime):
            start = item.start.astimezone(zone)
            event.add("dtstart", start)
            event.add("dtend", item.end.astimezone(zone) if item.end else start + timedelta(hours=1))
            day = start.date()
        else:
            event.add("dtstart", item.start)
            event.add("dtend", (item.end or item.start) + timedelta(days=1))
            day = item.start
        first = day if first is None or day < first else first
        summary = CANCELLED_PREFIX + item.summary if item.cancelled else item.summary
        event.add("sequence", item.sequence)
        event.add("summary", summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        if item.categories:
            event.add("categories", list(item.categories))
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.transparent or item.cancelled else "OPAQUE")
        event.add("last-modified", item.last_modified)
        if item.alarm_minutes is not None and not item.cancelled:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", -timedelta(minutes=item.alarm_minutes))
            event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones(first_date=first)
    return cal.to_ical()


# --- the run --------------------------------------------------------------------------------


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = timer.perf_counter()
        action()
        times.append(timer.perf_counter() - started)
    return statistics.median(times)


def run(database_url: str | None, events: int, repeat: int, seed: int = 20211022) -> int:
    from . import harness

    return harness.on_own_database(database_url, "calendar", lambda url: _measure(url, events, repeat, seed))


def _measure(url: str, events: int, repeat: int, seed: int) -> int:
    from flask_migrate import upgrade

    from cluster_intranet import create_app
    from cluster_intranet.auth.models import User
    from cluster_intranet.calendar import feeds, scopes
    from cluster_intranet.calendar.ical import build_calendar
    from cluster_intranet.extensions import db

    from . import data

    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(32), "PUBLIC_BASE_URL": "https://intranet.example"}
    )
    rng = random.Random(seed)
    with app.app_context():
        upgrade()
        data.fill_directory({"organizations": 50, "people": 500}, rng)
        data.fill_councils({"councils": 2, "members": 15}, rng)
        token = fill_calendar({"feed_events": events}, rng)["calendar_token"]
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # The tables as autovacuum leaves them shortly after a bulk load (as bench/harness.py does).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))

    client = app.test_client()
    path = f"/calendar/feed/{token}/all.ics"
    response = client.get(path)
    body, etag = response.data, response.headers["ETag"]
    count = body.count(b"BEGIN:VEVENT")
    if response.status_code != 200 or count != events:
        print(f"the feed answered {response.status_code} with {count} events, expected {events}")
        return 1

    def full():
        assert client.get(path).status_code == 200

    def conditional():
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    full_s = median_seconds(full, repeat)
    conditional_s = median_seconds(conditional, repeat * 40)

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == BENCH_EMAIL))
        scope = scopes.scope_for(scopes.ALL, user)
        items = feeds.feed_items(scope)  # the prepared values
        icalendar_s = median_seconds(lambda: icalendar_feed(items, name=scope.feed.name, tz=scope.tz), repeat)
        build_s = median_seconds(lambda: build_calendar(items, name=scope.feed.name, tz=scope.tz), repeat)
        query_s = median_seconds(lambda: feeds.feed_items(scope), repeat)
        state_s = median_seconds(lambda: feeds.feed_state(scope), repeat * 10)
        db.session.remove()
        db.engine.dispose()  # before the schema is dropped

    database = url.split("://")[0]
    icalendar_ratio = full_s / icalendar_s
    conditional_ratio = full_s / conditional_s
    lines = [
        f"calendar feed: {events} events, {len(body) / 1024:.0f} KiB, {database}, median of {repeat} runs",
        f"  full feed request (token, state, queries, build): {full_s * 1000:8.1f} ms",
        f"    of which: row queries to CalendarItems {query_s * 1000:.1f} ms, building the bytes {build_s * 1000:.1f} ms",
        f"  icalendar serialising the same items:            {icalendar_s * 1000:8.1f} ms",
        f"  conditional request answered 304:                {conditional_s * 1000:8.2f} ms"
        f"  (state query {state_s * 1000:.2f} ms)",
        "",
        f"{'PASS' if icalendar_ratio <= MAX_ICALENDAR_RATIO else 'FAIL'}  full feed / icalendar: "
        f"{icalendar_ratio:.2f}x (target <= {MAX_ICALENDAR_RATIO})",
        f"{'PASS' if conditional_ratio >= MIN_CONDITIONAL_RATIO else 'FAIL'}  304 rate / full feed rate: "
        f"{conditional_ratio:.0f}x (target >= {MIN_CONDITIONAL_RATIO:.0f})",
    ]
    print("\n".join(lines))
    return 0 if icalendar_ratio <= MAX_ICALENDAR_RATIO and conditional_ratio >= MIN_CONDITIONAL_RATIO else 1


def main(argv: list[str] | None = None) -> int:
    from . import harness

    parser = harness.measure_parser(
        "python -m bench.calendar", __doc__, repeat=7, repeat_help="runs per measure (the 304 runs 40 times as many)"
    )
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args(argv)
    return run(args.database_url, args.events, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
