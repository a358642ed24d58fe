"""The meeting's page before and after its day: approval offered (and accepted) only from
the meeting's day, rare and destructive actions in one «Ещё» menu, and a meeting not yet held
shown by what it has (agenda, materials) and what will come, not by empty cards."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from sqlalchemy import select

from cluster_intranet import clock
from cluster_intranet.extensions import db
from cluster_intranet.directory.models import Person
from cluster_intranet.meetings.models import Meeting, MeetingStatus


def _section(page: str, start: str, end: str) -> str:
    part = page[page.index(start) :]
    return part[: part.index(end)]


def test_the_protocol_is_approved_on_the_meetings_day_or_later(app, secretary, draft, monkeypatch):
    url = f"/meetings/{draft.id}"
    page = secretary.get(url).get_data(as_text=True)
    assert "/approve" not in page
    assert "Утвердить протокол можно будет в день заседания, 18 февраля 2027 г., или позже." in page

    refused = secretary.post(f"{url}/approve", follow_redirects=True).get_data(as_text=True)
    assert "Заседание ещё не прошло: утвердить протокол можно в день заседания, 18.02.2027, или позже." in refused
    db.session.expire_all()
    assert draft.status != MeetingStatus.APPROVED

    # 18.02.2027, 09:00 in Tomsk (UTC+7).
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2027, 2, 18, 2, 0, tzinfo=UTC))
    assert f"{url}/approve" in secretary.get(url).get_data(as_text=True)
    approved = secretary.post(f"{url}/approve", follow_redirects=True).get_data(as_text=True)
    assert "Протокол утверждён." in approved
    db.session.expire_all()
    assert draft.status == MeetingStatus.APPROVED


def test_rare_and_destructive_actions_are_in_the_more_menu(app, secretary, draft):
    page = secretary.get(f"/meetings/{draft.id}").get_data(as_text=True)
    menu = _section(page, '<details class="more-menu"', "</details>")
    assert "Создать следующее заседание" in menu and "Удалить заседание" in menu
    protocol = _section(page, '<section class="card mt-4" id="protocol">', "</section>")
    assert "Создать следующее заседание" not in protocol and "Удалить заседание" not in protocol


def test_reopening_an_approved_protocol_is_in_the_menu_too(app, secretary, viewer, demo):
    page = secretary.get(f"/meetings/{demo.id}").get_data(as_text=True)
    menu = _section(page, '<details class="more-menu"', "</details>")
    assert "Открыть протокол заново" in menu and "Выписка из протокола…" in menu and "Утверждённые редакции" in menu
    assert "Удалить заседание" not in menu  # an approved protocol is not deleted
    assert "Открыть протокол заново" not in viewer.get(f"/meetings/{demo.id}").get_data(as_text=True)


def test_a_meeting_not_yet_held_says_what_will_come_after_it(app, viewer, draft, demo):
    page = viewer.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert "Заседание назначено на 18 февраля 2027 г.: участники, решения и протокол" in page
    assert "Протокол появится после заседания 18 февраля 2027 г." in page
    assert 'id="agenda"' in page and "О плане работы кластера на 2027 год" in page
    assert "Материалы заседания" in page
    assert 'id="attendees"' not in page and 'id="decisions"' not in page
    assert 'id="protocol-short"' not in page and "(.docx)" not in page
    assert 'class="more-menu"' not in page  # nothing in it for a viewer before the day

    held = viewer.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert 'id="attendees"' in held and 'id="protocol-short"' in held and "not-held-yet" not in held


def test_the_approval_line_names_who_approved_without_a_double_full_stop(app, login_as, draft):
    """«…, Матвеев Д.М.. Изменения закрыты» read two full stops: a short name ends with its own."""
    with app.app_context():
        person_id = db.session.scalar(select(Person.id).where(Person.surname == "Матвеев"))
    secretary = login_as("secretary", "matveev@cluster.test", person_id)
    with app.app_context():
        db.session.get(Meeting, draft.id).date = dt.date(2021, 11, 17)
        db.session.commit()
    page = secretary.post(f"/meetings/{draft.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert "(Матвеев Д.М.). Изменения закрыты" in page
    assert "Д.М.." not in page
