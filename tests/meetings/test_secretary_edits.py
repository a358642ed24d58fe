"""The secretary's path through a protocol: edits of a decision's responsible people,
refusals of bad or repeated input, stale saves of the protocol's parts (issue 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime
import json
import re
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from cluster_intranet.auth.roles import Role
from cluster_intranet.councils.models import Council, CouncilMember
from cluster_intranet.decisions.models import Decision
from cluster_intranet.directory.models import Organization, Person
from cluster_intranet.extensions import db
from cluster_intranet.meetings.models import AgendaItem, Attendance, Meeting
from tests import factories
from tests.messages import said


def _decision(secretary, meeting, responsible_ids, text="Подготовить план работы"):
    response = secretary.hx(
        "post",
        f"/meetings/{meeting.id}/decisions",
        data={"text": text, "agenda_item_id": "", "responsible_ids": responsible_ids},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return db.session.scalar(select(Decision).where(Decision.meeting_id == meeting.id, Decision.text == text))


@pytest.mark.parametrize(
    "change",
    [
        lambda a, b, c: [a, c],
        lambda a, b, c: [a, b, c, 0],  # 0: the new person
        lambda a, b, c: [c, a, b],  # another leads
        lambda a, b, c: [b, 0],
        lambda a, b, c: [],
    ],
    ids=["removed", "added", "reordered", "removed-kept-added", "emptied"],
)
def test_responsible_people_are_edited_in_place(app, secretary, draft, ctx, change):
    people = [factories.person() for _ in range(4)]
    db.session.commit()
    a, b, c, new = (p.id for p in people)
    decision = _decision(secretary, draft, [a, b, c])
    wanted = [pid or new for pid in change(a, b, c)]
    response = secretary.hx(
        "post",
        f"/meetings/decisions/{decision.id}",
        data={"text": decision.text, "agenda_item_id": "", "responsible_ids": wanted, "version": decision.version},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    assert [r.person_id for r in db.session.get(Decision, decision.id).responsibles] == wanted
    page = secretary.get(f"/meetings/{draft.id}").get_data(as_text=True)  # the whole page shows them too
    names = [p.short_name for p in people if p.id in wanted]
    assert all(name in page for name in names)


def test_a_speaker_not_in_the_directory_is_refused(app, secretary, draft, ctx):
    before = db.session.scalar(select(func.count()).select_from(AgendaItem))
    for send in (secretary.hx, lambda method, url, **kw: secretary.open(url, method=method.upper(), **kw)):
        response = send("post", f"/meetings/{draft.id}/agenda", data={"text": "Новый вопрос", "speaker_id": 999999})
        if response.status_code == 303:  # without JavaScript: back to the page, the message flashed
            response = secretary.get(response.headers["Location"])
            assert "Такого сотрудника нет в справочнике" in response.get_data(as_text=True)
        else:
            assert response.status_code == 422
            assert "Такого сотрудника нет в справочнике" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == before


def test_another_speaker_picked_replaces_the_previous_ones_name(app, secretary, draft, ctx):
    poyarkova, sokolov = (
        factories.person(surname="Пояркова", first_name="Ольга", patronymic="Николаевна"),
        factories.person(surname="Соколов", first_name="Андрей", patronymic="Викторович"),
    )
    db.session.commit()
    assert (
        secretary.hx(
            "post", f"/meetings/{draft.id}/agenda", data={"text": "О чек-листе", "speaker_id": poyarkova.id}
        ).status_code
        == 200
    )
    item = db.session.scalar(
        select(AgendaItem).where(AgendaItem.meeting_id == draft.id, AgendaItem.text == "О чек-листе")
    )
    assert item.speaker_name == "Пояркова О.Н."

    def edit(**data):
        response = secretary.hx("post", f"/meetings/agenda/{item.id}", data={"text": "О чек-листе", **data})
        assert response.status_code == 200, response.get_data(as_text=True)
        db.session.expire_all()
        return db.session.get(AgendaItem, item.id).speaker_name

    # The form still holds the old name: the new pick's name replaces it.
    assert edit(speaker_id=sokolov.id, speaker_name="Пояркова О.Н.") == "Соколов А.В."
    # A name the secretary wrote herself stays as written.
    assert edit(speaker_id=poyarkova.id, speaker_name="Пояркова О.Н., проректор") == "Пояркова О.Н., проректор"


# Organisations in the genitive ---------------------------------------------------------------

DEPARTMENT = "Департамент промышленности и энергетики Администрации Томской области"


def test_an_organisation_gets_its_genitive_proposed_and_editable(app, secretary, ctx):
    response = secretary.post("/directory/organizations/new", data={"short_name": DEPARTMENT, "kind": "authority"})
    assert response.status_code == 303, response.get_data(as_text=True)
    org = db.session.scalar(select(Organization).where(Organization.short_name == DEPARTMENT))
    assert org.name_genitive == "Департамента промышленности и энергетики Администрации Томской области"
    form = secretary.get(f"/directory/organizations/{org.id}/edit").get_data(as_text=True)
    assert 'value="Департамента промышленности' in form  # on the form, to be corrected
    corrected = secretary.post(
        f"/directory/organizations/{org.id}/edit",
        data={
            "short_name": DEPARTMENT,
            "name_genitive": "Департамента промышленности",
            "kind": "authority",
            "version": org.version,
        },
    )
    assert corrected.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name_genitive == "Департамента промышленности"


def test_an_attendee_from_the_directory_is_written_with_the_genitive(app, secretary, draft, ctx):
    org = db.session.scalar(select(Organization).where(Organization.short_name == DEPARTMENT))  # the demo's
    person = factories.person(
        surname="Королева", first_name="Ольга", patronymic="Михайловна", position="консультант", organization_id=org.id
    )
    db.session.commit()
    response = secretary.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": person.id, "mode": "invited"})
    assert response.status_code == 200
    wanted = "консультант Департамента промышленности и энергетики Администрации Томской области"
    assert wanted in " ".join(response.get_data(as_text=True).split())
    assert wanted in " ".join(secretary.get(f"/meetings/{draft.id}").get_data(as_text=True).split())


# «+ Новый сотрудник» -------------------------------------------------------------------------

NEW_PERSON = {
    "surname": "Мельникова-Гросс",
    "first_name": "Юлия",
    "patronymic": "Андреевна",
    "organization_id": "",
    "new_organization": "ОГБУ «Региональный центр развития профессионального образования»",
    "new_organization_full": "Областное государственное бюджетное учреждение «Региональный центр развития "
    "профессионального образования»",
    "new_organization_kind": "authority",
    "position": "методист",
}


def test_the_new_person_form_as_fragment_and_page(app, secretary, viewer, ctx):
    fragment = secretary.hx("get", "/directory/people/new-in-place?surname=Мельникова")
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body and 'value="Мельникова"' in body
    page = secretary.get("/directory/people/new-in-place").get_data(as_text=True)
    assert "<html" in page and "Новый сотрудник" in page
    assert viewer.hx("get", "/directory/people/new-in-place").status_code == 403


def test_a_new_person_with_a_new_organisation_is_created_in_place(app, secretary, ctx):
    response = secretary.hx("post", "/directory/people/new-in-place", data=NEW_PERSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    person = db.session.scalar(select(Person).where(Person.surname == "Мельникова-Гросс"))
    assert person.short_name == "Мельникова-Гросс Ю.А." and person.position == "методист"
    assert person.organization.short_name == NEW_PERSON["new_organization"]
    assert person.organization.name_genitive == NEW_PERSON["new_organization"]  # quoted: as it is
    created = json.loads(response.headers["HX-Trigger"])["personCreated"]
    assert created == {"id": person.id, "label": "Мельникова-Гросс Ю.А."}
    # Without JavaScript: the directory, the person found there.
    org_id = person.organization_id
    plain = secretary.post(
        "/directory/people/new-in-place",
        data={"surname": "Королева", "first_name": "О.М.", "organization_id": org_id, "position": "консультант"},
    )
    assert plain.status_code == 303
    second = db.session.scalar(select(Person).where(Person.surname == "Королева"))
    assert (second.first_name, second.patronymic, second.organization_id) == ("О.", "М.", org_id)  # initials split


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"surname": ""}, "surname", "Заполните это поле."),
        ({"organization_id": "ORG"}, "new_organization", "не обе сразу"),
        ({"new_organization": "EXISTING"}, "new_organization", "уже есть"),
    ],
)
def test_a_refused_new_person_saves_nothing(app, secretary, ctx, changes, field, message):
    existing = factories.organization()
    db.session.commit()
    values = {"ORG": str(existing.id), "EXISTING": existing.short_name}
    data = {**NEW_PERSON, **{k: values.get(v, v) for k, v in changes.items()}}
    response = secretary.hx("post", "/directory/people/new-in-place", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body and f'id="new-person-{field}"' in body
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 1


# The meeting page's forms ----------------------------------------------------------------------

IDS = re.compile(r'\sid="([^"]+)"')


def _decision_form(draft: Meeting, text: str, **fields) -> tuple[Person, dict]:
    """A new person, and the form of a decision of the draft's first agenda item that they carry out."""
    person = factories.person()
    db.session.commit()
    item = str(draft.agenda_items[0].id)
    return person, {"text": text, "agenda_item_id": item, "responsible_ids": [person.id], **fields}


