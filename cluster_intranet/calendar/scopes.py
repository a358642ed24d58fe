"""Which feeds exist (:class:`Feed`: the fixed ones and one per council) and the scope
of one feed request (:class:`Scope`: the sources its owner may see, the days of the
window, the links' base, the reminders): everything a feed's bytes depend on besides
the rows in the database. calendar/feeds.py builds a feed for a scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from .. import changes, clock
from ..auth.models import User
from ..councils.models import Council
from ..extensions import db
from ..forms import parse_id

MEETINGS, MEDIA, DEADLINES = changes.MEETINGS, changes.MEDIA, changes.DEADLINES
ALL_SOURCES = frozenset({MEETINGS, MEDIA, DEADLINES})


# --- which feeds exist ------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    slug: str  # the last part of the URL: /calendar/feed/<token>/<slug>.ics
    name: str  # the calendar's name in Outlook (X-WR-CALNAME)
    description: str  # for the «Календари» page
    sources: frozenset[str]
    council_id: int | None = None
    mine: bool = False

    @property
    def filename(self) -> str:
        return f"cluster-{self.slug}.ics"


ALL = Feed("all", "Кластер: все события", "Заседания советов, мероприятия медиаплана и сроки поручений.", ALL_SOURCES)
MEETINGS_FEED = Feed(
    "meetings", "Кластер: заседания советов", "Заседания всех советов кластера.", frozenset({MEETINGS})
)
MEDIA_FEED = Feed("media", "Кластер: медиаплан", "Мероприятия медиаплана кластера.", frozenset({MEDIA}))
DEADLINES_FEED = Feed(
    "deadlines", "Кластер: сроки поручений", "Сроки исполнения решений — события на весь день.", frozenset({DEADLINES})
)
MINE = Feed(
    "mine",
    "Кластер: мои заседания и сроки",
    "Заседания, в которых вы участвуете или в совет которых входите, и сроки ваших поручений.",
    frozenset({MEETINGS, DEADLINES}),
    mine=True,
)
FIXED_FEEDS = {feed.slug: feed for feed in (ALL, MEETINGS_FEED, MEDIA_FEED, DEADLINES_FEED, MINE)}


def council_feed(council: Council) -> Feed:
    return Feed(
        f"council-{council.id}",
        f"Заседания: {council.name}",
        f"Заседания совета «{council.name}».",
        frozenset({MEETINGS}),
        council_id=council.id,
    )


def find_feed(slug: str) -> Feed | None:
    if slug in FIXED_FEEDS:
        return FIXED_FEEDS[slug]
    prefix, _, number = slug.partition("-")
    if prefix == "council" and parse_id(number) and not number.startswith("0"):
        council = db.session.get(Council, parse_id(number))
        return council_feed(council) if council else None
    return None


def all_feeds() -> list[Feed]:
    """Every feed, in the order the «Календари» page lists them."""
    councils = db.session.scalars(select(Council).order_by(Council.name))
    return [ALL, MINE, MEETINGS_FEED, *(council_feed(c) for c in councils), MEDIA_FEED, DEADLINES_FEED]


def visible_sources(user: User) -> frozenset[str]:
    """What ``user`` may see in the intranet: every signed-in role reads all three."""
    return ALL_SOURCES if user.active else frozenset()


# --- the scope of one feed request ----------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Everything a feed's bytes depend on besides the data in the database."""

    feed: Feed
    sources: frozenset[str]  # the feed's sources the owner may see
    first_day: date
    last_day: date
    person_id: int | None  # the owner's person: «mine» feeds
    base_url: str  # links back to the intranet, and the UIDs' host
    tz: str
    event_alarm: int | None = None
    deadline_alarm: int | None = None
    today: date | None = None  # the day the window is counted from (None: first_day)
    host: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "host", urlsplit(self.base_url).hostname or "localhost")
        if self.today is None:
            object.__setattr__(self, "today", self.first_day)

    def shows(self, source: str) -> bool:
        return source in self.sources

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


def scope_for(
    feed: Feed, user: User | None, *, event_alarm=None, deadline_alarm=None, today: date | None = None
) -> Scope:
    """The scope of ``feed`` for ``user`` (None: no user, e.g. a benchmark) from the app's settings."""
    config = current_app.config
    today = today or clock.local_today()
    sources = feed.sources & (visible_sources(user) if user is not None else ALL_SOURCES)
    return Scope(
        feed=feed,
        sources=sources,
        first_day=today - timedelta(days=config["CALENDAR_WINDOW_PAST_DAYS"]),
        last_day=today + timedelta(days=config["CALENDAR_WINDOW_FUTURE_DAYS"]),
        person_id=user.person_id if user is not None else None,
        base_url=config["PUBLIC_BASE_URL"].rstrip("/"),
        tz=config["TIMEZONE"],
        event_alarm=event_alarm,
        deadline_alarm=deadline_alarm,
        today=today,
    )
