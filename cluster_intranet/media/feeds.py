"""Public feeds for the participants' websites: Atom, RSS, JSON Feed and an HTML
snippet of upcoming events. No login; only the public fields of published or
announced events (services.public_clause); cancelled and internal ones never.

Each answer carries an ETag and Last-Modified computed from one cheap query
(services.feed_state) before anything else is read, so a conditional request is
answered 304 at the cost of that query; the body built for an ETag is kept in a
small per-process cache, since the same ETag always means the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Response, render_template, request, url_for
from werkzeug.http import is_resource_modified

from .. import clock
from ..auth.access import public
from ..cache import FingerprintCache
from ..security import embeddable
from ..forms import db_int
from . import bp, services
from .models import EventStatus, MediaEvent

FORMAT_VERSION = "1"  # bump when the bytes for the same data change
FEED_SIZE = 50
TITLE = "Мероприятия Промышленного образовательно-отраслевого кластера"
SUBTITLE = "Анонсы и новости кластера для сайтов его участников"
MAX_AGE = 300  # seconds a browser or proxy may reuse an answer without asking


bodies = FingerprintCache()  # built bodies by ETag: the same ETag always means the same bytes


def conditional(kind: str, mimetype: str, build: Callable[[], bytes], *, variant: tuple = ()) -> Response:
    """The feed ``kind``: 304 if the client's copy is current, else its (cached) body."""
    state = services.feed_state()
    changes = [moment for moment in state[:3] if moment is not None]
    last_modified = max(changes).replace(microsecond=0) if changes else None
    # Everything the bytes depend on: the data, the variant (limit, day) and the host in the links.
    fingerprint = repr((FORMAT_VERSION, kind, variant, request.host_url, state))
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = Response(bodies.get_or_build(etag, build), mimetype=mimetype)
    response.set_etag(etag)
    response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    # Public data: any participant's site may fetch it (@embeddable sends the CORS header).
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


# --- what an event shows to the public --------------------------------------------


def public_state(event: MediaEvent) -> str:
    return "published" if event.status == EventStatus.PUBLISHED else "announced"


def public_summary(event: MediaEvent) -> str:
    parts = [event.when]
    if event.place:
        parts.append(event.place)
    if event.organizer:
        parts.append(f"Организатор: {event.organizer.short_name}")
    text = ". ".join(parts) + "."
    return f"{text}\n\n{event.description}" if event.description else text


def _entry_id(event: MediaEvent) -> str:
    return f"tag:{request.host.split(':')[0]},2021:media-event-{event.id}"


def _feed(events: list[MediaEvent]) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(url_for("media.atom_feed", _external=True))
    feed.title(TITLE)
    feed.subtitle(SUBTITLE)
    feed.language("ru")
    feed.link(href=url_for("media.upcoming_snippet", _external=True), rel="alternate")
    feed.updated(max((e.updated_at for e in events), default=datetime(2021, 1, 1, tzinfo=UTC)))
    feed.generator("Интранет кластера")
    for event in events:
        entry = feed.add_entry(order="append")
        entry.id(_entry_id(event))
        entry.guid(_entry_id(event), permalink=False)
        entry.title(event.title)
        entry.description(public_summary(event))  # Atom <summary>, RSS <description>
        entry.published(event.created_at)
        entry.updated(event.updated_at)
        entry.category(term=event.format, label=event.format_label)
        if event.organizer and event.organizer.website:
            entry.link(href=event.organizer.website, rel="related", title=event.organizer.short_name)
    return feed


def build_atom(events: list[MediaEvent]) -> bytes:
    return _feed(events).atom_str(pretty=True)


def build_rss(events: list[MediaEvent]) -> bytes:
    feed = _feed(events)
    feed.link(href=url_for("media.rss_feed", _external=True), rel="self")
    return feed.rss_str(pretty=True)


def build_json(events: list[MediaEvent]) -> bytes:
    """A JSON Feed 1.1 (jsonfeed.org); the event's dates and place under ``_event``."""
    items = []
    for event in events:
        items.append(
            {
                "id": f"media-event-{event.id}",
                "title": event.title,
                "content_text": public_summary(event),
                "summary": event.when,
                "date_published": event.created_at.isoformat(),
                "date_modified": event.updated_at.isoformat(),
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
                        {"name": event.organizer.short_name, "website": event.organizer.website} if event.organizer else None
                    ),
                },
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "description": SUBTITLE,
        "language": "ru",
        "home_page_url": url_for("media.upcoming_snippet", _external=True),
        "feed_url": url_for("media.json_feed", _external=True),
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode()


# --- the routes -------------------------------------------------------------------


@bp.get("/public/events.atom")
@public
@embeddable
def atom_feed():
    return conditional("atom", "application/atom+xml", lambda: build_atom(services.public_events(FEED_SIZE)))


@bp.get("/public/events.rss")
@public
@embeddable
def rss_feed():
    return conditional("rss", "application/rss+xml", lambda: build_rss(services.public_events(FEED_SIZE)))


@bp.get("/public/events.json")
@public
@embeddable
def json_feed():
    return conditional("json", "application/feed+json", lambda: build_json(services.public_events(FEED_SIZE)))


@bp.get("/public/upcoming.html")
@public
@embeddable
def upcoming_snippet():
    """Upcoming events as bare HTML with class names and no styles: the host site styles it."""
    limit = min(max(request.args.get("limit", 5, type=db_int), 1), 20)
    today = clock.local_today()

    def build() -> bytes:
        events = services.public_events(limit, upcoming_from=today)
        return render_template("media/_upcoming_snippet.html", events=events).encode()

    return conditional("snippet", "text/html", build, variant=(limit, today))
