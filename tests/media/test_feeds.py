"""The public feeds: no login, only public fields of published, announced or cancelled
announced events, ids and links from PUBLIC_BASE_URL, items dated by their announcement or
publication, conditional requests answered 304, a fixed number of queries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import feedparser
import pytest

from cluster_intranet import clock
from cluster_intranet.extensions import db
from cluster_intranet.media import builders
from cluster_intranet.media.models import MediaEvent
from tests import factories


FEEDS = [
    "/media/public/events.atom",
    "/media/public/events.rss",
    "/media/public/events.json",
    "/media/public/upcoming.html",
]
SECRET_NOTE = "СЛУЖЕБНО-не-публиковать"
SECRET_REASON = "Причина-отмены-секрет"


@pytest.fixture
def feed_case(app, ctx):
    organizer = factories.organization(
        short_name="ОГБПОУ «Томский индустриальный техникум»", website="https://tit.tomsk.ru"
    )
    responsible = factories.person(surname="Ответственнова", first_name="Анна", patronymic="Петровна")
    approved = builders.approved_plan()
    draft = builders.plan()
    common = dict(organizer_id=organizer.id, responsible_id=responsible.id, internal_note=SECRET_NOTE,
                  release_text="Текст пресс-релиза для участников")  # fmt: skip
    shown = {
        "published": builders.event(draft, title="Опубликованное", starts_on=date(2022, 2, 1), status="published",
                                description="Описание для сайтов", place="ул. Смирнова, 42", **common),
        "announced": builders.event(approved, title="Анонс чемпионата", starts_on=date(2022, 3, 15), ends_on=date(2022, 3, 17), **common),
        "timed": builders.event(approved, title="Ярмарка", starts_on=date(2022, 3, 23), start_time=time(12), end_time=time(16),
                            status="material_ready", **common),
        # Announced, then cancelled: it stays, marked, for the calendars' window; the reason is internal.
        "cancelled": builders.event(approved, title="Отменённая акция", starts_on=date(2022, 3, 21), status="cancelled",
                                cancel_reason=SECRET_REASON, **common),
    }  # fmt: skip
    hidden = {
        "internal": builders.event(approved, title="Внутренняя встреча", starts_on=date(2022, 3, 20), is_public=False, **common),
        "draft": builders.event(draft, title="Черновой план", starts_on=date(2022, 3, 22), **common),
        # Announced, never published, and over (today is 10 March): no longer «announced».
        "long_past": builders.event(approved, title="Прошедший анонс", starts_on=date(2022, 2, 20), **common),
        "internal_published": builders.event(draft, title="Внутреннее опубликованное", starts_on=date(2022, 1, 5),
                                         status="published", is_public=False, **common),
    }  # fmt: skip
    db.session.commit()
    return shown, hidden


def _assert_no_leak(body: str, hidden: dict):
    for event in hidden.values():
        assert event.title not in body
    for secret in (
        SECRET_NOTE,
        SECRET_REASON,
        "Ответственнова",
        "Текст пресс-релиза",
        "material_ready",
        "Материал готов",
    ):
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
    assert [entry.title for entry in parsed.entries] == [
        "Ярмарка", "ОТМЕНЕНО: Отменённая акция", "Анонс чемпионата", "Опубликованное"]  # fmt: skip
    assert "Мероприятие отменено" in parsed.entries[1].summary
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
    assert set(items) == {"Ярмарка", "ОТМЕНЕНО: Отменённая акция", "Анонс чемпионата", "Опубликованное"}
    assert items["ОТМЕНЕНО: Отменённая акция"]["_event"]["state"] == "cancelled"
    timed = items["Ярмарка"]["_event"]
    assert timed == {
        "state": "announced", "starts_on": "2022-03-23", "ends_on": "2022-03-23", "start_time": "12:00",
        "end_time": "16:00", "all_day": False, "when": "23.03.2022, 12:00–16:00", "place": "", "format": "event",
        "format_label": "Мероприятие", "description": "",
        "organizer": {"name": "ОГБПОУ «Томский индустриальный техникум»", "website": "https://tit.tomsk.ru"},
    }  # fmt: skip
    assert items["Опубликованное"]["_event"]["state"] == "published"
    assert items["Анонс чемпионата"]["_event"]["all_day"] is True
    assert set(items["Ярмарка"]) == {"id", "url", "title", "content_text", "summary", "date_published", "date_modified",
                                     "tags", "_event"}  # fmt: skip
    _assert_no_leak(response.get_data(as_text=True), hidden)


def test_the_snippet_lists_upcoming_public_events_soonest_first(client, feed_case):
    shown, hidden = feed_case
    # Today is 10 March 2022 (tests/media/conftest.py): the February event is past.
    html = client.get("/media/public/upcoming.html").get_data(as_text=True)
    assert html.lstrip().startswith('<section class="cluster-events"') and "<html" not in html and "<style" not in html
    assert html.index("Анонс чемпионата") < html.index("Ярмарка")
    assert "Опубликованное" not in html
    assert "15 марта 2022 г. – 17 марта 2022 г." in html and 'datetime="2022-03-23T12:00"' in html
    assert "23 марта 2022 г., 12:00–16:00" in html  # the end time too
    assert html.index("Отменено") < html.index("Отменённая акция")
    _assert_no_leak(html, hidden)
    one = client.get("/media/public/upcoming.html?limit=1").get_data(as_text=True)
    assert "Анонс чемпионата" in one and "Ярмарка" not in one


def test_the_snippet_and_the_feeds_say_a_postponed_event_was_moved(client, app, ctx):
    builders.event(
        builders.approved_plan(),
        title="Перенесённый форум",
        starts_on=date(2022, 3, 25),
        postponed_from=date(2022, 3, 18),
    )
    db.session.commit()
    html = client.get("/media/public/upcoming.html").get_data(as_text=True)
    assert "25 марта 2022 г." in html and "перенесено с 18 марта 2022 г." in html
    (item,) = json.loads(client.get("/media/public/events.json").get_data(as_text=True))["items"]
    assert item["summary"] == "25.03.2022 (перенесено с 18.03.2022)" and item["summary"] in item["content_text"]
    (entry,) = feedparser.parse(client.get("/media/public/events.atom").get_data(as_text=True)).entries
    assert "25.03.2022 (перенесено с 18.03.2022)" in entry.summary


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


@pytest.mark.parametrize("url", FEEDS)
def test_head_builds_nothing_and_gzip_has_an_etag_of_its_own(client, feed_case, monkeypatch, url):
    import gzip

    from cluster_intranet.media import feeds

    def refuse(*args, **kwargs):
        raise AssertionError("HEAD built the feed")

    with monkeypatch.context() as patched:  # first, while nothing is kept: a HEAD that built the body would show
        patched.setattr(feeds, "public_events", refuse)
        head = client.head(url)
    plain = client.get(url)
    assert head.status_code == 200 and head.data == b""
    assert (head.headers["ETag"], head.headers["Last-Modified"]) == (
        plain.headers["ETag"],
        plain.headers["Last-Modified"],
    )
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] != plain.headers["ETag"] and "Accept-Encoding" in packed.headers["Vary"]
    assert client.get(url, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 200  # not the plain bytes'
    assert (
        client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}).status_code == 304
    )


def test_approving_or_cancelling_changes_the_etag(client, feed_case):
    shown, _ = feed_case
    url = "/media/public/events.json"
    etag = client.get(url).headers["ETag"]
    with client.application.app_context():
        db.session.get(MediaEvent, shown["timed"].id).status = "cancelled"  # the clock is frozen
        db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "ОТМЕНЕНО: Ярмарка" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_requests_after_a_deletion_and_two_changes_in_a_second(client, feed_case, url):
    """The clock stands still: Last-Modified still moves forward with every change."""
    from email.utils import parsedate_to_datetime

    shown, _ = feed_case
    first = client.get(url)
    with client.application.app_context():
        db.session.delete(db.session.get(MediaEvent, shown["timed"].id))
        db.session.commit()
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        second = client.get(url, headers=headers)
        assert second.status_code == 200 and "Ярмарка" not in second.get_data(as_text=True), headers
    assert parsedate_to_datetime(second.headers["Last-Modified"]) > parsedate_to_datetime(
        first.headers["Last-Modified"]
    )
    with client.application.app_context():
        db.session.get(MediaEvent, shown["announced"].id).place = "ТИТ, корпус 2"
        db.session.commit()
    third = client.get(url, headers={"If-Modified-Since": second.headers["Last-Modified"]})
    assert third.status_code == 200
    assert parsedate_to_datetime(third.headers["Last-Modified"]) > parsedate_to_datetime(
        second.headers["Last-Modified"]
    )


def test_atom_meets_rfc_4287_and_names_come_from_the_public_address(client, feed_case):
    """author, id, updated, a self link (4.1.1, 4.2.7.2), each entry with id, title, updated
    and an alternate link (4.1.2); ids and links the same whatever Host the request used."""
    from lxml import etree

    shown, _ = feed_case
    atom = {"a": "http://www.w3.org/2005/Atom"}
    answers = [
        client.get("/media/public/events.atom", base_url=f"http://{host}")
        for host in ("intranet.test", "other.example:8080")
    ]
    root = etree.fromstring(answers[0].data)
    assert etree.fromstring(answers[1].data).xpath("//a:id/text()", namespaces=atom) == root.xpath(
        "//a:id/text()", namespaces=atom
    )
    assert root.xpath("a:author/a:name/text()", namespaces=atom)
    assert root.xpath("a:id/text()", namespaces=atom)[0].startswith("tag:intranet.test,")
    assert root.xpath("a:updated/text()", namespaces=atom) and root.xpath("a:title/text()", namespaces=atom)
    assert root.xpath("a:link[@rel='self']/@href", namespaces=atom) == ["http://intranet.test/media/public/events.atom"]
    entries = root.xpath("a:entry", namespaces=atom)
    assert len(entries) == 4
    for entry in entries:
        for element in ("a:id", "a:title", "a:updated", "a:published"):
            assert entry.xpath(f"{element}/text()", namespaces=atom), element
        assert entry.xpath("a:id/text()", namespaces=atom)[0].startswith("tag:intranet.test,2021:media-event-")
        # One link, without rel: the alternate (4.2.7.2).
        assert len(entry.xpath("a:link[not(@rel) or @rel='alternate']/@href", namespaces=atom)) == 1
        assert "\n" not in entry.xpath("a:title/text()", namespaces=atom)[0]
    assert "other.example" not in answers[1].get_data(as_text=True)


def test_items_are_dated_by_announcement_or_publication_and_link_to_the_event(client, feed_case):
    shown, _ = feed_case
    with client.application.app_context():
        published = db.session.get(MediaEvent, shown["published"].id)
        organizer = published.organizer
        builders.publication(
            published, factories.organization(), published_on=date(2022, 1, 28), url="https://other.example/news"
        )
        builders.publication(published, organizer, published_on=date(2022, 2, 2), url="https://tit.tomsk.ru/news/42")
        db.session.get(MediaEvent, shown["timed"].id).title = "Ярмарка\r\nвакансий"
        db.session.commit()
    feed = json.loads(client.get("/media/public/events.json").get_data(as_text=True))
    items = {item["id"].rsplit("-", 1)[1]: item for item in feed["items"]}
    item = items[str(shown["published"].id)]
    assert item["url"] == "https://tit.tomsk.ru/news/42"  # the organiser's publication
    assert item["date_published"].startswith("2022-01-28")  # its first publication, not the row's creation
    announced = items[str(shown["announced"].id)]
    assert announced["date_published"].startswith("2022-03-10")  # the plan's approval: the announcement
    assert announced["url"] == f"http://intranet.test/media/events/{shown['announced'].id}"
    assert items[str(shown["timed"].id)]["title"] == "Ярмарка вакансий"  # one line
    rss = feedparser.parse(client.get("/media/public/events.rss").get_data(as_text=True))
    assert rss.feed.link == "http://intranet.test/"  # the site, not the feed
    assert all(entry.link for entry in rss.entries)
    # Midnight in Tomsk, as the feed writes it.
    assert [entry.published for entry in rss.entries if entry.link == "https://tit.tomsk.ru/news/42"] == [
        "Fri, 28 Jan 2022 00:00:00 +0700"]  # fmt: skip


def test_a_stored_publication_link_that_is_not_http_never_reaches_the_feeds(client, feed_case):
    """The participants' sites render the feeds' links: a publication's ``javascript:``
    (stored before the form checked it) is never one; the event's page is linked instead."""
    shown, _ = feed_case
    with client.application.app_context():
        published = db.session.get(MediaEvent, shown["published"].id)
        builders.publication(published, published.organizer, published_on=date(2022, 2, 2), url="JavaScript:alert(1)")
        db.session.commit()
    page = f"http://intranet.test/media/events/{shown['published'].id}"
    feed = json.loads(client.get("/media/public/events.json").get_data(as_text=True))
    assert [item["url"] for item in feed["items"] if item["id"].endswith(f"-{shown['published'].id}")] == [page]
    for kind in ("atom", "rss"):
        body = client.get(f"/media/public/events.{kind}").get_data(as_text=True)
        assert "javascript:" not in body.lower(), kind
        assert page in [entry.link for entry in feedparser.parse(body).entries], kind


def test_the_embed_code_says_when_the_snippet_cannot_load(app, login_as):
    page = login_as("viewer").get("/media/embed").get_data(as_text=True)
    assert "Не удалось загрузить мероприятия кластера" in page


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_takes_a_few_queries_whatever_the_data(client, app, ctx, count_queries, url):
    plan = builders.approved_plan()
    for n in range(120):
        builders.event(plan, starts_on=date(2022, 3, 1 + n % 28), organizer_id=factories.organization().id)
    db.session.commit()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    # The stamp (for the ETag, for the cache), the events with their plans, their organizers
    # and publications, the stamp again.
    assert counter.count <= 6
    with count_queries() as counter:
        etag = client.get(url).headers["ETag"]
    assert counter.count == 3  # the body kept: the stamps alone
    with count_queries() as counter:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert counter.count == 1  # the 304 reads only the stamp