def test_add_decision_form_is_empty_after_a_successful_add(app, secretary, draft, ctx):
    person, data = _decision_form(
        draft, "Подготовить план работы на 2027 год", deadline="2027-03-01", votes_for="7", votes_against="1"
    )
    response = secretary.hx("post", f"/meetings/{draft.id}/decisions", data=data)
    assert response.status_code == 200
    form = response.get_data(as_text=True).split('action="/meetings/%d/decisions"' % draft.id)[1]
    assert "Подготовить план" not in form and person.short_name not in form
    assert "2027-03-01" not in form and 'value="7"' not in form
    # The agenda item is offered again: the next decision is likely of the same.
    assert form.count("selected") == 1 and f'selected value="{data["agenda_item_id"]}"' in form


def test_a_new_agenda_item_comes_with_the_decision_forms_choices(app, secretary, draft, ctx):
    number = len(draft.agenda_items) + 1
    response = secretary.hx("post", f"/meetings/{draft.id}/agenda", data={"text": "О новом вопросе повестки"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    choices = re.search(r'<template id="agenda-choices">(.*?)</template>', body, re.S).group(1)
    assert f"{number}. О новом вопросе повестки" in choices
    page = secretary.get(f"/meetings/{draft.id}").get_data(as_text=True)
    assert "data-agenda-choices" in page and "О новом вопросе повестки</option>" in page


def test_no_two_elements_of_the_meeting_page_share_an_id(app, secretary, draft, ctx):
    """The page with every form open: its add forms, a row of each section edited in place,
    the new person's dialog."""
    person = factories.person()
    db.session.commit()
    secretary.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": person.id, "mode": "in_person"})
    secretary.hx(
        "post",
        f"/meetings/{draft.id}/decisions",
        data={"text": "Решение", "agenda_item_id": "", "responsible_ids": [person.id]},
    )
    db.session.expire_all()
    draft = db.session.get(type(draft), draft.id)
    parts = [
        secretary.get(f"/meetings/{draft.id}").get_data(as_text=True),
        secretary.hx("get", f"/meetings/attendees/{draft.attendances[0].id}").get_data(as_text=True),
        secretary.hx("get", f"/meetings/agenda/{draft.agenda_items[0].id}").get_data(as_text=True),
        secretary.hx("get", f"/meetings/decisions/{draft.decisions[0].id}").get_data(as_text=True),
        secretary.hx("get", "/directory/people/new-in-place").get_data(as_text=True),
    ]
    ids = [i for part in parts for i in IDS.findall(part)]
    # A row edited in place replaces its display row: that one id is meant to come twice.
    replaced = {
        f"attendee-{draft.attendances[0].id}",
        f"agenda-item-{draft.agenda_items[0].id}",
        f"decision-row-{draft.decisions[0].id}",
    }
    repeated = {i for i in ids if ids.count(i) > (2 if i in replaced else 1)}
    assert not repeated
    for label_for in re.findall(r'<label[^>]*for="([^"]+)"', "".join(parts)):
        assert label_for in ids, label_for  # every label focuses a field of its own


# Stale saves of the protocol's parts and of councils --------------------------------------------


def _version_of(html: str) -> str:
    return (
        re.search(
            r'name="version" type="hidden" value="(\d+)"|type="hidden" value="(\d+)" name="version"|'
            r'name="version" value="(\d+)"',
            html,
        )
        .group(0)
        .split('value="')[1]
        .rstrip('"')
    )


@pytest.mark.parametrize("part", ["agenda", "attendee"])
def test_a_stale_save_of_an_agenda_item_or_attendee_is_refused(app, login_as, draft, ctx, part):
    first = login_as(Role.SECRETARY, "first@cluster.local")
    second = login_as(Role.SECRETARY, "second@cluster.local")
    person = factories.person()
    db.session.commit()
    first.hx("post", f"/meetings/{draft.id}/attendees", data={"person_id": person.id, "mode": "in_person"})
    db.session.expire_all()
    if part == "agenda":
        row = db.session.get(AgendaItem, draft.agenda_items[0].id)
        url, data = f"/meetings/agenda/{row.id}", {"speaker_name": "", "speaker_summary": "", "discussion": ""}
        field, theirs, mine = "text", "Правка второго", "Правка первого"
    else:
        row = db.session.scalar(select(Attendance).where(Attendance.person_id == person.id))
        url, data = f"/meetings/attendees/{row.id}", {"name": row.name, "organization": "", "mode": "in_person"}
        field, theirs, mine = "job_title", "главный инженер", "ведущий инженер"
    version = _version_of(first.hx("get", url).get_data(as_text=True))  # the first opens the form
    assert second.hx("post", url, data={**data, field: theirs, "version": version}).status_code == 200
    refused = first.hx("post", url, data={**data, field: mine, "version": version})
    assert refused.status_code == 409
    assert "Запись уже изменил" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert getattr(db.session.get(type(row), row.id), field) == theirs
    # Without JavaScript: back to the page, the refusal shown there.
    plain = first.post(url, data={**data, field: mine, "version": version}, follow_redirects=True)
    assert "Запись уже изменил" in plain.get_data(as_text=True)


def test_a_stale_save_of_a_council_is_refused(app, login_as, ctx):
    council = factories.council(members=2)
    db.session.commit()
    first = login_as(Role.SECRETARY, "first@cluster.local")
    second = login_as(Role.SECRETARY, "second@cluster.local")
    url = f"/councils/{council.id}/edit"
    version = _version_of(first.get(url).get_data(as_text=True))
    data = {
        "name": council.name,
        "name_genitive": council.name_genitive,
        "short_genitive": "совета",
        "quorum_percent": "50",
        "protocol_form": "short",
        "version": version,
    }
    assert second.post(url, data={**data, "quorum_percent": "60"}).status_code == 303
    refused = first.post(url, data={**data, "quorum_percent": "70"})
    assert refused.status_code == 422 and "Запись уже изменил" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Council, council.id).quorum_percent == 60

    member = council.members[0]
    page = first.get(f"/councils/?edit={council.id}").get_data(as_text=True)  # the roles are edited on request
    member_version = re.search(
        rf'/councils/members/{member.id}/role".*?name="version" value="(\d+)"', page, re.S
    ).group(1)
    assert (
        second.hx(
            "post", f"/councils/members/{member.id}/role", data={"role": "deputy", "version": member_version}
        ).status_code
        == 200
    )
    stale = first.hx("post", f"/councils/members/{member.id}/role", data={"role": "chair", "version": member_version})
    assert stale.status_code == 422 and "Запись уже изменил" in said(stale)["text"]
    db.session.expire_all()
    assert db.session.get(CouncilMember, member.id).role == "deputy"


# Forms sent twice ------------------------------------------------------------------------------------


def test_a_decision_or_agenda_item_sent_twice_is_created_once(app, secretary, draft, ctx):
    _, decision = _decision_form(draft, "Провести экспертную сессию")
    item = {"text": "О порядке проведения экспертных сессий"}
    for url, data, what in (
        (f"/meetings/{draft.id}/decisions", decision, Decision),
        (f"/meetings/{draft.id}/agenda", item, AgendaItem),
    ):
        assert secretary.hx("post", url, data=data).status_code == 200
        twice = secretary.hx("post", url, data=data)
        assert twice.status_code == 409 and "Возможно, форма была отправлена дважды" in twice.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(what).where(what.text == data["text"])) == 1
        plain = secretary.post(url, data=data, follow_redirects=True)  # without JavaScript: the page says so
        assert "Возможно, форма была отправлена дважды" in plain.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(what).where(what.text == data["text"])) == 1
    # The same text under another agenda item is another decision.
    other = secretary.hx(
        "post", f"/meetings/{draft.id}/decisions", data={**decision, "agenda_item_id": str(draft.agenda_items[1].id)}
    )
    assert other.status_code == 200


