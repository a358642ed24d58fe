"""The «Календари» page, the token it hands out once, reminders, and the
«Добавить в календарь» downloads."""

from __future__ import annotations

import re

from sqlalchemy import select

from cluster_intranet.auth.models import User
from cluster_intranet.calendar.models import CalendarSettings
from cluster_intranet.calendar.services import hash_token
from cluster_intranet.extensions import db

LINK = re.compile(r"http://intranet\.test/calendar/feed/([A-Za-z0-9_-]{43})/([a-z0-9-]+)\.ics")


def test_page_lists_every_feed_without_the_token(world, signed_in):
    client = signed_in("lead@cluster.test")
    page = client.get("/calendar/").get_data(as_text=True)
    for name in ("Кластер: все события", "Кластер: мои заседания и сроки", "Кластер: заседания советов",
                 "Заседания: Координационный совет", "Заседания: Экспертный совет", "Кластер: медиаплан",
                 "Кластер: сроки поручений"):  # fmt: skip
        assert name in page
    assert world.tokens["lead"] not in page  # only its hash is kept: it cannot be shown again
    assert LINK.search(page) is None
    assert "http://intranet.test/calendar/feed/••••••/all.ics" in page
    assert "Сбросить ссылку" in page
    for client_name in (
        "Outlook для Windows",
        "Новый Outlook и Outlook в браузере",
        "Google Календарь",
        "Apple Календарь",
    ):
        assert client_name in page
    # The window the feeds hold (CALENDAR_WINDOW_*), «today» being 1 March 2025.
    assert ("В календарях — события за последние 60 дней и на 365 дней вперёд "
            "(сейчас — с 31 декабря 2024 г. по 1 марта 2026 г.)") in " ".join(page.split())  # fmt: skip


def test_window_text_follows_the_settings(world, app, monkeypatch):
    from cluster_intranet.calendar.feeds import window_text

    monkeypatch.setitem(app.config, "CALENDAR_WINDOW_PAST_DAYS", 365)
    monkeypatch.setitem(app.config, "CALENDAR_WINDOW_FUTURE_DAYS", 731)
    with app.test_request_context():
        assert (
            window_text()
            == "за последние 365 дней и на 731 день вперёд (сейчас — с 1 марта 2024 г. по 2 марта 2027 г.)"
        )


