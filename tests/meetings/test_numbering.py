"""Issue 14, part B: one numbering everywhere, following the council's protocol form —
1.1, 1.2, 2.1 … in a council of the full form, 1, 2, 3 in one of the short form."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from cluster_intranet.councils import services as councils
from cluster_intranet.decisions.models import Decision
from cluster_intranet.decisions.numbering import decision_labels
from cluster_intranet.documents import services as documents
from cluster_intranet.extensions import db
from cluster_intranet.meetings import builders as meetings, services
from cluster_intranet.meetings.models import Meeting
from tests import factories
from tests.documents.support import docx_paragraphs
from tests.meetings.support import deadline_events


@pytest.mark.parametrize(
    "form, items, count, labels",
    [
        ("full", [1, 1, 2], 2, ["1.1", "1.2", "2.1"]),
        ("full", [1, None, 2, None], 2, ["1.1", "3.1", "2.1", "3.2"]),  # no item: after the items
        ("full", [None, None], 0, ["1", "2"]),  # no agenda at all
        ("short", [1, 1, 2], 2, ["1", "2", "3"]),
    ],
)
def test_decision_labels(form, items, count, labels):
    assert decision_labels(form, items, count) == labels


def _meeting(form: str) -> Meeting:
    return meetings.meeting(factories.council(protocol_form=form), date(2021, 11, 17), number=1)


def _labels(meeting) -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(Decision.label, Decision.text).where(Decision.meeting_id == meeting.id).order_by(Decision.number)
    )
    return [tuple(row) for row in rows]


def test_full_form_numbers_by_item_whatever_the_order_of_entry(app, secretary, ctx):
    meeting = _meeting("full")
    first = services.save_agenda_item(meeting, None, {"text": "О чек-листе"})
    second = services.save_agenda_item(meeting, None, {"text": "О сессиях"})
    db.session.commit()
    for text, item in (("Проводить", second), ("Одобрить", first), ("Итог", None), ("Подготовить", first)):
        response = secretary.hx(
            "post", f"/meetings/{meeting.id}/decisions", data={"text": text, "agenda_item_id": item.id if item else ""}
        )
        assert response.status_code == 200
    assert _labels(meeting) == [("1.1", "Одобрить"), ("1.2", "Подготовить"), ("2.1", "Проводить"), ("3.1", "Итог")]
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert page.index("1.1.</span>") < page.index("1.2.</span>") < page.index("2.1.</span>") < page.index("3.1.</span>")

    # a decision moves within its item, not into another's
    one_two = db.session.scalar(select(Decision).where(Decision.text == "Подготовить"))
    refused = secretary.hx("post", f"/meetings/decisions/{one_two.id}/move/down")
    assert refused.status_code == 409  # said, not answered as «Решения изменены.»
    assert "Решение уже последнее в своём вопросе повестки" in refused.get_data(as_text=True)
    assert _labels(meeting)[1:3] == [("1.2", "Подготовить"), ("2.1", "Проводить")]
    assert secretary.hx("post", f"/meetings/decisions/{one_two.id}/move/up").status_code == 200
    assert _labels(meeting)[:2] == [("1.1", "Подготовить"), ("1.2", "Одобрить")]
    first = secretary.hx("post", f"/meetings/decisions/{one_two.id}/move/up")
    assert first.status_code == 409 and "Строка уже первая: выше некуда." in first.get_data(as_text=True)
    top = secretary.hx("post", f"/meetings/agenda/{meeting.agenda_items[0].id}/move/up")
    assert top.status_code == 409 and "Строка уже первая: выше некуда." in top.get_data(as_text=True)
    assert _labels(meeting)[:2] == [("1.1", "Подготовить"), ("1.2", "Одобрить")]
    # the agenda reordered: the numbers follow
    assert secretary.hx("post", f"/meetings/agenda/{second.id}/move/up").status_code == 200
    assert _labels(meeting) == [("1.1", "Проводить"), ("2.1", "Подготовить"), ("2.2", "Одобрить"), ("3.1", "Итог")]
    # one more item: the loose decision comes after it
    services.save_agenda_item(meeting, None, {"text": "Разное"})
    db.session.commit()
    assert _labels(meeting)[-1] == ("4.1", "Итог")


def test_short_form_numbers_in_order_and_a_changed_form_renumbers(app, secretary, ctx):
    meeting = _meeting("short")
    item = services.save_agenda_item(meeting, None, {"text": "Вопрос"})
    for text in ("Первое", "Второе"):
        services.save_decision(meeting, None, {"text": text, "agenda_item_id": item.id}, [])
    db.session.commit()
    assert _labels(meeting) == [("1", "Первое"), ("2", "Второе")]
    council = meeting.council
    councils.save_council(council, {"name": council.name, "protocol_form": "full"})
    db.session.commit()
    assert _labels(meeting) == [("1.1", "Первое"), ("1.2", "Второе")]


def test_every_place_prints_the_protocols_number(app, secretary, ctx):
    """The documents, the control pages, the report, the calendar, the e-mails: «1.2»."""
    from cluster_intranet.decisions import reminders

    meeting = _meeting("full")
    item = services.save_agenda_item(meeting, None, {"text": "О чек-листе"})
    lead = factories.person(surname="Иванова", email="ivanova@example.test")
    services.save_decision(meeting, None, {"text": "Одобрить структуру.", "agenda_item_id": item.id}, [])
    second = services.save_decision(
        meeting,
        None,
        {"text": "Подготовить рекомендации.", "agenda_item_id": item.id, "deadline": date(2021, 12, 1)},
        [lead.id],
    )
    db.session.commit()
    for form in ("full", "short"):
        lines = docx_paragraphs(documents.protocol_document(meeting, form=form).content)
        assert "1.2. Подготовить рекомендации." in lines
    report = docx_paragraphs(
        documents.decisions_report_document(meeting.council, date(2021, 1, 1), date(2021, 12, 31), [second]).content
    )
    assert any(line.endswith("п.\u00a01.2") for line in report)  # a no-break space: never «п.» alone
    control = secretary.get("/decisions/?status=all").get_data(as_text=True)
    assert '<td class="text-end" data-label="Решение №">1.2</td>' in control
    assert secretary.get(f"/decisions/{second.id}").get_data(as_text=True).count("Решение № 1.2") >= 1
    message = reminders.build_message(
        reminders.Digest(lead, [second], []), date(2021, 12, 5), 7, lambda *a: "http://x/"
    )
    assert "решение № 1.2." in message.get_body().get_content()
    [event] = deadline_events(Decision.id == second.id)
    assert "Решение № 1.2 заседания" in event.description


def test_next_meeting_carries_the_open_decisions_without_doubled_punctuation(app, secretary, demo, ctx):
    response = secretary.post(f"/meetings/{demo.id}/copy", data={"date": "2021-12-10"})
    assert response.status_code == 303
    new = db.session.scalar(select(Meeting).where(Meeting.date == date(2021, 12, 10)))
    carried = new.agenda_items[-1].text
    assert ".;" not in carried and ";;" not in carried and not carried.endswith("..")
    assert "участников кластера; 3. Разработать медиаплан" in carried  # was «кластера.; 3.»
    assert carried.endswith("о деятельности кластера.")


def test_quorum_counts_the_secretary_and_a_planned_meeting_is_not_alarmed(app, secretary, ctx):
    council = factories.council(members=4)
    secretary_person = council.members[3].person
    meeting = meetings.meeting(council, date(2030, 3, 1), number=1, secretary=secretary_person)
    db.session.commit()
    # planned, nobody marked: no count and no alarm
    assert services.quorum(meeting, today=date(2030, 2, 1))["marked"] is False
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Присутствие не отмечено" in page and "Кворум не набран" not in page
    services.add_attendee(meeting, council.members[0].person_id, "in_person")
    db.session.commit()
    counted = services.quorum(meeting, today=date(2030, 2, 1))
    assert counted["present"] == 2  # the secretary, a member, is there though not listed
    assert counted["needed"] == 3 and not counted["reached"] and counted["early"]
    page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Кворум пока не набран" in page and "text-bg-danger" not in page.split('id="quorum"')[0][-200:]
    services.add_attendee(meeting, council.members[1].person_id, "online")
    assert services.quorum(meeting, today=date(2030, 3, 1))["reached"] is True


def test_a_version_approved_before_the_labels_still_reads(app, secretary, ctx):
    """Snapshots kept before this change have no «label», «term», item votes or speaker:
    the version page and its document number them as the council's form does."""
    from sqlalchemy.orm.attributes import flag_modified

    from cluster_intranet.auth.models import User

    meeting = _meeting("full")
    item = services.save_agenda_item(meeting, None, {"text": "О чек-листе"})
    services.save_decision(meeting, None, {"text": "Одобрить.", "agenda_item_id": item.id}, [])
    approver = User(email="old@cluster.test", role="admin", password_hash="!")
    db.session.add(approver)
    version = services.approve(meeting, approver)
    for decision in [*version.snapshot["decisions"], *version.snapshot["agenda"][0]["decisions"]]:
        for key in ("label", "term", "item_votes"):
            decision.pop(key, None)
    for agenda_item in version.snapshot["agenda"]:
        agenda_item.pop("votes"), agenda_item.pop("speaker")
    flag_modified(version, "snapshot")
    db.session.commit()
    page = secretary.get(f"/meetings/{meeting.id}/versions/1")
    assert page.status_code == 200 and "Одобрить." in page.get_data(as_text=True)
    response = secretary.get(f"/documents/meetings/{meeting.id}/versions/1/protocol.docx")
    assert response.status_code == 200 and "1.1. Одобрить." in docx_paragraphs(response.data)


