"""Public feeds for the participants' websites: Atom, RSS, JSON Feed and an HTML
snippet of upcoming events. No login; only the public fields of the events
services.public_clause lets out (published, announced, cancelled after announcement).

Each answer is named (ETag, Last-Modified) by the media stamp of changes.py and the
day before anything else is read, so a conditional request is answered 304 at the cost
of that one query (web.conditional). A full answer is kept in the cache (cache.py) under
the media stamp and the rest of what the ETag names: built anew each time (some 10 ms for
50 events) the feeds measured 0.09–0.17 of the bare route on the 2-core benchmark machine,
at their target of 0.1; kept, 0.9.

Everything a reader keeps is built from PUBLIC_BASE_URL, as the .ics UIDs are: ids,
links, the self link. A feed reached under two host names is still one feed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import current_app, render_template, request, url_for

from .. import changes, clock
from ..auth.access import public
from ..cache import remembered
from ..forms import db_int
from ..security import embeddable
from ..templating import is_web_link
from ..web import conditional
from . import bp, services
from .models import Channel, EventStatus, MediaEvent, Publication

FORMAT_VERSION = "2"  # bump when the bytes for the same data change
FEED_SIZE = 50
TITLE = "Мероприятия Промышленного образовательно-отраслевого кластера"
SUBTITLE = "Анонсы и новости кластера для сайтов его участников"
AUTHOR = "Промышленный образовательно-отраслевой кластер Томской области"
CANCELLED_PREFIX = "ОТМЕНЕНО: "
MAX_AGE = 300  # seconds a browser or proxy may reuse an answer without asking


def _answer(kind: str, content_type: str, build: Callable[[], bytes], *, variant: tuple = ()):
    """The feed ``kind``: 304 if the client's copy is current, else its (kept) body."""
    today = clock.local_today()
    ((stamp, changed),) = changes.state({changes.MEDIA}).values()
    # The feeds change at midnight too (what is upcoming, what is still announced).
    midnight = datetime.combine(today, time(0), clock.local_zone()).astimezone(UTC)
    fingerprint = repr((FORMAT_VERSION, kind, variant, today, _base(), stamp))
    etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'

    def body() -> tuple[bytes, bool]:
        made = remembered("media.feed", (FORMAT_VERSION, kind, variant, today, _base()), {changes.MEDIA}, build)
        return made, changes.state({changes.MEDIA})[changes.MEDIA][0] == stamp  # else newer than the ETag

    response = conditional(body, etag=etag, last_modified=max(changed, midnight), content_type=content_type)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # Public data: any participant's site may fetch it (@embeddable sends the CORS header).
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def public_events(limit: int = FEED_SIZE, upcoming: bool = False) -> list[MediaEvent]:
    past_days = current_app.config["CALENDAR_WINDOW_PAST_DAYS"]
    return services.public_events(clock.local_today(), past_days, limit, upcoming)


# --- what an event shows to the public --------------------------------------------


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def _external(endpoint: str, **values) -> str:
    return _base() + url_for(endpoint, **values)


def public_state(event: MediaEvent) -> str:
    if event.status == EventStatus.PUBLISHED:
        return "published"
    return "cancelled" if event.is_cancelled else "announced"


def public_title(event: MediaEvent) -> str:
    """One line; a cancelled event says so first."""
    title = " ".join(event.title.split())
    return CANCELLED_PREFIX + title if event.is_cancelled else title


def public_summary(event: MediaEvent) -> str:
    parts = ["Мероприятие отменено"] if event.is_cancelled else []
    parts.append(event.when)
    if event.place:
        parts.append(event.place)
    if event.organizer:
        parts.append(f"Организатор: {event.organizer.short_name}")
    text = ". ".join(parts) + "."
    return f"{text}\n\n{event.description}" if event.description else text


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), clock.local_zone())


def published_at(event: MediaEvent, publications: list[Publication]) -> datetime:
    """When the public learnt of the event: its first publication, else the plan's
    approval (the announcement), never the day the row was typed in."""
    if publications:
        return _midnight(publications[0].published_on)
    if event.plan.approved_at:
        return min(event.plan.approved_at, _midnight(event.starts_on))
    return min(event.created_at, _midnight(event.starts_on))


def link_of(event: MediaEvent, publications: list[Publication]) -> str:
    """The organiser's publication of the event (its website first), else the event's page.
    Only an http(s) one: the participants' sites render the link (one stored before the
    form checked it may be ``javascript:``)."""
    own = [p for p in publications if p.organization_id == event.organizer_id and is_web_link(p.url)]
    own.sort(key=lambda p: p.channel != Channel.WEBSITES)
    return own[0].url if own else _external("media.event", event_id=event.id)


