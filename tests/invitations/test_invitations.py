"""Invitations to a meeting through a real SMTP server (aiosmtpd), read back with
Python's email and icalendar (and ical.js): requests, updates, cancellations, added
and removed attendees, retries, and no message sent twice after a crash."""

from __future__ import annotations

import json
import re
import shutil
import smtplib
import subprocess
from datetime import date, time
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select

from cluster_intranet import mail
from cluster_intranet.councils.models import CouncilMember
from cluster_intranet.extensions import db
from cluster_intranet.mail import OutgoingMessage
from cluster_intranet.materials import services as materials
from cluster_intranet.materials.models import Material
from cluster_intranet.meetings import builders as meetings
from cluster_intranet.meetings.models import AgendaItem, Attendance
from tests import factories
from bench.server import free_port
from tests.documents.support import docx_paragraphs
from tests.messages import said

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(app, ctx):
    """A planned meeting of a council whose secretary has an e-mail; three attendees
    from the directory (one without an e-mail) and one written in by hand."""
    council = factories.council()
    secretary = factories.person(
        surname="Жарких", first_name="Елена", patronymic="Викторовна", email="zharkikh@cluster.test"
    )
    db.session.add(CouncilMember(council=council, person=secretary, role="secretary", position=1))
    people = [
        factories.person(surname="Беляев", first_name="Евгений", patronymic="Викторович", email="belyaev@cluster.test"),
        factories.person(
            surname="Кускова", first_name="Елена", patronymic="Владимировна", email="kuskova@cluster.test"
        ),
        factories.person(surname="Безадресный", email=""),
    ]
    meeting = meetings.meeting(
        council, date(2027, 3, 18), number=3, start_time=time(14, 0), end_time=time(15, 30), city="г. Томск",
        place="пр. Кирова, 41", status="planned",
        attendances=[
            *(Attendance(person=p, name=p.short_name, position=i) for i, p in enumerate(people)),
            Attendance(person=None, name="Гость Г.Г.", position=9),
        ],
        agenda_items=[
            AgendaItem(position=1, text="О плане работы кластера на 2027 год", speaker_name="Беляев Е.В."),
            AgendaItem(position=2, text="О медиаплане"),
        ],
    )  # fmt: skip
    db.session.commit()
    return meeting


def notice(response) -> str:
    return said(response)["text"]


def press(client, meeting_id: int):
    response = client.hx("post", f"/invitations/meetings/{meeting_id}")
    assert response.status_code == 200, response.get_data(as_text=True)
    mail.wait_for_background()
    return response


def calendar_part(message) -> tuple[str, icalendar.Calendar, bytes]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_content_charset() == "utf-8"
    raw = part.get_payload(decode=True)
    return part.get_param("method"), icalendar.Calendar.from_ical(raw), raw