def test_decisions_sent_at_once_are_created_once(app, login_as, draft, ctx):
    """Two requests of a double click, on two threads: the meeting's lock makes them take
    turns, and the second finds the first's decision."""
    clients = [login_as(Role.SECRETARY, f"s{n}@cluster.local") for n in range(2)]
    start = threading.Barrier(2)
    statuses = []

    def send(client):
        with app.app_context():
            client.csrf_token()  # fetched before the start: only the two posts race
            start.wait()
            statuses.append(
                client.hx(
                    "post", f"/meetings/{draft.id}/decisions", data={"text": "Одно решение", "agenda_item_id": ""}
                ).status_code
            )

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert db.session.scalar(select(func.count()).select_from(Decision).where(Decision.text == "Одно решение")) == 1


def test_create_next_meeting_sent_twice_is_created_once(app, secretary, demo, ctx):
    assert secretary.post(f"/meetings/{demo.id}/copy", data={"date": "2021-12-10"}).status_code == 303
    twice = secretary.post(f"/meetings/{demo.id}/copy", data={"date": "2021-12-10"})
    assert twice.status_code == 409
    body = twice.get_data(as_text=True)
    new = db.session.scalar(select(Meeting).where(Meeting.date == date(2021, 12, 10)))
    assert (
        "Заседание этого совета на 10.12.2021 уже есть: Протокол № 3" in body and f'href="/meetings/{new.id}"' in body
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Meeting)
            .where(Meeting.council_id == demo.council_id, Meeting.date == date(2021, 12, 10))
        )
        == 1
    )