def test_issue_shows_working_links_once(world, signed_in, fetch):
    client = signed_in("lead@cluster.test")
    response = client.post("/calendar/token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    links = LINK.findall(page)
    tokens = {token for token, _ in links}
    assert len(tokens) == 1
    token = tokens.pop()
    slugs = {slug for _, slug in links}
    assert {"all", "mine", "meetings", "media", "deadlines", f"council-{world.councils['coord'].id}"} <= slugs
    assert f'data-copy="http://intranet.test/calendar/feed/{token}/all.ics"' in page
    assert f'data-copy="webcal://intranet.test/calendar/feed/{token}/all.ics"' in page
    assert "Прежние ссылки больше не работают" in page

    for slug in slugs:
        assert fetch(token, slug).status_code == 200
    assert fetch(world.tokens["lead"], "all").status_code == 404

    # Only the hash is stored.
    stored = db.session.scalar(select(CalendarSettings).where(CalendarSettings.user_id == world.users["lead"]))
    assert stored.token_hash == hash_token(token)
    assert token not in repr([getattr(stored, c.key) for c in CalendarSettings.__table__.columns])
    # And the page does not show it again.
    assert token not in client.get("/calendar/").get_data(as_text=True)


def test_issue_with_htmx_answers_the_links_part(world, signed_in):
    client = signed_in("guest@cluster.test")
    response = client.hx("post", "/calendar/token")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" not in page
    assert len({token for token, _ in LINK.findall(page)}) == 1


def test_first_token_for_a_new_user(app, login_as, fetch):
    client = login_as("viewer", "fresh@cluster.test")
    page = client.get("/calendar/").get_data(as_text=True)
    assert "Получить ссылки" in page
    page = client.post("/calendar/token").get_data(as_text=True)
    assert "Прежние ссылки" not in page
    token, _ = LINK.search(page).groups()
    assert fetch(token, "mine").status_code == 200
    assert "не связана с сотрудником" in page


def test_issue_needs_csrf(world, signed_in):
    client = signed_in("lead@cluster.test")
    assert client.post("/calendar/token", csrf=False).status_code == 400


def test_reminders_form(world, signed_in):
    client = signed_in("lead@cluster.test")
    response = client.post("/calendar/reminders", data={"event_alarm_minutes": "30", "deadline_alarm_minutes": "900"})
    assert response.status_code == 303
    settings = db.session.get(CalendarSettings, world.users["lead"])
    assert (settings.event_alarm_minutes, settings.deadline_alarm_minutes) == (30, 900)
    assert settings.token_hash == hash_token(world.tokens["lead"])  # the links keep working
    page = client.get("/calendar/").get_data(as_text=True)
    assert '<option selected value="30">' in page

    response = client.hx("post", "/calendar/reminders", data={"event_alarm_minutes": "", "deadline_alarm_minutes": ""})
    assert response.status_code == 200
    assert "Сохранено" in response.get_data(as_text=True)
    db.session.expire_all()
    settings = db.session.get(CalendarSettings, world.users["lead"])
    assert (settings.event_alarm_minutes, settings.deadline_alarm_minutes) == (None, None)

    for bad in ({"event_alarm_minutes": "7", "deadline_alarm_minutes": ""}, {"event_alarm_minutes": "x"}):
        response = client.hx("post", "/calendar/reminders", data=bad)
        assert response.status_code == 422
        assert "invalid-feedback" in response.get_data(as_text=True)


def test_add_meeting_to_calendar(world, signed_in, parse_icaljs):
    client = signed_in("guest@cluster.test")
    meeting = world.meetings["timed"]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/calendar/meetings/{meeting.id}.ics"' in page

    response = client.get(f"/calendar/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="meeting-{meeting.id}.ics"'
    assert response.headers["Cache-Control"] == "private, no-cache"  # a signed-in user's, and it changes
    assert b"X-WR-CALNAME" not in response.data  # an event to import, not a calendar to subscribe to
    (event,) = parse_icaljs(response.data)["events"]
    assert event["uid"] == world.uid("meeting", "timed")  # the same event as in the feeds
    assert event["start"]["utc"] == "2025-03-10T07:00:00Z"

    assert client.get(f"/calendar/meetings/{world.meetings['deleted'].id}.ics").status_code == 404
    assert client.get("/calendar/meetings/999999.ics").status_code == 404


def test_add_media_event_and_deadline_to_calendar(world, signed_in, parse_icaljs):
    client = signed_in("guest@cluster.test")
    response = client.get(f"/calendar/media/{world.events['multi'].id}.ics")
    (event,) = parse_icaljs(response.data)["events"]
    assert (event["start"]["value"], event["end"]["value"]) == ("2025-03-17", "2025-03-20")

    response = client.get(f"/calendar/decisions/{world.decisions['lead'].id}.ics")
    (event,) = parse_icaljs(response.data)["events"]
    assert event["uid"] == world.uid("decision", "lead")
    assert client.get(f"/calendar/decisions/{world.decisions['no_deadline'].id}.ics").status_code == 404


def test_downloads_carry_the_users_reminders(world, signed_in, parse_icaljs):
    client = signed_in("lead@cluster.test")
    client.post("/calendar/reminders", data={"event_alarm_minutes": "60", "deadline_alarm_minutes": ""})
    (event,) = parse_icaljs(client.get(f"/calendar/meetings/{world.meetings['timed'].id}.ics").data)["events"]
    assert event["alarms"][0]["trigger"] == "-PT1H"


def test_downloads_need_a_login(world, client):
    response = client.get(f"/calendar/meetings/{world.meetings['timed'].id}.ics")
    assert response.status_code == 302
    assert "/login" in response.location


def test_deactivating_a_user_keeps_the_settings(world, app, fetch):
    user = db.session.get(User, world.users["guest"])
    user.active = False
    db.session.commit()
    assert fetch(world.tokens["guest"], "mine").status_code == 404
    assert db.session.get(CalendarSettings, user.id) is not None


def test_month_grid_shows_deadlines_meetings_and_media(world, signed_in):
    """The media area's month grid, extended with decision deadlines; months change over HTMX."""
    client = signed_in("guest@cluster.test")
    page = client.get("/media/calendar?month=2025-03").get_data(as_text=True)
    lead = world.decisions["lead"]
    assert f'href="/decisions/{lead.id}"' in page
    assert 'class="cal-entry cal-deadline status-open"' in page
    assert "Срок: Разработать медиаплан кластера" in page
    assert f'href="/meetings/{world.meetings["timed"].id}"' in page
    assert f'href="/media/events/{world.events["timed"].id}"' in page
    assert f'/decisions/{world.decisions["of_deleted"].id}"' not in page  # its meeting is deleted
    assert f'/decisions/{world.decisions["no_deadline"].id}"' not in page

    fragment = client.hx("get", "/media/calendar?month=2025-04").get_data(as_text=True)
    assert "<html" not in fragment
    assert "Апрель 2025" in fragment
    assert f'href="/meetings/{world.meetings["cancelled"].id}"' in fragment
    assert "Срок: Разработать" not in fragment