def event_of(calendar: icalendar.Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def by_recipient(mailbox) -> dict[str, list]:
    result: dict[str, list] = {}
    for message in mailbox.messages:
        result.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
    return result


def test_each_attendee_with_an_email_gets_one_invitation(world, mailbox, secretary):
    response = press(secretary, world.id)
    assert "Писем к отправке: 2." in notice(response)
    assert "Нет e-mail в справочнике" in response.get_data(as_text=True) and "Безадресный" in response.get_data(
        as_text=True
    )
    mail_to = by_recipient(mailbox)
    assert set(mail_to) == {"belyaev@cluster.test", "kuskova@cluster.test"}
    message = mail_to["kuskova@cluster.test"][0]
    assert message["Subject"] == f"Приглашение: заседание {world.council.name_genitive}, 18 марта 2027 г., 14:00–15:30"
    assert message["From"].addresses[0].addr_spec == "intranet@cluster.test"
    assert message["Reply-To"].addresses[0].addr_spec == "zharkikh@cluster.test"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Здравствуйте, Елена Владимировна!")
    assert "1. О плане работы кластера на 2027 год\n   Докладчик: Беляев Е.В.\n2. О медиаплане" in text
    assert f"Страница заседания: http://intranet.test/meetings/{world.id}" in text

    method, calendar, _ = calendar_part(message)
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"meeting-{world.id}@intranet.test"  # the calendar feeds' UID
    assert int(event["SEQUENCE"]) == world.version
    assert (
        str(event["ORGANIZER"]) == "mailto:zharkikh@cluster.test" and event["ORGANIZER"].params["CN"] == "Жарких Е.В."
    )
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:kuskova@cluster.test"
    assert (attendee.params["RSVP"], attendee.params["PARTSTAT"], attendee.params["CN"]) == (
        "TRUE",
        "NEEDS-ACTION",
        "Кускова Е.В.",
    )
    start = event.decoded("DTSTART")
    assert (start.isoformat(), str(start.tzinfo)) == ("2027-03-18T14:00:00+07:00", "Asia/Tomsk")
    assert event["DTSTART"].params["TZID"] == "Asia/Tomsk" and calendar.walk("VTIMEZONE")
    assert "VALARM" not in [c.name for c in event.subcomponents]

    [agenda] = [p for p in message.iter_attachments() if p.get_filename() == "Повестка 18.03.2027.docx"]
    lines = docx_paragraphs(agenda.get_content())
    assert (
        "ПОВЕСТКА" in lines and "1. О плане работы кластера на 2027 год" in lines and "Докладчик: Беляев Е.В." in lines
    )

    page = secretary.get(f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert page.count("отправлено") >= 2 and "kuskova@cluster.test" in page
    # What was sent, in the secretary's words: not iCalendar's «(SEQUENCE 1)» beside it.
    assert ">приглашение<div" in page and "(SEQUENCE 1)" not in page


def test_the_message_names_the_materials_and_is_7bit_clean(world, mailbox, secretary, app):
    """The links to the materials (of the meeting and of an agenda item) in the text and the
    attached agenda; the whole message 7-bit (base64 parts), so any relay passes it as is."""
    for title, item in (("Проект плана", world.agenda_items[0]), ("Справка о кластере", None)):
        materials.add_material(world, title=title, agenda_item_id=item.id if item else None, filename=f"{title}.pdf",
                               data=b"%PDF-1.4\n%%EOF\n", user=None, max_size=app.config["MATERIALS_MAX_SIZE"], directory=None)  # fmt: skip
    db.session.commit()
    plan, note = sorted(db.session.scalars(select(Material).where(Material.meeting_id == world.id)), key=lambda m: m.id)
    press(secretary, world.id)
    message = by_recipient(mailbox)["kuskova@cluster.test"][0]
    text = message.get_body(("plain",)).get_content()
    plan_link, note_link = (f"http://intranet.test/materials/{m.id}/file" for m in (plan, note))
    assert f"   Докладчик: Беляев Е.В.\n   Материал «Проект плана»: {plan_link}\n2. О медиаплане" in text
    assert f"Материалы заседания:\n- Справка о кластере: {note_link}" in text
    [agenda] = [p for p in message.iter_attachments() if p.get_filename().endswith(".docx")]
    lines = docx_paragraphs(agenda.get_content())
    assert f"Материал: Проект плана — {plan_link}" in lines and f"Справка о кластере — {note_link}" in lines
    for row in db.session.scalars(select(OutgoingMessage)):
        assert row.content.isascii() and max(len(line) for line in row.content.split(b"\r\n")) <= 998
    [calendar] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendar["Content-Transfer-Encoding"] == "base64"
    # The shape Outlook reads as a meeting request: the text and the iMIP part as alternatives
    # of one body, the agenda attached beside it.
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/calendar",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]  # fmt: skip


def test_the_section_shows_the_progress_while_sending(world, mailbox, secretary, app, monkeypatch, runner):
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", False)  # queued: sent by flask send-mail
    press(secretary, world.id)
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "Отправка: 0 из 2…" in section and 'hx-trigger="protocolChanged from:body, every 2s"' in section
    assert section.count("в очереди") == 2
    assert "получили последние сведения" not in section  # not yet: they are in the queue
    assert "Отправлено писем: 2" in runner.invoke(args=["send-mail"]).output
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "Отправка:" not in section and "every 2s" not in section and section.count("отправлено") == 2
    assert "Все участники с e-mail получили последние сведения о заседании." in section


def test_the_progress_counts_the_messages_being_sent_not_the_whole_history(world, mailbox, secretary, app,
                                                                           monkeypatch, runner):  # fmt: skip
    press(secretary, world.id)  # two sent
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", False)  # queued: sent by flask send-mail
    world.start_time = time(16, 0)
    db.session.commit()
    secretary.hx("post", f"/invitations/meetings/{world.id}")  # two updates queued
    db.session.commit()
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "Отправка: 0 из 2…" in section  # not «2 из 4»


def test_pressing_again_sends_nothing_twice(world, mailbox, secretary):
    press(secretary, world.id)
    response = press(secretary, world.id)
    assert "Новых приглашений нет" in notice(response)
    assert len(mailbox.messages) == 2


def test_a_change_of_time_sends_an_update_with_a_higher_sequence(world, mailbox, secretary):
    press(secretary, world.id)
    first = {m["To"].addresses[0].addr_spec: int(event_of(calendar_part(m)[1])["SEQUENCE"]) for m in mailbox.messages}
    world.agenda_items[1].text = "О медиаплане на весну"  # the agenda alone: no update
    db.session.commit()
    press(secretary, world.id)
    assert len(mailbox.messages) == 2
    world.start_time = time(15, 0)
    world.end_time = time(16, 0)
    db.session.commit()
    press(secretary, world.id)
    updates = mailbox.messages[2:]
    assert len(updates) == 2
    for message in updates:
        assert message["Subject"].startswith("Изменение: заседание")
        method, calendar, _ = calendar_part(message)
        event = event_of(calendar)
        assert method == "REQUEST" and str(event["UID"]) == f"meeting-{world.id}@intranet.test"
        assert int(event["SEQUENCE"]) > first[message["To"].addresses[0].addr_spec]
        assert event.decoded("DTSTART").isoformat() == "2027-03-18T15:00:00+07:00"
    press(secretary, world.id)
    assert len(mailbox.messages) == 4


def test_an_update_says_what_changed_since_the_persons_last_letter(world, mailbox, secretary):
    press(secretary, world.id)

    def letters() -> list[str]:
        return [m.get_body(("plain",)).get_content() for m in by_recipient(mailbox)["kuskova@cluster.test"]]

    assert "Изменено" not in letters()[0]
    world.date, world.place = date(2027, 3, 25), "ауд. 210"
    db.session.commit()
    press(secretary, world.id)
    assert (
        f"Изменились сведения о заседании {world.council.name_genitive}.\n"
        "Изменено: дата — было 18.03.2027, стало 25.03.2027; место — было г. Томск, пр. Кирова, 41, стало г. Томск, "
        "ауд. 210.\n\nКогда: 25 марта 2027 г., 14:00–15:30\n"
    ) in letters()[1]
    # The next one names what changed since that letter, not since the first.
    world.start_time, world.end_time = time(10, 0), None
    db.session.commit()
    press(secretary, world.id)
    [said] = [line for line in letters()[2].splitlines() if line.startswith("Изменено")]
    assert said == "Изменено: время — было 14:00–15:30, стало 10:00."


def test_once_invited_they_follow_the_meetings_changes_made_in_its_form(world, mailbox, secretary):
    """After the first «Разослать приглашения», a change of time or place saved in the
    meeting's form sends the update at once, and a cancellation the cancel; the page says so."""

    form = {"council_id": world.council_id, "number": "3", "date": "2027-03-18", "start_time": "14:00",
            "end_time": "15:30", "city": "г. Томск", "place": "пр. Кирова, 41", "format": "in_person",
            "connection_link": "", "status": "planned", "chair_id": "", "secretary_id": ""}  # fmt: skip

    def save(**changes) -> str:
        form.update(changes)
        response = secretary.post(f"/meetings/{world.id}/edit", data={**form, "version": str(world.version)})
        assert response.status_code == 303, response.get_data(as_text=True)
        mail.wait_for_background()
        page = secretary.get(response.location).get_data(as_text=True)
        assert "Заседание сохранено." in page
        return page

    assert "Приглашённым" not in save(start_time="13:00") and mailbox.messages == []  # nobody invited yet
    press(secretary, world.id)
    assert "Приглашённым" not in save() and len(mailbox.messages) == 2  # nothing an invitation says has changed
    assert "Приглашённым отправляются изменения (писем: 2)." in save(place="ауд. 210")
    assert all(m["Subject"].startswith("Изменение: заседание") for m in mailbox.messages[2:])
    assert "ауд. 210" in str(event_of(calendar_part(mailbox.messages[2])[1])["LOCATION"])
    assert "Приглашённым отправляется отмена заседания (писем: 2)." in save(status="cancelled")
    assert [calendar_part(m)[0] for m in mailbox.messages] == ["REQUEST"] * 4 + ["CANCEL"] * 2
    assert "Новых приглашений нет" in notice(press(secretary, world.id))
    # Planned again: invitations anew, not «изменения».
    assert "Приглашённым снова отправляются приглашения (писем: 2)." in save(status="planned")
    assert [calendar_part(m)[0] for m in mailbox.messages[6:]] == ["REQUEST"] * 2


def test_once_invited_a_newcomer_added_on_the_page_is_invited_and_a_removed_one_cancelled(world, mailbox, secretary):
    press(secretary, world.id)
    newcomer = factories.person(
        surname="Пояркова", first_name="Ольга", patronymic="Николаевна", email="poyarkova@cluster.test"
    )
    db.session.commit()
    added = secretary.hx(
        "post", f"/meetings/{world.id}/attendees", data={"person_id": newcomer.id, "mode": "in_person"}
    )
    assert added.status_code == 200, added.get_data(as_text=True)
    # The page says that a message went, and to whom (not only «Список участников изменён»).
    assert notice(added) == "Список участников изменён. Приглашение отправляется: Пояркова О.Н."
    mail.wait_for_background()
    assert [(m["To"].addresses[0].addr_spec, calendar_part(m)[0]) for m in mailbox.messages[2:]] == [
        ("poyarkova@cluster.test", "REQUEST")
    ]
    removed = next(a for a in world.attendances if a.person and a.person.email == "belyaev@cluster.test")
    response = secretary.hx("post", f"/meetings/attendees/{removed.id}/delete")
    assert response.status_code == 200
    assert notice(response) == "Список участников изменён. Отмена приглашения отправляется: Беляев Е.В."
    mail.wait_for_background()
    assert [(m["To"].addresses[0].addr_spec, calendar_part(m)[0]) for m in mailbox.messages[3:]] == [
        ("belyaev@cluster.test", "CANCEL")
    ]


def test_the_removal_of_an_invited_attendee_asks_knowing_that_a_cancellation_goes_out(world, mailbox, secretary,
                                                                                      count_queries):  # fmt: skip
    """The ×'s question says that the person will be mailed a cancellation, for those who
    were sent an invitation: not before «Разослать приглашения», not to someone without an
    e-mail nor to a guest written in by hand."""

    reads = []

    def questions() -> list[str]:
        with count_queries() as counter:
            page = secretary.get(f"/meetings/{world.id}").get_data(as_text=True)
        reads.append(counter.count)
        return re.findall(r'data-confirm="(Убрать [^"]*)"', page)

    plain = [f"Убрать {who} из списка участников?" for who in ("Беляева Е.В.", "Кускову Е.В.")]
    assert all("отмена" not in question for question in questions()) and set(plain) <= set(questions())
    press(secretary, world.id)
    asked = questions()
    assert "Убрать Беляева Е.В. из списка участников? Ему будет отправлена отмена приглашения." in asked
    assert "Убрать Кускову Е.В. из списка участников? Ей будет отправлена отмена приглашения." in asked
    # Безадресный (no e-mail) and the guest are asked as before.
    assert len(asked) == 4 and sum(question.endswith("участников?") for question in asked) == 2
    assert reads[0] == reads[1]  # the page reads no more for it
    # The list as a change answers it: the newcomer, invited this moment, too.
    newcomer = factories.person(surname="Пояркова", first_name="Ольга", patronymic="Николаевна", email="p@cluster.test")
    db.session.commit()
    added = secretary.hx("post", f"/meetings/{world.id}/attendees", data={"person_id": newcomer.id, "mode": "online"})
    section = re.findall(r'data-confirm="(Убрать [^"]*)"', added.get_data(as_text=True))
    assert "Убрать Беляева Е.В. из списка участников? Ему будет отправлена отмена приглашения." in section
    assert "Убрать Пояркову О.Н. из списка участников? Ей будет отправлена отмена приглашения." in section
    # Once the cancellation went out, nothing more is mailed on removal: no warning.
    removed = next(a for a in world.attendances if a.person and a.person.email == "kuskova@cluster.test")
    world.attendances.remove(removed)
    db.session.commit()
    press(secretary, world.id)
    world.attendances.append(Attendance(person=removed.person, name=removed.name, position=8))
    db.session.commit()
    assert "Убрать Кускову Е.В. из списка участников?" in questions()


def test_added_attendees_are_invited_and_removed_ones_cancelled(world, mailbox, secretary):
    press(secretary, world.id)
    newcomer = factories.person(
        surname="Пояркова", first_name="Ольга", patronymic="Николаевна", email="poyarkova@cluster.test"
    )
    removed = next(a for a in world.attendances if a.person and a.person.email == "belyaev@cluster.test")
    world.attendances.remove(removed)
    world.attendances.append(Attendance(person=newcomer, name=newcomer.short_name, position=5))
    db.session.commit()
    press(secretary, world.id)
    later = by_recipient(type("Box", (), {"messages": mailbox.messages[2:]}))
    assert set(later) == {"poyarkova@cluster.test", "belyaev@cluster.test"}
    assert calendar_part(later["poyarkova@cluster.test"][0])[0] == "REQUEST"
    method, calendar, _ = calendar_part(later["belyaev@cluster.test"][0])
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    first_sequence = int(event_of(calendar_part(mailbox.messages[0])[1])["SEQUENCE"])
    assert int(event_of(calendar)["SEQUENCE"]) > first_sequence or int(event_of(calendar)["SEQUENCE"]) >= world.version
    assert later["belyaev@cluster.test"][0]["Subject"].startswith("Вы исключены из списка участников")
    assert not list(later["belyaev@cluster.test"][0].iter_attachments())


def test_a_cancelled_meeting_sends_cancel_to_everyone_invited(world, mailbox, secretary):
    press(secretary, world.id)
    world.status = "cancelled"
    db.session.commit()
    press(secretary, world.id)
    cancels = mailbox.messages[2:]
    assert {m["To"].addresses[0].addr_spec for m in cancels} == {"belyaev@cluster.test", "kuskova@cluster.test"}
    for message in cancels:
        method, calendar, _ = calendar_part(message)
        event = event_of(calendar)
        assert method == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == f"meeting-{world.id}@intranet.test" and int(event["SEQUENCE"]) == world.version
        assert message["Subject"].startswith("Отменено: заседание")
    press(secretary, world.id)
    assert len(mailbox.messages) == 4


def test_a_crash_between_two_recipients_sends_nobody_twice(world, mailbox, secretary, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", False)
    press(secretary, world.id)  # queued, not sent
    assert mailbox.messages == []
    calls = {"n": 0}
    real_send = mail.Connection.send

    def crash_on_second(self, *args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the process dies here: not an SMTP error
        return real_send(self, *args)

    monkeypatch.setattr(mail.Connection, "send", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        mail.send_queued()
    db.session.rollback()
    assert len(mailbox.messages) == 1
    statuses = sorted(db.session.scalars(select(OutgoingMessage.status)))
    assert statuses == ["sending", "sent"]  # the second was claimed when the process died
    # A later run sends neither again: the sent one is sent, the other's fate is unknown.
    monkeypatch.setattr(mail.Connection, "send", real_send)
    report = mail.send_queued()
    assert report.sent == [] and len(mailbox.messages) == 1
    # A crash before the claim (between two recipients) leaves the next one queued: sent once.
    db.session.execute(
        OutgoingMessage.__table__.update().where(OutgoingMessage.status == "sending").values(status="queued")
    )
    db.session.commit()
    mail.send_queued()
    mail.send_queued()
    assert len(mailbox.messages) == 2
    assert len({m["To"].addresses[0].addr_spec for m in mailbox.messages}) == 2


def test_a_failed_send_is_retried(world, mailbox, secretary, app, monkeypatch):
    real_send = mail.Connection.send
    calls = {"n": 0}

    def flaky(self, *args):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(self, *args)

    monkeypatch.setattr(mail.Connection, "send", flaky)
    press(secretary, world.id)
    assert len(mailbox.messages) == 2
    rows = db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)).all()
    assert [r.status for r in rows] == ["sent", "sent"] and rows[0].attempts == 2


def test_a_server_down_leaves_them_queued_for_the_next_run(world, mailbox, secretary, app, monkeypatch, runner):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    press(secretary, world.id)
    assert mailbox.messages == []
    rows = db.session.scalars(select(OutgoingMessage)).all()
    assert {r.status for r in rows} == {"failed"} and "ConnectionRefusedError" in rows[0].error
    # The first was tried three times, the second waits for the next run; a server down
    # costs neither of them an attempt.
    assert [r.attempts for r in rows] == [0, 0] and "ConnectionRefusedError" in rows[1].error
    page = secretary.get(f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "не удалось отправить" in page
    monkeypatch.setitem(app.config, "MAIL_PORT", port)  # the server is back
    result = runner.invoke(args=["send-mail"])
    assert "Отправлено писем: 2" in result.output, result.output
    assert len(mailbox.messages) == 2


def test_an_outage_longer_than_the_attempts_loses_no_invitation(world, mailbox, secretary, app, monkeypatch, runner):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # the server is down…
    press(secretary, world.id)
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):  # …for more runs of the timer than a message has attempts
        assert "Отправлено писем: 0; не удалось: 2" in runner.invoke(args=["send-mail"]).output
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    result = runner.invoke(args=["send-mail"])
    assert "Отправлено писем: 2" in result.output, result.output
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox.messages) == [
        "belyaev@cluster.test",
        "kuskova@cluster.test",
    ]


def test_a_message_the_server_keeps_failing_is_given_up(world, mailbox, secretary, app, monkeypatch, runner):
    """A failure of the message itself (the server answers, and refuses it for now) spends
    its attempts: after MAIL_MAX_ATTEMPTS it is no longer tried; the others are sent."""
    real_send = mail.Connection.send

    def busy_for_kuskova(self, sender, recipient, content):
        if recipient == "kuskova@cluster.test":
            raise smtplib.SMTPRecipientsRefused({recipient: (452, b"4.2.2 Mailbox full")})
        return real_send(self, sender, recipient, content)

    monkeypatch.setattr(mail.Connection, "send", busy_for_kuskova)
    press(secretary, world.id)
    for _ in range(3):
        runner.invoke(args=["send-mail"])
    rows = {r.recipient: r for r in db.session.scalars(select(OutgoingMessage))}
    assert rows["belyaev@cluster.test"].status == "sent"
    full = rows["kuskova@cluster.test"]
    assert (full.status, full.attempts) == ("failed", app.config["MAIL_MAX_ATTEMPTS"]) and "Mailbox full" in full.error
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == ["belyaev@cluster.test"]


def test_the_section_says_why_there_is_nobody_to_invite(world, secretary):
    def section() -> str:
        db.session.commit()
        return secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)

    assert "К отправке:" in section() and "Безадресный" in section()
    # It follows the attendance list: the meeting page reloads it on «protocolChanged».
    assert 'hx-trigger="protocolChanged from:body"' in section()
    world.attendances = [a for a in world.attendances if a.person is None]
    assert "в списке участников нет никого из справочника" in section()
    world.attendances = []
    assert "Участников пока нет" in section()
    # A meeting held is past inviting: nothing due, no one reproached for a missing e-mail.
    world.attendances = [Attendance(person=factories.person(email=""), name="Без Адреса", position=1)]
    world.status = "held"
    held = section()
    assert "пока заседание запланировано" in held and "К отправке:" not in held and "Нет e-mail" not in held


@pytest.mark.parametrize("role", ["viewer", "expert", "editor"])
def test_only_secretaries_send(world, mailbox, login_as, role):
    client = login_as(role, f"{role}-inviter@cluster.test")
    assert client.hx("post", f"/invitations/meetings/{world.id}").status_code == 403
    assert client.get(f"/invitations/meetings/{world.id}").status_code == 200
    assert db.session.scalars(select(OutgoingMessage)).all() == []


@pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules/ical.js").exists(), reason="node with ical.js"
)
def test_icaljs_reads_the_invitation(world, mailbox, secretary, tmp_path):
    press(secretary, world.id)
    _, _, raw = calendar_part(mailbox.messages[0])
    path = tmp_path / "invite.ics"
    path.write_bytes(raw)
    done = subprocess.run(
        ["node", "tests/calendar/icaljs_parse.mjs", str(path)], cwd=REPO, capture_output=True, text=True, check=True
    )
    parsed = json.loads(done.stdout)
    assert parsed["calendar"]["method"] == ["REQUEST"]
    [event] = parsed["events"]
    assert event["uid"] == f"meeting-{world.id}@intranet.test"
    assert event["start"]["tzid"] == "Asia/Tomsk" and event["start"]["utc"] == "2027-03-18T07:00:00Z"
    assert event["sequence"] == world.version
    assert (event["organizer"], event["organizerCn"]) == ("mailto:zharkikh@cluster.test", "Жарких Е.В.")
    [attendee] = event["attendeeList"]
    recipient = mailbox.messages[0]["To"].addresses[0]
    assert attendee == {
        "value": f"mailto:{recipient.addr_spec}",
        "cn": recipient.display_name,
        "partstat": "NEEDS-ACTION",
        "rsvp": "TRUE",
    }


