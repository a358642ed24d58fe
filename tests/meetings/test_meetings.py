"""Meetings: numbering, the snapshot, quorum, reordering, locking, copy-as-next, HTMX."""

from datetime import date

import pytest
from sqlalchemy import func, select

from cluster_intranet.decisions.models import Decision, DecisionStatus
from cluster_intranet.directory.models import Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings import builders as meetings, services
from cluster_intranet.meetings.protocol import protocol_data
from cluster_intranet.meetings.models import Attendance, Meeting, MeetingStatus
from tests import factories


def _meeting_form(council_id, **changes):
    data = {
        "council_id": council_id,
        "number": 1,
        "date": "2026-12-01",
        "start_time": "10:00",
        "end_time": "12:00",
        "city": "г. Томск",
        "place": "пр. Кирова, 41",
        "format": "in_person",
        "connection_link": "",
        "status": "planned",
        "chair_id": "",
        "secretary_id": "",
        "protocol_form": "",
    }
    return {**data, **changes}


def test_number_is_proposed_and_duplicates_refused(app, secretary, ctx):
    council = factories.council()
    db.session.commit()
    assert 'value="1"' in secretary.get(f"/meetings/next-number?council_id={council.id}&date=2026-05-01").get_data(
        as_text=True
    )
    assert secretary.post("/meetings/new", data=_meeting_form(council.id)).status_code == 303
    assert 'value="2"' in secretary.get(f"/meetings/next-number?council_id={council.id}&date=2026-05-01").get_data(
        as_text=True
    )
    assert 'value="1"' in secretary.get(f"/meetings/next-number?council_id={council.id}&date=2027-01-10").get_data(
        as_text=True
    )
    duplicate = secretary.post("/meetings/new", data=_meeting_form(council.id, date="2026-03-03"))
    assert duplicate.status_code == 422
    assert "Протокол № 1 за 2026 год у этого совета уже есть. Свободный номер: 2." in duplicate.get_data(as_text=True)
    next_year = secretary.post("/meetings/new", data=_meeting_form(council.id, date="2027-03-03"))
    assert next_year.status_code == 303
    other_council = factories.council()
    db.session.commit()
    assert secretary.post("/meetings/new", data=_meeting_form(other_council.id)).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 3


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"date": "32.13.2021"}, "Неверное значение даты"),
        ({"date": ""}, "Укажите дату заседания."),
        ({"start_time": "25:99"}, "Неверное значение времени"),
        ({"start_time": "12:00", "end_time": "11:00"}, "Окончание должно быть позже начала."),
        ({"place": "м" * 501}, "Не длиннее 500 символов."),
        ({"number": "abc"}, "Неверное целое число"),
    ],
)
def test_bad_meeting_input(app, secretary, ctx, changes, message):
    council = factories.council()
    db.session.commit()
    response = secretary.post("/meetings/new", data=_meeting_form(council.id, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0


def test_attendee_is_a_snapshot_of_the_directory(app, secretary, draft, ctx):
    person = factories.person(surname="Новиков", first_name="Пётр", patronymic="Ильич", position="инженер")
    db.session.commit()
    response = secretary.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": person.id, "mode": "online"})
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#attendees"
    assert "Новиков П.И." in response.get_data(as_text=True)
    # Its × asks in Russian: «Убрать Новикова П.И.», not «Убрать Новиков П.И.».
    assert "Убрать Новикова П.И. из списка участников?" in response.get_data(as_text=True)
    person.position = "главный инженер"
    db.session.commit()
    attendance = db.session.scalar(select(Attendance).where(Attendance.person_id == person.id))
    assert attendance.job_title == "инженер"
    again = secretary.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": person.id, "mode": "in_person"})
    assert again.status_code == 422 and "уже в списке участников" in again.get_data(as_text=True)
    missing = secretary.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": 999999, "mode": "in_person"})
    assert missing.status_code == 422 and "нет в справочнике" in missing.get_data(as_text=True)


def test_removing_an_attendee_after_the_vote_warns_of_more_votes_than_present(app, secretary, ctx):
    """Six present voted «за» – 6 on item 1; the secretary then removes one of them: the
    protocol would read «Присутствовали: 5 чел.» over «за» – 6. The removal is done and says so
    as a warning; a removal that leaves the votes possible says nothing of them."""
    from tests.messages import said

    people = [factories.person() for _ in range(7)]
    meeting = meetings.meeting(
        agenda=["О структуре экспертного чек-листа"], attendees=[(p, "in_person") for p in people[:6]]
    )
    meeting.agenda_items[0].votes_for = 6
    invited = Attendance(person=people[6], name=people[6].short_name, mode="invited", position=1)
    meeting.attendances.append(invited)
    db.session.commit()

    calm = secretary.hx("post", f"/meetings/attendees/{invited.id}/delete")
    assert said(calm) == {"text": "Список участников изменён.", "category": "success", "focus": None}
    response = secretary.hx("post", f"/meetings/attendees/{meeting.attendances[0].id}/delete")
    assert response.status_code == 200
    assert said(response)["category"] == "warning"
    assert said(response)["text"] == (
        "Список участников изменён. Голосов по вопросу 1 — 6, а присутствуют теперь 5: проверьте голосование."
    )
    assert len(db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()) == 5


def test_the_add_form_keeps_the_group_just_added_to(app, secretary, draft, ctx):
    """A protocol lists its people group by group: after «Приглашённые» the next one is
    usually invited too — the add form keeps that choice (it fell back to «Очно», and the
    second guest went among those present); the page opened anew starts with «Очно»."""
    import re

    guests = [factories.person(), factories.person()]
    db.session.commit()

    def chosen_mode(body: str) -> str:
        select = re.search(r'<select[^>]*id="attendee-mode".*?</select>', body, re.S).group(0)
        found = re.search(r'<option selected value="(\w+)"', select)
        return found.group(1) if found else "in_person"

    response = secretary.hx(
        "post", f"/meetings/{draft.id}/attendees", data={"person_id": guests[0].id, "mode": "invited"}
    )
    assert response.status_code == 200 and chosen_mode(response.get_data(as_text=True)) == "invited"
    assert chosen_mode(secretary.get(f"/meetings/{draft.id}").get_data(as_text=True)) == "in_person"


def test_the_builders_write_an_attendee_as_the_page_adds_one(app, secretary, ctx):
    """The tests', demo's and benchmarks' meetings hold attendees as the app writes them:
    position and organisation (in the genitive) copied, not the name alone."""
    person = factories.person(position="консультант", organization=factories.organization(short_name="Департамент"))
    built = meetings.meeting(attendees=[(person, "online")])
    added = meetings.meeting()
    db.session.commit()
    assert (
        secretary.post(f"/meetings/{added.id}/attendees", data={"person_id": person.id, "mode": "online"}).status_code
        == 303
    )

    def written(meeting):
        a = db.session.scalar(select(Attendance).where(Attendance.meeting_id == meeting.id))
        return a.name, a.job_title, a.organization, a.mode

    assert written(built) == written(added) == (person.short_name, "консультант", "Департамента", "online")


def test_snapshot_edits_stay_in_the_protocol(app, secretary, draft, ctx):
    attendance = (
        draft.attendances[0]
        if draft.attendances
        else services.add_attendee(draft, db.session.scalar(select(Person.id)), "in_person")
    )
    db.session.commit()
    person_position = attendance.person.position
    response = secretary.hx(
        "post",
        f"/meetings/attendees/{attendance.id}",
        data={"name": "Беляев Е.В.", "job_title": "и.о. директора", "organization": "ООО «Фонд»", "mode": "in_person"},
    )
    assert response.status_code == 200
    db.session.refresh(attendance)
    assert attendance.job_title == "и.о. директора" and attendance.person.position == person_position


def test_quorum_arithmetic(ctx):
    council = factories.council(members=5)
    assert [council.quorum_needed(n) for n in (1, 2, 3, 4, 5, 10, 11)] == [1, 2, 2, 3, 3, 6, 6]
    meeting = meetings.meeting(council, date(2026, 1, 1), number=1)
    outsider = factories.person()
    for member in council.members[:2]:
        services.add_attendee(meeting, member.person_id, "in_person")
    services.add_attendee(meeting, outsider.id, "in_person")
    services.add_attendee(meeting, council.members[2].person_id, "invited")
    assert services.quorum(meeting, today=date(2026, 1, 1)) == {
        "members": 5,
        "present": 2,
        "needed": 3,
        "reached": False,
        "marked": True,
        "early": False,
    }
    services.add_attendee(meeting, council.members[3].person_id, "online")
    assert services.quorum(meeting)["reached"] is True


def test_decisions_numbering_reorder_and_delete(app, secretary, draft, ctx):
    people = [factories.person(), factories.person()]
    db.session.commit()
    for text in ("Первое", "Второе", "Третье"):
        response = secretary.hx(
            "post",
            f"/meetings/{draft.id}/decisions",
            data={
                "text": text,
                "agenda_item_id": "",
                "deadline": "2027-03-01",
                "votes_for": "5",
                "responsible_ids": [people[1].id, people[0].id],
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)
    decisions = db.session.scalars(
        select(Decision).where(Decision.meeting_id == draft.id).order_by(Decision.number)
    ).all()
    assert [(d.number, d.text) for d in decisions] == [(1, "Первое"), (2, "Второе"), (3, "Третье")]
    assert [r.person_id for r in decisions[0].responsibles] == [people[1].id, people[0].id]  # the first leads
    assert secretary.hx("post", f"/meetings/decisions/{decisions[2].id}/move/up").status_code == 200
    assert secretary.hx("post", f"/meetings/decisions/{decisions[0].id}/delete").status_code == 200
    texts = db.session.scalars(
        select(Decision.text).where(Decision.meeting_id == draft.id).order_by(Decision.number)
    ).all()
    numbers = db.session.scalars(
        select(Decision.number).where(Decision.meeting_id == draft.id).order_by(Decision.number)
    ).all()
    assert texts == ["Третье", "Второе"] and numbers == [1, 2]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "Заполните это поле."),
        ({"responsible_ids": [999999]}, "Ответственный исполнитель не найден"),
        ({"deadline": "01.12.2021"}, "Неверное значение даты"),
        ({"votes_for": "-1"}, "Число от 0 до 10 000."),
        ({"text": "р" * 10001}, "Не длиннее 10000 символов."),
    ],
)
def test_bad_decision_input(app, secretary, draft, ctx, data, message):
    before = db.session.scalar(select(func.count()).select_from(Decision))
    response = secretary.hx(
        "post", f"/meetings/{draft.id}/decisions", data={"text": "Решение", "agenda_item_id": "", **data}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Decision)) == before