def test_an_organisation_created_at_once_by_another_request_answers_409(app, secretary, ctx):
    """The other request of a double click commits its row between this one's check and its
    INSERT: the unique index refuses it, and the answer is a 409 in Russian, not a 500."""
    name = "ОГБПОУ «Томский техникум информационных технологий»"
    with db.engine.connect() as probe:
        inserted = []

        def other_request_first(conn, cursor, statement, *args):
            if statement.startswith("INSERT INTO organizations") and not inserted and conn is not probe:
                inserted.append(True)
                probe.execute(
                    Organization.__table__.insert().values(
                        short_name=name,
                        full_name="",
                        kind="college",
                        website="",
                        city="",
                        name_genitive=name,
                        search_text="",
                        version=1,
                        created_at=datetime.now(UTC),
                        updated_at=datetime.now(UTC),
                    )
                )
                probe.commit()

        sa.event.listen(db.engine, "before_cursor_execute", other_request_first)
        try:
            response = secretary.post("/directory/organizations/new", data={"short_name": name, "kind": "college"})
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", other_request_first)
    assert inserted and response.status_code == 409
    assert "отправлена дважды" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organization).where(Organization.short_name == name)) == 1
    fragment = secretary.hx("post", "/directory/organizations/new", data={"short_name": name, "kind": "college"})
    assert fragment.status_code == 409 and "уже есть" in fragment.get_data(as_text=True)