def test_attendees_from_the_directory_without_an_email_are_not_said_to_be_outside_it(app, ctx, secretary):
    """Everyone on the list is from the directory, no one has an e-mail: the section says who
    has none, not «в списке участников нет никого из справочника»."""
    council = factories.council()
    people = [factories.person(surname="Безадресный", email=""), factories.person(surname="Безадресная", email="")]
    meeting = meetings.meeting(
        council, date(2027, 3, 18), status="planned",
        attendances=[Attendance(person=p, name=p.short_name, position=i) for i, p in enumerate(people)],
    )  # fmt: skip
    db.session.commit()
    section = " ".join(secretary.hx("get", f"/invitations/meetings/{meeting.id}").get_data(as_text=True).split())
    assert "Нет e-mail в справочнике (приглашение не уйдёт): Безадресный" in section
    assert "нет никого из справочника" not in section
    assert "Участников пока нет" not in section  # there are two


@pytest.mark.parametrize("brk", ["\r\n", "\n", "\u2028", "\x85"])
def test_names_stored_with_a_line_break_still_make_one_line_headers(world, mailbox, secretary, brk):
    """A header cannot hold a line break (Python refuses one: the press answered 500 and
    nobody was invited). Names stored with one (a crafted form, an import, U+2028 pasted)
    reach the Subject, From, Reply-To, To and the iMIP CN on one line; nobody is added."""
    world.council.name_genitive = f"Координационного{brk}Bcc: evil@evil.example совета"
    invited = next(a.person for a in world.attendances if a.person and a.person.email == "kuskova@cluster.test")
    invited.surname = f"Кускова{brk}Bcc: evil2@evil.example"
    organizer = world.council.members[0].person
    organizer.surname = f"Жарких{brk}"
    db.session.commit()
    press(secretary, world.id)
    mail_to = by_recipient(mailbox)
    assert set(mail_to) == {"belyaev@cluster.test", "kuskova@cluster.test"}  # no one else
    [message] = mail_to["kuskova@cluster.test"]
    assert message["Subject"].startswith(
        "Приглашение: заседание Координационного Bcc: evil@evil.example совета, 18 марта 2027 г."
    )
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Кускова Bcc: evil2@evil.example Е.В."
    assert message["Reply-To"].addresses[0].display_name == "Жарких Е.В."
    event = event_of(calendar_part(message)[1])
    assert event["ORGANIZER"].params["CN"] == "Жарких Е.В."
    assert event["ATTENDEE"].params["CN"] == "Кускова Bcc: evil2@evil.example Е.В."