def _entry_id(event: MediaEvent) -> str:
    return f"tag:{urlsplit(_base()).hostname or 'localhost'},2021:media-event-{event.id}"


def _feed(events: list[MediaEvent], endpoint: str, mimetype: str) -> FeedGenerator:
    publications = services.publications_of(events)
    feed = FeedGenerator()
    feed.id(f"tag:{urlsplit(_base()).hostname or 'localhost'},2021:media-events")
    feed.title(TITLE)
    feed.subtitle(SUBTITLE)
    feed.language("ru")
    feed.author(name=AUTHOR, uri=_base() + "/")
    # The self link first: feedgen makes the last link the RSS channel's <link>, the site.
    feed.link(href=_external(endpoint), rel="self", type=mimetype)
    feed.link(href=_base() + "/", rel="alternate")
    feed.updated(max((e.updated_at for e in events), default=datetime(2021, 1, 1, tzinfo=UTC)))
    feed.generator("Интранет кластера")
    for event in events:
        shown = publications[event.id]
        published = published_at(event, shown)
        entry = feed.add_entry(order="append")
        entry.id(_entry_id(event))
        entry.guid(_entry_id(event), permalink=False)
        entry.title(public_title(event))
        # The one link of an entry: feedgen 1.0 drops a link's rel in Atom, and a link
        # without one is the alternate (RFC 4287, 4.2.7.2); the organizer is in the summary.
        entry.link(href=link_of(event, shown), rel="alternate")
        entry.description(public_summary(event))  # Atom <summary>, RSS <description>
        entry.published(published)
        entry.updated(max(published, event.updated_at))
        entry.category(term=event.format, label=event.format_label)
    return feed


def build_atom(events: list[MediaEvent]) -> bytes:
    return _feed(events, "media.atom_feed", "application/atom+xml").atom_str(pretty=True)


def build_rss(events: list[MediaEvent]) -> bytes:
    return _feed(events, "media.rss_feed", "application/rss+xml").rss_str(pretty=True)


def build_json(events: list[MediaEvent]) -> bytes:
    """A JSON Feed 1.1 (jsonfeed.org); the event's dates and place under ``_event``."""
    publications = services.publications_of(events)
    items = []
    for event in events:
        shown = publications[event.id]
        published = published_at(event, shown)
        items.append(
            {
                "id": _entry_id(event),
                "url": link_of(event, shown),
                "title": public_title(event),
                "content_text": public_summary(event),
                "summary": event.when,
                "date_published": published.isoformat(),
                "date_modified": max(published, event.updated_at).isoformat(),
                "tags": [event.format_label],
                "_event": {
                    "state": public_state(event),
                    "starts_on": event.starts_on.isoformat(),
                    "ends_on": event.ends_on.isoformat(),
                    "start_time": event.start_time.strftime("%H:%M") if event.start_time else None,
                    "end_time": event.end_time.strftime("%H:%M") if event.end_time else None,
                    "all_day": event.start_time is None,
                    "when": event.when,
                    "place": event.place,
                    "format": event.format,
                    "format_label": event.format_label,
                    "description": event.description,
                    "organizer": (
                        {"name": event.organizer.short_name, "website": event.organizer.website}
                        if event.organizer
                        else None
                    ),
                },
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "description": SUBTITLE,
        "language": "ru",
        "authors": [{"name": AUTHOR, "url": _base() + "/"}],
        "home_page_url": _base() + "/",
        "feed_url": _external("media.json_feed"),
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode()


# --- the routes -------------------------------------------------------------------


@bp.get("/public/events.atom")
@public
@embeddable
def atom_feed():
    return _answer("atom", "application/atom+xml; charset=utf-8", lambda: build_atom(public_events()))


@bp.get("/public/events.rss")
@public
@embeddable
def rss_feed():
    return _answer("rss", "application/rss+xml; charset=utf-8", lambda: build_rss(public_events()))


@bp.get("/public/events.json")
@public
@embeddable
def json_feed():
    return _answer("json", "application/feed+json; charset=utf-8", lambda: build_json(public_events()))


@bp.get("/public/upcoming.html")
@public
@embeddable
def upcoming_snippet():
    """Upcoming events as bare HTML with class names and no styles: the host site styles it."""
    limit = min(max(request.args.get("limit", 5, type=db_int), 1), 20)

    def build() -> bytes:
        return render_template("media/_upcoming_snippet.html", events=public_events(limit, upcoming=True)).encode()

    return _answer("snippet", "text/html; charset=utf-8", build, variant=(limit,))