def test_the_meeting_page_reads_the_same_few_queries_whatever_its_size(app, secretary, ctx, count_queries):
    """Issue 14's bench target: the page a secretary lives on stays at ≤ 6 queries."""
    meeting = _meeting("full")
    people = [factories.person() for _ in range(12)]
    item = services.save_agenda_item(meeting, None, {"text": "Вопрос", "votes_unanimous": True})
    db.session.commit()

    url = f"/meetings/{meeting.id}"

    def page_queries() -> int:
        with count_queries() as counter:
            response = secretary.get(url)
        assert response.status_code == 200
        return counter.count

    secretary.get(url)
    small = page_queries()
    for n, person in enumerate(people):
        services.add_attendee(meeting, person.id, "in_person")
        services.save_decision(
            meeting,
            None,
            {"text": f"Решение {n}", "agenda_item_id": item.id, "deadline": date(2021, 12, 1)},
            [person.id, people[-1 - n].id],
        )
    db.session.commit()
    large = page_queries()
    assert small == large <= 6  # the account, the meeting (council, members, chair, secretary), 4 lists


def test_before_the_day_the_attendees_are_those_expected_not_those_present(app, secretary, ctx):
    """«Присутствовали очно» over the list of a meeting not yet held said who had been
    there; before the day the groups are «Очно», «Онлайн», «Приглашённые»."""
    council = factories.council(members=2)
    person = council.members[0].person
    planned = meetings.meeting(council, date(2030, 3, 1), number=1, attendees=[(person, "in_person")])
    held = meetings.meeting(council, date(2021, 3, 1), number=2, attendees=[(person, "in_person")])
    db.session.commit()

    def headings(meeting):
        page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        section = page[page.index('id="attendees"') :]
        return [h.strip() for h in re.findall(r'<h3 class="h6 mt-2">(.*?)</h3>', section, re.S)][:3]

    def choices(meeting):
        page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        select = page[page.index('name="mode"') :]
        return re.findall(r"<option[^>]*>(.*?)</option>", select[: select.index("</select>")])

    assert headings(planned) == ["Очно", "Онлайн", "Приглашённые"]
    assert headings(held)[0] == "Присутствовали очно"
    # The add form's «Как участвует» read «Присутствовали очно» before the day too.
    assert choices(planned) == choices(held) == ["Очно", "Онлайн", "Приглашённый"]


def test_a_new_decision_starts_on_the_agenda_item_of_the_one_before(app, secretary, ctx):
    """«По вопросу повестки» started «без привязки» even when the agenda had items: a new
    decision is offered the first item, then the item of the last decision entered."""
    council = factories.council(members=1)
    meeting = meetings.meeting(council, date(2030, 3, 1), agenda=["О плане", "О практике"])
    db.session.commit()
    first, second = (item.id for item in meeting.agenda_items)

    def offered():
        page = secretary.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        select = page[page.index('id="decision-new-agenda_item_id"') :]
        return re.search(r'<option selected value="(\d*)"', select[: select.index("</select>")]).group(1)

    assert offered() == str(first)
    answer = secretary.hx(
        "post", f"/meetings/{meeting.id}/decisions", data={"text": "Утвердить план практики", "agenda_item_id": second}
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert offered() == str(second)