def test_failed_invitations_are_said_and_sent_again_from_the_page(world, mailbox, secretary, app, monkeypatch):
    """A send that failed (the mail server down) is not «получили последние сведения»: the
    section names who did not get it, and its button sends them again once the server is back."""
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    press(secretary, world.id)
    db.session.commit()
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "получили последние сведения" not in section
    assert "Не удалось отправить писем: 2 (Беляев Е.В., Кускова Е.В.)" in section
    assert "Отправить повторно (2)</button>" in section and "disabled" not in section.split("</button>")[0]
    monkeypatch.setitem(app.config, "MAIL_PORT", port)  # the server is back
    response = press(secretary, world.id)
    assert "Писем к отправке: 2." in notice(response)
    # The section answered follows the sending (it stayed on «Не удалось отправить» until reloaded).
    answered = response.get_data(as_text=True)
    assert "Отправка: 0 из 2…" in answered and "every 2s" in answered and "Не удалось отправить" not in answered
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox.messages) == [
        "belyaev@cluster.test",
        "kuskova@cluster.test",
    ]
    db.session.commit()
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "Все участники с e-mail получили последние сведения о заседании." in section
    assert "Не удалось отправить" not in section and "не удалось отправить" not in section
    assert "Разослать приглашения</button>" in section  # nothing left to send: the button is off