# «ё» sorts as «е» ----------------------------------------------------------------------------------

YO_ORDER = ["Абрамов", "Беляев", "Егоров", "Ёлкин", "Ершов", "Жуков"]


def test_names_with_yo_sort_as_e_everywhere(app, secretary, ctx):
    for surname in ("Жуков", "Ёлкин", "Беляев", "Ершов", "Абрамов", "Егоров"):
        factories.person(surname=surname, first_name="Пётр", patronymic="Ильич")
    db.session.commit()

    def order(html: str) -> list[str]:
        return sorted((s for s in YO_ORDER if s in html), key=html.index)

    assert order(secretary.get("/directory/people").get_data(as_text=True)) == YO_ORDER  # the directory
    assert order(secretary.hx("get", "/directory/people").get_data(as_text=True)) == YO_ORDER  # its fragment
    assert order(secretary.get("/directory/people/suggest?q=петр").get_data(as_text=True)) == YO_ORDER  # a picker
    assert order(secretary.get("/meetings/new").get_data(as_text=True)) == YO_ORDER  # chair and secretary
    # A surname typed with «е» or «ё» begins the same names (then come names that contain it: Беляев).
    assert order(secretary.get("/directory/people/suggest?q=Ел").get_data(as_text=True)) == ["Ёлкин", "Беляев"]
    assert order(secretary.get("/directory/people/suggest?q=ёл").get_data(as_text=True)) == ["Ёлкин", "Беляев"]


def test_the_pickers_and_forms_add_no_query_to_the_meeting_page(app, secretary, draft, ctx, count_queries):
    """The page a secretary lives on: the user, the meeting and its parts (queries.load_meeting);
    the pickers of its add forms, empty, and the new person's dialog ask nothing more."""
    with count_queries() as counter:
        page = secretary.get(f"/meetings/{draft.id}")
    assert page.status_code == 200 and "data-person-picker" in page.get_data(as_text=True)
    assert counter.count == 6, counter.statements


def test_removing_an_agenda_item_with_decisions_warns_they_stay_without_it(app, secretary, draft, ctx):
    """The decisions of a removed item are kept, tied to no item (numbered after the items):
    the confirmation says so before, not only the renumbered list after."""
    item = draft.agenda_items[0]
    secretary.hx(
        "post", f"/meetings/{draft.id}/decisions", data={"text": "Решение по вопросу", "agenda_item_id": item.id}
    )
    page = secretary.get(f"/meetings/{draft.id}").get_data(as_text=True)
    row = page.split(f'id="agenda-item-{item.id}"')[1].split("</li>")[0]
    assert "Удалить вопрос повестки? Его решения (1) останутся в протоколе без привязки к вопросу." in row