def test_agenda_reorder(app, secretary, draft, ctx):
    first, second = draft.agenda_items[0], draft.agenda_items[1]
    assert secretary.hx("post", f"/meetings/agenda/{second.id}/move/up").status_code == 200
    db.session.expire_all()
    assert [i.id for i in db.session.get(Meeting, draft.id).agenda_items] == [second.id, first.id]


def test_approved_protocol_refuses_every_change(app, secretary, demo, ctx):
    assert demo.status == MeetingStatus.APPROVED
    decision, attendance, item = demo.decisions[0], demo.attendances[0], demo.agenda_items[0]
    person = factories.person()
    db.session.commit()
    changes = [
        (f"/meetings/{demo.id}/attendees", {"person_id": person.id, "mode": "in_person"}),
        (
            f"/meetings/attendees/{attendance.id}",
            {"name": "X", "job_title": "", "organization": "", "mode": "in_person"},
        ),
        (f"/meetings/attendees/{attendance.id}/delete", {}),
        (f"/meetings/attendees/{attendance.id}/move/down", {}),
        (f"/meetings/{demo.id}/agenda", {"text": "Новый вопрос"}),
        (f"/meetings/agenda/{item.id}", {"text": "Другой текст"}),
        (f"/meetings/agenda/{item.id}/delete", {}),
        (f"/meetings/agenda/{item.id}/move/down", {}),
        (f"/meetings/{demo.id}/decisions", {"text": "Новое решение", "agenda_item_id": ""}),
        (f"/meetings/decisions/{decision.id}", {"text": "Другое решение", "agenda_item_id": ""}),
        (f"/meetings/decisions/{decision.id}/delete", {}),
        (f"/meetings/decisions/{decision.id}/move/down", {}),
    ]
    snapshot = protocol_data(demo)
    for url, data in changes:
        response = secretary.hx("post", url, data=data)
        assert response.status_code == 409, url
        assert "Протокол утверждён" in response.get_data(as_text=True)
    edit = secretary.post(f"/meetings/{demo.id}/edit", data=_meeting_form(demo.council_id, number=2, date="2021-10-22"))
    assert edit.status_code == 422
    db.session.expire_all()
    assert protocol_data(db.session.get(Meeting, demo.id)) == snapshot