def test_a_message_given_up_is_sent_again_when_the_secretary_asks(world, mailbox, secretary, app, monkeypatch):
    press(secretary, world.id)
    row = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.recipient == "kuskova@cluster.test")).one()
    row.status, row.attempts, row.error = "failed", app.config["MAIL_MAX_ATTEMPTS"], "452 Mailbox full"
    db.session.commit()
    mailbox.messages.clear()
    press(secretary, world.id)
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == ["kuskova@cluster.test"]
    db.session.refresh(row)
    assert row.status == "sent"


def test_the_agenda_sets_the_links_to_the_materials_flush_left(world, app):
    """Justified, a line «Материал: Проект плана работы на 2027 год — http://…/file» too long
    for one line spread its words across the page («Материал:   Проект   плана   работы»)."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from cluster_intranet.invitations.agenda import agenda_docx

    materials.add_material(world, title="Проект плана работы на 2027 год", agenda_item_id=world.agenda_items[0].id,
                           filename="План.pdf", data=b"%PDF-1.4\n%%EOF\n", user=None,
                           max_size=app.config["MATERIALS_MAX_SIZE"], directory=None)  # fmt: skip
    db.session.commit()
    link = lambda m: f"http://intranet.test/materials/{m.id}/file"  # noqa: E731
    document = docx.Document(io.BytesIO(agenda_docx(world, materials.meeting_materials(world.id), link)))
    [line] = [p for p in document.paragraphs if p.text.startswith("Материал: Проект плана")]
    assert line.alignment == WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize(
    ("first_name", "patronymic", "greeting"),
    [("Евгений", "Викторович", "Евгений Викторович"), ("Е.", "В.", "Е.В. Беляев"), ("Е", "", "Е. Беляев"),
     ("", "", "Беляев")],
)  # fmt: skip
def test_the_greeting_of_someone_known_by_initials_names_them(world, mailbox, secretary, first_name, patronymic,
                                                               greeting):  # fmt: skip
    """The directory knows many people by their initials only (as protocols write them):
    «Здравствуйте, Е. В.!» greeted nobody."""
    belyaev = next(a.person for a in world.attendances if a.person and a.person.surname == "Беляев")
    belyaev.first_name, belyaev.patronymic = first_name, patronymic
    db.session.commit()
    press(secretary, world.id)
    message = by_recipient(mailbox)["belyaev@cluster.test"][0]
    assert message.get_body(("plain",)).get_content().startswith(f"Здравствуйте, {greeting}!\n")


def test_the_meetings_form_warns_that_a_change_goes_out_to_those_invited(world, mailbox, secretary):
    """Once invited, a changed time is mailed the moment the form is saved: the form says so
    before (a typo corrected in the time sent everyone an update without a word)."""
    assert 'id="invited-note"' not in secretary.get(f"/meetings/{world.id}/edit").get_data(as_text=True)
    press(secretary, world.id)
    page = secretary.get(f"/meetings/{world.id}/edit").get_data(as_text=True)
    assert "Приглашения уже разосланы: новые дата, время, место," in page


def test_a_message_the_server_rejects_does_not_stop_the_others(world, mailbox, secretary):
    """The server answers, and refuses one message after reading it (554 at its DATA): the
    others of the run are sent all the same, and the refusal is written on that one only (it
    stopped the run as if the server were down, and wrote its error on everyone after it)."""
    mailbox.reject_data.add("belyaev@cluster.test")  # the first of the run
    press(secretary, world.id)
    assert [m["To"].addresses[0].addr_spec for m in mailbox.messages] == ["kuskova@cluster.test"]
    rows = {r.recipient: r for r in db.session.scalars(select(OutgoingMessage))}
    assert rows["kuskova@cluster.test"].status == "sent" and rows["kuskova@cluster.test"].error == ""
    assert rows["belyaev@cluster.test"].status == "failed" and "Message rejected" in rows["belyaev@cluster.test"].error


def test_those_due_are_listed_in_the_pages_order(world, secretary):
    """The attendance list shows those present in person, online, then the invited: «К
    отправке» (and the letters) follow it, not the modes' alphabet (invited before online)."""
    belyaev, kuskova = (a for a in world.attendances if a.person and a.person.email)
    belyaev.mode, kuskova.mode = "invited", "online"
    db.session.commit()
    section = secretary.hx("get", f"/invitations/meetings/{world.id}").get_data(as_text=True)
    assert "К отправке:\n      Кускова Е.В. — приглашение, Беляев Е.В. — приглашение." in section
