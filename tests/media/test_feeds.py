"""The public feeds: no login, only public fields of published or announced events,
conditional requests answered 304, a fixed number of queries."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import feedparser
import pytest

from cluster_intranet import clock
from cluster_intranet.extensions import db
from cluster_intranet.media.models import MediaEvent
from tests import factories
from tests.media.builders import approved_plan, make_event, make_plan

FEEDS = ["/media/public/events.atom", "/media/public/events.rss", "/media/public/events.json", "/media/public/upcoming.html"]
SECRET_NOTE = "СЛУЖЕБНО-не-публиковать"
SECRET_REASON = "Причина-отмены-секрет"


@pytest.fixture
def feed_case(app, ctx):
    organizer = factories.organization(short_name="ОГБПОУ «Томский индустриальный техникум»", website="https://tit.tomsk.ru")
    responsible = factories.person(surname="Ответственнова", first_name="Анна", patronymic="Петровна")
    approved = approved_plan()
    draft = make_plan()
    common = dict(organizer_id=organizer.id, responsible_id=responsible.id, internal_note=SECRET_NOTE,
                  release_text="Текст пресс-релиза для участников")  # fmt: skip
    shown = {
        "published": make_event(draft, title="Опубликованное", starts_on=date(2022, 2, 1), status="published",
                                description="Описание для сайтов", place="ул. Смирнова, 42", **common),
        "announced": make_event(approved, title="Анонс чемпионата", starts_on=date(2022, 3, 15), ends_on=date(2022, 3, 17), **common),
        "timed": make_event(approved, title="Ярмарка", starts_on=date(2022, 3, 23), start_time=time(12), end_time=time(16),
                            status="material_ready", **common),
    }  # fmt: skip
    hidden = {
        "internal": make_event(approved, title="Внутренняя встреча", starts_on=date(2022, 3, 20), is_public=False, **common),
        "cancelled": make_event(approved, title="Отменённая акция", starts_on=date(2022, 3, 21), status="cancelled",
                                cancel_reason=SECRET_REASON, **common),
        "draft": make_event(draft, title="Черновой план", starts_on=date(2022, 3, 22), **common),
        "internal_published": make_event(draft, title="Внутреннее опубликованное", starts_on=date(2022, 1, 5),
                                         status="published", is_public=False, **common),
    }  # fmt: skip
    db.session.commit()
    return shown, hidden


def _assert_no_leak(body: str, hidden: dict):
    for event in hidden.values():
        assert event.title not in body
    for secret in (SECRET_NOTE, SECRET_REASON, "Ответственнова", "Текст пресс-релиза", "material_ready", "Материал готов"):
        assert secret not in body


def test_feeds_need_no_login_and_allow_other_sites(client, feed_case):
    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/media/public/events.atom", "/media/public/events.rss"])
def test_atom_and_rss_hold_only_public_events(client, feed_case, url):
    shown, hidden = feed_case
    body = client.get(url).get_data(as_text=True)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.title for entry in parsed.entries] == ["Ярмарка", "Анонс чемпионата", "Опубликованное"]
    published = parsed.entries[-1]
    assert "01.02.2022. ул. Смирнова, 42. Организатор: ОГБПОУ «Томский индустриальный техникум»." in published.summary
    assert "Описание для сайтов" in published.summary
    assert published.id.endswith(f"media-event-{shown['published'].id}")
    _assert_no_leak(body, hidden)


def test_json_feed_has_the_public_fields_and_nothing_else(client, feed_case):
    shown, hidden = feed_case
    response = client.get("/media/public/events.json")
    assert response.mimetype == "application/feed+json"
    feed = json.loads(response.get_data(as_text=True))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    items = {item["title"]: item for item in feed["items"]}
    assert set(items) == {"Ярмарка", "Анонс чемпионата", "Опубликованное"}
    timed = items["Ярмарка"]["_event"]
    assert timed == {
        "state": "announced", "starts_on": "2022-03-23", "ends_on": "2022-03-23", "start_time": "12:00",
        "end_time": "16:00", "all_day": False, "when": "23.03.2022, 12:00–16:00", "place": "", "format": "event",
        "format_label": "Мероприятие", "description": "",
        "organizer": {"name": "ОГБПОУ «Томский индустриальный техникум»", "website": "https://tit.tomsk.ru"},
    }  # fmt: skip
    assert items["Опубликованное"]["_event"]["state"] == "published"
    assert items["Анонс чемпионата"]["_event"]["all_day"] is True
    assert set(items["Ярмарка"]) == {"id", "title", "content_text", "summary", "date_published", "date_modified", "tags", "_event"}
    _assert_no_leak(response.get_data(as_text=True), hidden)


def test_the_snippet_lists_upcoming_public_events_soonest_first(client, feed_case):
    shown, hidden = feed_case
    # Today is 10 March 2022 (tests/media/conftest.py): the February event is past.
    html = client.get("/media/public/upcoming.html").get_data(as_text=True)
    assert html.lstrip().startswith('<section class="cluster-events"') and "<html" not in html and "<style" not in html
    assert html.index("Анонс чемпионата") < html.index("Ярмарка")
    assert "Опубликованное" not in html
    assert "15 марта 2022 г. – 17 марта 2022 г." in html and 'datetime="2022-03-23T12:00"' in html
    _assert_no_leak(html, hidden)
    one = client.get("/media/public/upcoming.html?limit=1").get_data(as_text=True)
    assert "Анонс чемпионата" in one and "Ярмарка" not in one


def test_an_empty_snippet_says_so(client, app):
    assert "Ближайших мероприятий пока нет." in client.get("/media/public/upcoming.html").get_data(as_text=True)


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_requests_get_304_until_something_changes(client, feed_case, monkeypatch, url):
    shown, _ = feed_case
    first = client.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=300"

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    # A change: the announced event is renamed, an hour later.
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2022, 3, 10, 6, 0, tzinfo=UTC))
    with client.application.app_context():
        event = db.session.get(MediaEvent, shown["announced"].id)
        event.title = "Чемпионат «Профессионалы»"
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Чемпионат «Профессионалы»" in changed.get_data(as_text=True)
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_approving_or_cancelling_changes_the_etag(client, feed_case):
    shown, _ = feed_case
    url = "/media/public/events.json"
    etag = client.get(url).headers["ETag"]
    with client.application.app_context():
        db.session.get(MediaEvent, shown["timed"].id).status = "cancelled"  # the clock is frozen: only the version moves
        db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Ярмарка" not in response.get_data(as_text=True)


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_takes_a_few_queries_whatever_the_data(client, app, ctx, count_queries, url):
    plan = approved_plan()
    for n in range(120):
        make_event(plan, starts_on=date(2022, 3, 1 + n % 28), organizer_id=factories.organization().id)
    db.session.commit()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    assert counter.count <= 3  # the fingerprint, the events, their organizers
    with count_queries() as counter:
        assert client.get(url, headers={"If-None-Match": client.get(url).headers["ETag"]}).status_code == 304
    assert counter.count <= 2  # the second GET builds nothing (cached body); the 304 reads only the fingerprint