def test_reopen_needs_a_reason_and_keeps_the_version(app, secretary, demo, ctx):
    assert secretary.post(f"/meetings/{demo.id}/reopen", data={"reason": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Meeting, demo.id).is_locked
    assert secretary.post(f"/meetings/{demo.id}/reopen", data={"reason": "Опечатка в должности"}).status_code == 303
    db.session.expire_all()
    meeting = db.session.get(Meeting, demo.id)
    assert not meeting.is_locked and meeting.versions[0].reopen_reason == "Опечатка в должности"
    assert secretary.post(f"/meetings/{demo.id}/approve").status_code == 303
    db.session.expire_all()
    meeting = db.session.get(Meeting, demo.id)
    assert [v.number for v in meeting.versions] == [1, 2] and meeting.is_locked
    page = secretary.get(f"/meetings/{demo.id}/versions/1").get_data(as_text=True)
    assert "Опечатка в должности" in page and "Матвеев Д..М." in page and "01.12.2021" in page


def test_copy_as_next_carries_members_and_open_decisions(app, secretary, demo, ctx):
    demo.agenda_items[0].recurring = True
    for decision, status in zip(demo.decisions, (DecisionStatus.OPEN, DecisionStatus.DONE, DecisionStatus.IN_PROGRESS)):
        decision.status = status.value
    db.session.commit()
    response = secretary.post(f"/meetings/{demo.id}/copy", data={"date": "2021-12-10"})
    assert response.status_code == 303
    new = db.session.scalar(select(Meeting).where(Meeting.date == date(2021, 12, 10)))
    assert new.number == 3 and new.council_id == demo.council_id and new.place == demo.place
    assert new.status == MeetingStatus.PLANNED
    assert new.attendances == []  # a meeting that has not happened: attendance not marked
    assert (new.chair_id, new.secretary_id) == (demo.chair_id, demo.secretary_id)
    texts = [item.text for item in new.agenda_items]
    assert texts[0] == demo.agenda_items[0].text
    assert texts[1].startswith("О ходе исполнения решений (протокол № 2 от 22.10.2021): 1. Поручить")
    assert "3. Разработать медиаплан" in texts[1] and "2. Применять" not in texts[1]


def test_list_filters_search_and_fragment(app, viewer, demo, ctx):
    page = viewer.get("/meetings/")
    assert page.status_code == 200 and "№ 2" in page.get_data(as_text=True)
    fragment = viewer.hx("get", "/meetings/?q=МЕДИАПЛАН")
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and f"meeting-row-{demo.id}" in body
    assert f"meeting-row-{demo.id}" not in viewer.hx("get", "/meetings/?year=2027").get_data(as_text=True)
    assert "Ничего не нашлось" in viewer.hx("get", "/meetings/?q=нет-такого").get_data(as_text=True)


def test_viewer_sees_protocol_without_controls(app, viewer, demo):
    page = viewer.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "Беляев Е.В." in page and "Добавить решение" not in page and "Открыть заново" not in page


def test_deleted_meeting_disappears_and_can_be_restored(app, secretary, draft, ctx):
    assert secretary.post(f"/meetings/{draft.id}/delete").status_code == 303
    assert secretary.get(f"/meetings/{draft.id}").status_code == 404
    services.restore(db.session.get(Meeting, draft.id))
    db.session.commit()
    assert secretary.get(f"/meetings/{draft.id}").status_code == 200


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "ftp://files.example/x"]
)
def test_connection_link_is_http_only(app, secretary, ctx, link):
    council = factories.council()
    db.session.commit()
    refused = secretary.post("/meetings/new", data=_meeting_form(council.id, format="online", connection_link=link))
    assert refused.status_code == 422 and "Ссылка начинается с http:// или https://." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
    # One stored before the form checked it is shown as text, never as a link.
    meeting = meetings.meeting(council, date(2026, 12, 1), number=1, connection_link=link)
    db.session.commit()
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="{link}' not in page


def test_connection_link_typed_without_scheme_gets_https(app, secretary, ctx):
    council = factories.council()
    db.session.commit()
    response = secretary.post("/meetings/new", data=_meeting_form(council.id, connection_link="telemost.yandex.ru/j/1"))
    assert response.status_code == 303
    assert db.session.scalar(select(Meeting.connection_link)) == "https://telemost.yandex.ru/j/1"
